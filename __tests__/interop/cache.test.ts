import axios from 'axios';
import { setupCache, type AxiosCacheInstance } from 'axios-cache-interceptor';
import axiosRetry from 'axios-retry';
import { createAuthInterceptor, type AuthEvent } from '../../src';
import { flush, settle, until } from '../helpers/deferred';
import { startInteropServer, refreshThrough, type InteropServer } from '../helpers/interopServer';

// Request interceptors run last-registered first, so the set-up order decides who sees the call
// first: the cache (which swaps in an adapter that returns the stored response) or our routing.

let server: InteropServer;
beforeAll(async () => {
  server = await startInteropServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

/** Lets the event loop turn `n` times: long enough for a cached answer, which needs no I/O. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await flush();
}

type Order = 'setupCache before createAuthInterceptor' | 'setupCache after createAuthInterceptor';
const orders: Order[] = ['setupCache before createAuthInterceptor', 'setupCache after createAuthInterceptor'];

function cachedApi(order: Order, onEvent?: (event: AuthEvent) => void) {
  const plain = axios.create({ baseURL: server.url, adapter: 'http' });
  const refresh = refreshThrough(axios.create({ baseURL: server.url }));
  if (order === 'setupCache before createAuthInterceptor') {
    const api = setupCache(plain);
    return { api, auth: createAuthInterceptor(api, { refresh, onEvent }), refresh };
  }
  const auth = createAuthInterceptor(plain, { refresh, onEvent });
  return { api: setupCache(plain), auth, refresh };
}

test("setupCache before createAuthInterceptor, with Vary: Authorization: after setTokens for another user, that user never gets the previous user's cached response, and a user's repeat call is a hit", async () => {
  const events: AuthEvent[] = [];
  const { api, auth } = cachedApi('setupCache before createAuthInterceptor', (event) => events.push(event));
  const users = ['alice', 'bob', 'carol', 'bob'];
  const seen = [];
  for (const user of users) {
    await auth.setTokens(server.signIn(user));
    seen.push((await api.get('/api/me')).data.user, (await api.get('/api/me')).data.user);
  }
  expect(seen).toEqual(users.flatMap((user) => [user, user]));
  expect(events.filter((e) => e.type === 'setup-problem')).toEqual([]);
});

test('setupCache after createAuthInterceptor: the cache keys calls before the token is set, which cannot tell users apart; the session says so once, naming the order', async () => {
  const events: AuthEvent[] = [];
  const { api, auth } = cachedApi('setupCache after createAuthInterceptor', (event) => events.push(event));
  await auth.setTokens(server.signIn('alice'));
  await api.get('/api/me');
  await api.get('/api/me');
  expect(events.filter((e) => e.type === 'setup-problem')).toEqual([{ type: 'setup-problem', problem: expect.stringContaining('call setupCache() before createAuthInterceptor()') }]);
});

describe.each(orders)('axios-cache-interceptor, %s', (order) => {
  test('a cache hit with an expired token is served while the auth server is down, and starts no refresh', async () => {
    const { api, auth, refresh } = cachedApi(order);
    const { accessToken, refreshToken } = server.signIn();
    await auth.setTokens({ accessToken, refreshToken });
    await api.get('/api/items/1');
    // As after a reload: the stored token has expired by the clock, the cached answer has not.
    await auth.setTokens({ accessToken, refreshToken, expiresAt: Date.now() - 1000 });
    server.authDown = true;
    const hit = await settle(api.get('/api/items/1'));
    expect(hit).toMatchObject({ ok: true, value: { cached: true, data: { path: '/api/items/1', user: 'alice' } } });
    expect(refresh).not.toHaveBeenCalled();
    expect(server.refreshes).toBe(0);
    expect(server.api).toHaveLength(1);
  });

  test('a cache hit does not wait for a refresh that is running', async () => {
    const { api, auth } = cachedApi(order);
    await auth.setTokens(server.signIn());
    await api.get('/api/items/1');
    server.expire();
    const gate = server.holdRefresh();
    const refused = api.get('/api/items/2');
    await until(() => server.refreshes === 1);
    const hit = settle(api.get('/api/items/1'));
    const first = await Promise.race([hit, turns(50).then(() => 'still waiting')]);
    gate.resolve();
    expect(first).toMatchObject({ ok: true, value: { cached: true, data: { path: '/api/items/1' } } });
    await expect(refused).resolves.toMatchObject({ data: { token: 2 } });
    expect(server.refreshes).toBe(1);
  });
});

test('axios-cache-interceptor, setupCache before createAuthInterceptor: with Vary: Authorization a user who calls again gets their own cached response', async () => {
  const { api, auth } = cachedApi('setupCache before createAuthInterceptor');
  const seen = [];
  for (const user of ['alice', 'bob', 'carol', 'alice']) {
    await auth.setTokens(server.signIn(user));
    const first = await api.get('/api/me');
    const again = await api.get('/api/me');
    seen.push({ user, first: first.data.user, again: again.data.user, againCached: again.cached });
  }
  expect(seen).toEqual(['alice', 'bob', 'carol', 'alice'].map((user) => ({ user, first: user, again: user, againCached: true })));
  expect(server.api.filter((r) => r.path === '/api/me')).toHaveLength(4);
});

test('setupCache before createAuthInterceptor, with axios-retry re-sending refused calls: no false setup-problem for the retries', async () => {
  const events: AuthEvent[] = [];
  const { api, auth } = cachedApi('setupCache before createAuthInterceptor', (event) => events.push(event));
  axiosRetry(api, { retries: 2, retryCondition: () => true });
  await auth.setTokens(server.signIn('alice'));
  await expect(api.get('/api/always-401')).rejects.toMatchObject({ response: { status: 401 } });
  expect(server.api.filter((request) => request.path === '/api/always-401').length).toBeGreaterThan(2);
  expect(events.filter((e) => e.type === 'setup-problem')).toEqual([]);
});
