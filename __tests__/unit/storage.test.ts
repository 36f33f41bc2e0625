import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor, indexedDBStorage, memoryStorage, webStorage, type AuthTokens, type TokenStorage } from '../../src';
import { deferred, flush, settle } from '../helpers/deferred';
import { MemoryWebStorage } from '../helpers/fakes';
import { mockApi } from '../helpers/mockApi';

describe('webStorage', () => {
  test('keeps tokens as JSON under its key, so a reload finds them', async () => {
    const area = new MemoryWebStorage();
    const first = mockApi({ storage: webStorage(area, 'session') });
    await first.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });
    expect(JSON.parse(area.getItem('session')!)).toEqual({ accessToken: 'at-1', refreshToken: 'rt-1' });
    const reloaded = mockApi({ storage: webStorage(area, 'session') });
    await reloaded.instance.get('/a');
    expect(reloaded.sent).toEqual([{ url: '/a', auth: 'Bearer at-1' }]);
    await reloaded.auth.clearTokens();
    expect(area.getItem('session')).toBeNull();
  });

  test.each([
    ['text that is not JSON', 'secret-looking {not json'],
    ['JSON of the wrong shape', JSON.stringify({ accessToken: 42, refreshToken: 'secret-looking' })],
  ])('%s counts as no tokens and is reported as ERR_STORAGE without the stored text', async (_, text) => {
    const area = new MemoryWebStorage();
    area.setItem('auth-tokens', text);
    const onAuthFailure = jest.fn();
    const api = mockApi({ storage: webStorage(area), onAuthFailure });
    api.routes['/public'] = () => [200, 'ok'];
    await expect(api.instance.get('/public')).resolves.toMatchObject({ data: 'ok' });
    expect(api.sent).toEqual([{ url: '/public', auth: undefined }]);
    expect(onAuthFailure).toHaveBeenCalledTimes(1);
    const error = onAuthFailure.mock.calls[0][0];
    expect(error).toMatchObject({ name: 'AuthError', code: 'ERR_STORAGE' });
    expect(JSON.stringify(error) + error.message).not.toContain('secret-looking');
  });
});

describe('a storage that throws', () => {
  const broken = (overrides: Partial<TokenStorage>): TokenStorage => ({ ...memoryStorage({ accessToken: 'at-1' }), ...overrides });

  test('makes calls reject with ERR_STORAGE, and the next call tries storage again', async () => {
    const get = jest.fn().mockRejectedValueOnce(new Error('disk full')).mockResolvedValue({ accessToken: 'at-1' });
    const api = mockApi({ storage: broken({ get }) });
    await expect(api.instance.get('/a')).rejects.toMatchObject({ code: 'ERR_STORAGE', cause: new Error('disk full'), config: { url: '/a' } });
    await expect(api.instance.get('/b')).resolves.toMatchObject({ status: 200 });
  });

  test('on write during a refresh rejects the waiting calls with ERR_STORAGE', async () => {
    const api = mockApi({ storage: broken({ set: () => Promise.reject(new Error('quota')) }) });
    api.valid = 'at-2';
    await expect(api.instance.get('/a')).rejects.toMatchObject({ code: 'ERR_STORAGE' });
  });

  test('on write in setTokens rejects setTokens', async () => {
    const api = mockApi({ storage: broken({ set: () => { throw new Error('quota'); } }) });
    await expect(api.auth.setTokens({ accessToken: 'x' })).rejects.toMatchObject({ code: 'ERR_STORAGE' });
  });
});

test('memoryStorage(initial) starts the session signed in', async () => {
  const api = mockApi({ storage: memoryStorage({ accessToken: 'at-1' }) });
  await api.instance.get('/a');
  expect(api.sent).toEqual([{ url: '/a', auth: 'Bearer at-1' }]);
});

test('a rotated refresh token is in storage before any waiting call is replayed', async () => {
  const area = new MemoryWebStorage();
  const api = mockApi({ storage: webStorage(area) });
  await api.auth.setTokens({ accessToken: 'at-0', refreshToken: 'rt-0' });
  const storedWhenReplayed: Array<string | undefined> = [];
  const check = api.handler;
  api.handler = (config) => {
    storedWhenReplayed.push(JSON.parse(area.getItem('auth-tokens')!).refreshToken);
    return check(config);
  };
  await Promise.all([api.instance.get('/a'), api.instance.get('/b')]);
  await flush();
  expect(storedWhenReplayed).toEqual(['rt-0', 'rt-0', 'rt-2', 'rt-2']);
});

test('indexedDBStorage says so where IndexedDB is missing, rather than keep tokens nowhere', () => {
  expect(() => indexedDBStorage()).toThrow(expect.objectContaining({ name: 'AuthError', code: 'ERR_STORAGE', message: 'indexedDB is not available here' }));
});

describe('a storage that never answers, or answers late', () => {
  afterEach(() => jest.useRealTimers());

  test('a call does not hang when storage never answers: it settles within refreshTimeout', async () => {
    jest.useFakeTimers();
    const instance = axios.create({ baseURL: 'https://api.test' });
    new MockAdapter(instance).onAny().reply(200, {});
    const storage: TokenStorage = { get: () => new Promise(() => {}), set: () => {}, clear: () => {} };
    createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'at-0123456789abcdef' }), storage, refreshTimeout: 1_000 });

    let outcome: Awaited<ReturnType<typeof settle>> | undefined;
    void settle(instance.get('/me')).then((result) => (outcome = result));
    await jest.advanceTimersByTimeAsync(60_000);

    expect(outcome).toBeDefined();
  });

  test("a storage write that timed out and lands late does not leave storage holding tokens older than the session's", async () => {
    jest.useFakeTimers();
    const slow = deferred();
    let stored: AuthTokens | null = null;
    let writes = 0;
    // A store whose first write is stuck on the network, then goes through after all (a Redis failover).
    const storage: TokenStorage = {
      get: async () => stored,
      set: async (tokens) => {
        if (writes++ === 0) await slow.promise;
        stored = tokens;
      },
      clear: async () => {
        stored = null;
      },
    };
    let issued = 1;
    const refresh = async (): Promise<AuthTokens> => ({ accessToken: `at-${++issued}`, refreshToken: `rt-${issued}` });
    const auth = createAuthInterceptor(axios.create(), { refresh, storage, refreshTimeout: 1_000 });

    const signIn = auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' }).catch((error: unknown) => error);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(await signIn).toMatchObject({ code: 'ERR_STORAGE' });

    await auth.refresh(); // spends rt-1; storage now holds rt-2
    expect(stored).toMatchObject({ refreshToken: 'rt-2' });

    slow.resolve(); // the first write lands
    await jest.advanceTimersByTimeAsync(0);

    // Storage must not go back to rt-1, which the auth server has already spent: the next start would be signed out.
    expect(stored).toMatchObject({ refreshToken: 'rt-2' });
  });
});
