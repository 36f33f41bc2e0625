import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor, type AuthTokens, type TokenStorage } from '../../src';
import { claims, fakeClock, jwt } from '../helpers/fakes';

const LIFETIME_S = 2;

/** An API whose tokens live two seconds by the shared fake clock, and the refresh that issues them. */
function shortLivedApi(clock: ReturnType<typeof fakeClock>) {
  const expiries = new Map<string, number>();
  let issued = 0;
  const server = {
    unauthorized: 0,
    refreshes: 0,
    issue(): AuthTokens {
      const accessToken = `at-${++issued}`;
      expiries.set(accessToken, clock.now + LIFETIME_S * 1000);
      return { accessToken, refreshToken: `rt-${issued}`, expiresIn: LIFETIME_S };
    },
    refresh: async (): Promise<AuthTokens> => {
      server.refreshes++;
      return server.issue();
    },
    /** An axios instance on this API. */
    instance() {
      const instance = axios.create({ baseURL: 'https://api.test' });
      new MockAdapter(instance).onAny().reply((config) => {
        const token = String(config.headers?.Authorization ?? '').replace('Bearer ', '');
        if (clock.now < (expiries.get(token) ?? 0)) return [200, {}];
        server.unauthorized++;
        return [401, {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }];
      });
      return instance;
    },
  };
  return server;
}

/** One storage two sessions share, telling each of the other's writes, as tabs' storage does. */
function sharedStorage(): () => TokenStorage {
  let stored: AuthTokens | null = null;
  const listeners = new Set<(tokens: AuthTokens | null) => void>();
  const tell = (from: unknown) => listeners.forEach((listener) => listener !== from && listener(stored));
  return () => {
    let mine: ((tokens: AuthTokens | null) => void) | undefined;
    return {
      get: () => stored,
      set: (tokens) => void ((stored = tokens), tell(mine)),
      clear: () => void ((stored = null), tell(mine)),
      subscribe(listener) {
        mine = listener;
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
  };
}

test('a token that lives 30 s is not refreshed the moment it arrives', async () => {
  const clock = fakeClock();
  const server = shortLivedApi(clock);
  const instance = server.instance();
  const auth = createAuthInterceptor(instance, { refresh: jest.fn(server.refresh) });
  await auth.setTokens({ ...server.issue(), expiresIn: 30 });
  clock.advance(10);
  await instance.get('/a');
  expect(server.refreshes).toBe(0);
});

test('tokens living 2 s: bursts across five expiries cost one refresh per expiry and no 401', async () => {
  const clock = fakeClock();
  const server = shortLivedApi(clock);
  const instance = server.instance();
  const auth = createAuthInterceptor(instance, { refresh: server.refresh });
  await auth.setTokens(server.issue());
  for (let expiry = 1; expiry <= 5; expiry++) {
    clock.advance(LIFETIME_S * 1000 - 100); // inside the last quarter of its life
    await Promise.all(Array.from({ length: 10 }, (_, i) => instance.get(`/burst/${i}`)));
    expect(server.refreshes).toBe(expiry);
  }
  expect(server.unauthorized).toBe(0);
});

test('two sessions sharing a storage that tells them of changes: one refresh per expiry between them, no 401', async () => {
  const clock = fakeClock();
  const server = shortLivedApi(clock);
  const storage = sharedStorage();
  const a = server.instance();
  const b = server.instance();
  const authA = createAuthInterceptor(a, { refresh: server.refresh, storage: storage() });
  createAuthInterceptor(b, { refresh: server.refresh, storage: storage() });
  await authA.setTokens(server.issue());
  for (let expiry = 1; expiry <= 5; expiry++) {
    clock.advance(LIFETIME_S * 1000 - 100);
    for (let call = 0; call < 6; call++) await (call % 2 ? b : a).get(`/alternate/${call}`);
    expect(server.refreshes).toBe(expiry);
  }
  expect(server.unauthorized).toBe(0);
});

test('a JWT living 2 s, issued late in a second (iat is whole seconds), is still refreshed before it expires: no 401', async () => {
  // Client and server share one clock: there is no skew to learn.
  const second = Date.UTC(2026, 0, 1) / 1000;
  const clock = fakeClock(second * 1000 + 900);
  const issue = () => {
    const iat = Math.floor(Date.now() / 1000);
    return { accessToken: jwt({ iat, exp: iat + 2 }) };
  };
  const instance = axios.create({ baseURL: 'https://api.test' });
  const statuses: number[] = [];
  new MockAdapter(instance).onGet('/me').reply((config) => {
    const exp = claims(String(config.headers?.Authorization).replace('Bearer ', ''))?.exp ?? 0;
    const status = exp * 1000 > Date.now() ? 200 : 401;
    statuses.push(status);
    return status === 200 ? [200, {}] : [401, {}, { 'www-authenticate': 'Bearer error="invalid_token"' }];
  });
  const refresh = jest.fn(async () => issue());
  const auth = createAuthInterceptor(instance, { refresh });
  await auth.setTokens({ accessToken: 'at-signed-in-000', expiresIn: 3600 });

  await auth.refresh(); // at x.900 s: the token says iat x, exp x+2
  clock.advance(1_150); // x+2.05 s: that token expired 50 ms ago; the leeway (0.5 s) should have replaced it
  await instance.get('/me');

  expect(statuses).toEqual([200]);
});
