import axios from 'axios';
import { createAuthInterceptor, isAuthError, webLocks, type RefreshLock } from '../../src';
import { deferred, flush, settle } from '../helpers/deferred';
import { mockApi } from '../helpers/mockApi';
import { mutexLock, tabs } from '../helpers/tabs';

describe('with a lock shared by tabs', () => {
  test('tabs refused at once run one refresh: the others adopt the stored token instead of spending the refresh token again', async () => {
    const { server, open } = tabs({ lock: mutexLock() });
    const all = [open(), open(), open()];
    server.valid = 'expired-elsewhere';
    const results = await Promise.all(all.flatMap((tab) => [tab.instance.get('/a'), tab.instance.get('/b')]));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(server.refresh).toHaveBeenCalledTimes(1);
    expect(server.reuses).toBe(0);
    for (const tab of all) expect(tab.sent.at(-1)).toBe('Bearer at-2');
  });

  test('a tab whose refresh is slow holds the other tabs until it stores the new token', async () => {
    const { server, open } = tabs({ lock: mutexLock() });
    const [slow, other] = [open(), open()];
    server.valid = 'expired-elsewhere';
    const gate = server.hold();
    const first = slow.instance.get('/a');
    await flush();
    expect(server.refresh).toHaveBeenCalledTimes(1);
    const waiting = other.instance.get('/b');
    await flush();
    expect(other.sent).toEqual(['Bearer at-1']); // refused, and now waiting for the lock
    gate.resolve();
    await expect(Promise.all([first, waiting])).resolves.toHaveLength(2);
    expect(other.sent).toEqual(['Bearer at-1', 'Bearer at-2']);
    expect(server.refresh).toHaveBeenCalledTimes(1);
  });

  test('without the lock, tabs race and spend one refresh token twice (why the lock exists)', async () => {
    const { server, open } = tabs();
    const [a, b] = [open(), open()];
    server.valid = 'expired-elsewhere';
    const results = await Promise.all([settle(a.instance.get('/a')), settle(b.instance.get('/b'))]);
    expect(server.refresh).toHaveBeenCalledTimes(2);
    expect(server.reuses).toBe(1);
    expect(results.filter((r) => !r.ok)).toHaveLength(1);
  });

  test('a tab that finds the storage cleared inside the lock is signed out, without a refresh', async () => {
    const onAuthFailure = jest.fn();
    const { server, open } = tabs({ lock: mutexLock(), onAuthFailure });
    const [tab, other] = [open({ hears: false }), open()];
    await tab.instance.get('/a');
    server.valid = 'expired-elsewhere';
    await other.auth.clearTokens();
    await expect(tab.instance.get('/b')).rejects.toMatchObject({ code: 'ERR_SESSION_EXPIRED', config: { url: '/b' } });
    expect(server.refresh).not.toHaveBeenCalled();
    expect(onAuthFailure).toHaveBeenCalledTimes(1);
    expect(onAuthFailure.mock.calls[0][0]).toMatchObject({ code: 'ERR_SESSION_EXPIRED' });
  });
});

describe('the lock option', () => {
  test('inside the lock, a stored token other than the refused one is adopted without a refresh', async () => {
    const order: string[] = [];
    const lock: RefreshLock = { withLock: (fn) => (order.push('locked'), fn().finally(() => order.push('released'))) };
    const stored = { accessToken: 'at-1' };
    const api = mockApi({ lock, storage: { get: () => (order.push('read'), stored), set: () => void order.push('stored'), clear: () => {} } });
    await api.instance.get('/a');
    api.valid = stored.accessToken = 'at-from-another-tab';
    await expect(api.instance.get('/b')).resolves.toMatchObject({ status: 200 });
    expect(order).toEqual(['read', 'locked', 'read', 'released']);
    expect(api.refresh).not.toHaveBeenCalled();
    expect(api.sent.at(-1)).toEqual({ url: '/b', auth: 'Bearer at-from-another-tab' });
  });

  test('inside the lock, a stored token that is still the refused one is refreshed, and the result stored before the lock is released', async () => {
    const order: string[] = [];
    const lock: RefreshLock = { withLock: (fn) => (order.push('locked'), fn().finally(() => order.push('released'))) };
    const api = mockApi({ lock, storage: { get: () => (order.push('read'), { accessToken: 'at-1' }), set: () => void order.push('stored'), clear: () => {} } });
    await api.instance.get('/a');
    api.valid = 'at-0';
    api.refresh.mockImplementation(async () => (order.push('refresh'), { accessToken: (api.valid = 'at-2') }));
    await expect(api.instance.get('/b')).resolves.toMatchObject({ status: 200 });
    expect(order).toEqual(['read', 'locked', 'read', 'refresh', 'stored', 'released']);
  });

  test('inside the lock, malformed stored tokens are reported as ERR_STORAGE and the refresh goes ahead', async () => {
    const onAuthFailure = jest.fn();
    let stored: unknown = { accessToken: 'at-1', refreshToken: 'rt-1' };
    const api = mockApi({ lock: mutexLock(), onAuthFailure, storage: { get: () => stored as never, set: (tokens) => void (stored = tokens), clear: () => {} } });
    await api.instance.get('/a');
    stored = '{corrupt';
    api.valid = 'at-0';
    await expect(api.instance.get('/b')).resolves.toMatchObject({ status: 200 });
    expect(api.refresh).toHaveBeenCalledWith({ accessToken: 'at-1', refreshToken: 'rt-1' }, expect.anything());
    expect(onAuthFailure).toHaveBeenCalledWith(expect.objectContaining({ code: 'ERR_STORAGE' }));
    expect(stored).toEqual({ accessToken: 'at-2', refreshToken: 'rt-2' });
  });

  test('a sign-out in this tab while its refresh waits for the lock stands: no refresh, no failure reported', async () => {
    const held = deferred();
    const onAuthFailure = jest.fn();
    const api = mockApi({ lock: { withLock: (fn) => held.promise.then(fn) }, onAuthFailure });
    await api.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });
    api.valid = 'at-2';
    const call = settle(api.instance.get('/a'));
    await flush();
    await api.auth.clearTokens();
    held.resolve();
    expect(await call).toMatchObject({ ok: false, error: { response: { status: 401 } } });
    expect(api.refresh).not.toHaveBeenCalled();
    expect(onAuthFailure).not.toHaveBeenCalled();
    await expect(api.auth.getTokens()).resolves.toBeNull();
  });

  test('a lock that fails rejects the waiting calls with ERR_LOCK and its cause', async () => {
    const api = mockApi({ lock: { withLock: () => Promise.reject(new Error('connection refused')) } });
    await api.auth.setTokens({ accessToken: 'at-1' });
    api.valid = 'at-2';
    const error = await api.instance.get('/a').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AuthError', code: 'ERR_LOCK', cause: new Error('connection refused') });
    expect(api.refresh).not.toHaveBeenCalled();
  });

  test('an error from inside the lock keeps its own code', async () => {
    const api = mockApi({ lock: mutexLock() });
    await api.auth.setTokens({ accessToken: 'at-1' });
    api.valid = 'at-2';
    api.refresh.mockRejectedValueOnce(new Error('auth server down'));
    await expect(api.instance.get('/a')).rejects.toMatchObject({ code: 'ERR_REFRESH_FAILED' });
  });

  test('refreshTimeout starts once the lock is held, and a refresh that never settles releases the lock when it runs out', async () => {
    jest.useFakeTimers();
    try {
      const held = deferred();
      let released = false;
      const lock: RefreshLock = { withLock: (fn) => held.promise.then(fn).finally(() => (released = true)) };
      const api = mockApi({ lock, refreshTimeout: 1_000 });
      await api.auth.setTokens({ accessToken: 'at-1' });
      api.valid = 'at-2';
      api.refresh.mockImplementation(() => new Promise(() => {}));
      const call = settle(api.instance.get('/a'));
      await jest.advanceTimersByTimeAsync(5_000); // another holder takes its time
      expect(api.refresh).not.toHaveBeenCalled();
      held.resolve();
      await jest.advanceTimersByTimeAsync(999);
      expect(api.refresh).toHaveBeenCalledTimes(1);
      expect(released).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      expect(await call).toMatchObject({ ok: false, error: { code: 'ERR_REFRESH_TIMEOUT' } });
      expect(released).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });

  test('must have a withLock method', () => {
    expect(() => createAuthInterceptor(axios.create(), { refresh: jest.fn(), lock: {} as RefreshLock })).toThrow(
      new TypeError('Expected `lock` to be an object with a withLock method, got an object with keys (none)'),
    );
  });
});

describe('webLocks', () => {
  test('says clearly that Web Locks are missing instead of pretending to coordinate', () => {
    const error = (() => {
      try {
        webLocks();
      } catch (e) {
        return e;
      }
    })();
    expect(isAuthError(error) && error.code).toBe('ERR_LOCK');
    expect((error as Error).message).toMatch(/navigator\.locks is not available/);
  });

  test('holds the named lock of navigator.locks', async () => {
    const request = jest.fn((_name: string, fn: () => Promise<string>) => fn());
    Object.defineProperty(globalThis, 'navigator', { value: { locks: { request } }, configurable: true });
    try {
      await expect(webLocks('my-app').withLock(async () => 'done')).resolves.toBe('done');
      expect(request).toHaveBeenCalledWith('my-app', expect.any(Function));
    } finally {
      delete (globalThis as { navigator?: unknown }).navigator;
    }
  });
});
