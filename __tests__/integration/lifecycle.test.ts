import axios from 'axios';
import { createAuthInterceptor, parseAuthChallenge, webStorage, type AuthTokens } from '../../src';
import { settle } from '../helpers/deferred';
import { fakeClock, MemoryWebStorage } from '../helpers/fakes';
import { realApi } from '../helpers/realApi';

const MIN = 60_000;
let api: Awaited<ReturnType<typeof realApi>>;
afterEach(() => api.server.close());

/** A second tab or a reload: a new instance and interceptor on the same storage and server. */
function reopen(storage: ReturnType<typeof webStorage>, options = {}) {
  const instance = axios.create({ baseURL: api.server.url, adapter: 'http' });
  const auth = createAuthInterceptor(instance, { refresh: api.refresh, storage, ...options });
  return { instance, auth };
}

describe('storage', () => {
  test('tokens survive a reload, and the rotated refresh token is the one stored', async () => {
    const area = new MemoryWebStorage();
    api = await realApi({ storage: webStorage(area) });
    api.server.expireAccessTokens();
    await api.instance.get('/api/a'); // refresh: the server rotates the refresh token
    const reloaded = reopen(webStorage(area));
    await expect(reloaded.instance.get('/api/b')).resolves.toMatchObject({ data: { token: 2 } });
    api.server.expireAccessTokens();
    await expect(reloaded.instance.get('/api/c')).resolves.toMatchObject({ data: { token: 3 } });
    expect(api.server.reuses).toBe(0);
  });

  test('a corrupt stored value means no tokens and one ERR_STORAGE report', async () => {
    const area = new MemoryWebStorage();
    area.setItem('auth-tokens', '{"accessToken":');
    const onAuthFailure = jest.fn();
    api = await realApi({ storage: webStorage(area), onAuthFailure }, { signIn: false });
    await expect(api.instance.get('/api/a', { skipAuthRefresh: true })).rejects.toMatchObject({ response: { status: 401 } });
    expect(api.apiLog()[0]).toMatchObject({ header: false });
    expect(onAuthFailure).toHaveBeenCalledWith(expect.objectContaining({ code: 'ERR_STORAGE' }));
  });
});

describe('refresh before expiry, on the server clock', () => {
  test('a burst crossing a JWT expiry costs one refresh and zero 401s', async () => {
    const clock = fakeClock(Date.now());
    api = await realApi({}, { server: { jwt: true, accessTtlMs: 15 * MIN } });
    await api.instance.get('/api/warm-up');
    clock.advance(15 * MIN - 10_000);
    await Promise.all(Array.from({ length: 20 }, (_, i) => api.instance.get(`/api/burst/${i}`)));
    expect(api.server.refreshes).toBe(1);
    expect(api.unauthorized()).toBe(0);
  });

  test('a client clock an hour ahead: no refresh per call, and still zero 401s at expiry', async () => {
    const clock = fakeClock(Date.now());
    api = await realApi({}, { server: { jwt: true, accessTtlMs: 15 * MIN, clockOffsetMs: -60 * MIN } });
    for (let i = 0; i < 10; i++) {
      await api.instance.get(`/api/call/${i}`);
      clock.advance(MIN);
    }
    expect(api.server.refreshes).toBe(0);
    clock.advance(5 * MIN); // 20 s before the expiry on the server's clock
    await api.instance.get('/api/near-expiry');
    expect(api.server.refreshes).toBe(1);
    expect(api.unauthorized()).toBe(0);
  });

  test('a client clock an hour behind: it learns the server time and does not send the expired token', async () => {
    const clock = fakeClock(Date.now());
    api = await realApi({}, { server: { jwt: true, accessTtlMs: 15 * MIN, clockOffsetMs: 60 * MIN } });
    await api.instance.get('/api/first');
    clock.advance(15 * MIN);
    await api.instance.get('/api/after-expiry');
    expect(api.server.refreshes).toBe(1);
    expect(api.unauthorized()).toBe(0);
  });

  test('a token restored hours later that expired a minute ago is refreshed before the call', async () => {
    const clock = fakeClock(Date.now());
    api = await realApi({}, { server: { jwt: true, accessTtlMs: 2 * 60 * MIN } });
    const saved = (await api.auth.getTokens()) as AuthTokens;
    clock.advance(2 * 60 * MIN + MIN);
    const restored = reopen(webStorage(new MemoryWebStorage()));
    await restored.auth.setTokens({ accessToken: saved.accessToken, refreshToken: saved.refreshToken! });
    await expect(restored.instance.get('/api/a')).resolves.toMatchObject({ status: 200 });
    expect(api.server.refreshes).toBe(1);
    expect(api.unauthorized()).toBe(0);
  });
});

describe('rotation and sign-out', () => {
  test('an auth server refusing the refresh ends the session until the next sign-in', async () => {
    const onAuthFailure = jest.fn();
    api = await realApi({ onAuthFailure });
    api.server.expireAccessTokens();
    api.server.failNextRefresh(400);
    const results = await Promise.all([settle(api.instance.get('/api/a')), settle(api.instance.get('/api/b'))]);
    for (const result of results) expect(result).toMatchObject({ ok: false, error: { code: 'ERR_SESSION_EXPIRED' } });
    expect(onAuthFailure).toHaveBeenCalledTimes(1);
    expect(await api.auth.getTokens()).toBeNull();
    await expect(api.instance.get('/api/c')).rejects.toMatchObject({ code: 'ERR_SESSION_EXPIRED' });
    expect(api.refresh).toHaveBeenCalledTimes(1);
    await api.auth.setTokens(api.server.signIn());
    await expect(api.instance.get('/api/d')).resolves.toMatchObject({ status: 200 });
  });

  test('a 5xx from the auth server keeps the session, and a later 401 tries again', async () => {
    api = await realApi();
    api.server.expireAccessTokens();
    api.server.failNextRefresh(503);
    await expect(api.instance.get('/api/a')).rejects.toMatchObject({ code: 'ERR_REFRESH_FAILED' });
    expect(await api.auth.getTokens()).not.toBeNull();
    await expect(api.instance.get('/api/b')).resolves.toMatchObject({ status: 200 });
    expect(api.server.refreshes).toBe(1);
  });
});

test('challenges: the server\'s insufficient_scope names the scope on the error, and never refreshes', async () => {
  api = await realApi();
  const error = await api.instance.get('/api/admin').catch((e: unknown) => e);
  expect(error).toMatchObject({ response: { status: 403 }, requiredScope: 'admin' });
  const header = axios.isAxiosError(error) ? String(error.response?.headers['www-authenticate']) : '';
  expect(parseAuthChallenge(header)).toEqual([{ scheme: 'Bearer', params: { realm: 'api', error: 'insufficient_scope', scope: 'admin' } }]);
  expect(api.refresh).not.toHaveBeenCalled();
});
