import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor } from '../../src';
import { flush, settle } from '../helpers/deferred';
import { claims, fakeClock, jwt } from '../helpers/fakes';
import { mockApi } from '../helpers/mockApi';

const MIN = 60_000;
const sec = (ms: number) => Math.floor(ms / 1000);

/**
 * An API whose clock runs `serverOffset` ahead of ours, that refuses JWTs past their `exp` by its
 * clock, and whose refresh hands out JWTs that live 15 minutes.
 */
function expiringApi(clock: { now: number }, serverOffset = 0, options: Parameters<typeof mockApi>[0] = {}) {
  const api = mockApi({ refreshLeeway: 30_000, ...options });
  const serverNow = () => clock.now + serverOffset;
  const accepts = api.handler;
  api.handler = (config) => {
    const exp = claims(String(config.headers?.Authorization).split(' ')[1] ?? '')?.exp;
    if (exp !== undefined && exp * 1000 <= serverNow()) {
      api.valid = 'expired-until-refreshed';
    }
    return accepts(config);
  };
  let n = 0;
  api.refresh.mockImplementation(async () => {
    api.valid = jwt({ sub: `t${++n}`, iat: sec(serverNow()), exp: sec(serverNow() + 15 * MIN) });
    return { accessToken: api.valid };
  });
  return { api, serverNow, unauthorized: () => api.unauthorized };
}

describe('refresh before expiry', () => {
  test('a call about to go out with a token inside the leeway waits for one refresh, and no 401 is spent', async () => {
    const clock = fakeClock();
    const { api } = expiringApi(clock);
    await api.auth.setTokens({ accessToken: 'at-1', expiresAt: clock.now + 15 * MIN });
    await api.instance.get('/before');
    clock.advance(15 * MIN - 10_000);
    await Promise.all(Array.from({ length: 5 }, (_, i) => api.instance.get(`/burst/${i}`)));
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect((api.refresh.mock.calls[0] as unknown as [unknown, { reason: string }])[1].reason).toBe('expiring');
    expect(api.sent.filter((s) => s.url?.startsWith('/burst')).every((s) => s.auth === `Bearer ${api.valid}`)).toBe(true);
    expect(api.sent).toHaveLength(6);
  });

  test.each([
    ['expiresIn, counted from when the tokens arrive', (now: number) => ({ accessToken: 'at-1', expiresIn: 900 }) as const],
    ['the JWT exp claim', (now: number) => ({ accessToken: jwt({ exp: sec(now + 15 * MIN) }) })],
  ])('expiry can come from %s', async (_, tokens) => {
    const clock = fakeClock();
    const { api } = expiringApi(clock);
    const initial = tokens(clock.now);
    api.valid = initial.accessToken;
    await api.auth.setTokens(initial);
    clock.advance(14 * MIN);
    await api.instance.get('/a');
    expect(api.refresh).not.toHaveBeenCalled();
    clock.advance(MIN - 20_000);
    await api.instance.get('/b');
    expect(api.refresh).toHaveBeenCalledTimes(1);
  });

  test('opaque tokens without an expiry are only refreshed after a 401', async () => {
    const clock = fakeClock();
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-1' });
    clock.advance(365 * 24 * 60 * MIN);
    await api.instance.get('/a');
    expect(api.refresh).not.toHaveBeenCalled();
  });

  test('if that refresh fails while the token still works, the call goes out with it; no refresh storm follows', async () => {
    const clock = fakeClock();
    const { api } = expiringApi(clock);
    await api.auth.setTokens({ accessToken: 'at-1', expiresIn: 60 });
    clock.advance(50_000);
    api.refresh.mockRejectedValueOnce(new Error('auth server down'));
    await expect(api.instance.get('/a')).resolves.toMatchObject({ status: 200 });
    await api.instance.get('/b');
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(api.sent.map((s) => s.auth)).toEqual(['Bearer at-1', 'Bearer at-1']);
  });

  test('if that refresh fails and the token has expired, the call rejects with the refresh error', async () => {
    const clock = fakeClock();
    const { api } = expiringApi(clock);
    await api.auth.setTokens({ accessToken: 'at-1', expiresAt: clock.now - 1 });
    api.refresh.mockRejectedValueOnce(new Error('auth server down'));
    await expect(api.instance.get('/a')).rejects.toMatchObject({ code: 'ERR_REFRESH_FAILED', config: { url: '/a' } });
    expect(api.sent).toEqual([]);
  });
});

describe('clock skew', () => {
  test('a client clock an hour ahead neither refreshes before every call nor loses refresh before expiry', async () => {
    const clock = fakeClock();
    const { api, serverNow, unauthorized } = expiringApi(clock, -60 * MIN);
    const signedIn = jwt({ sub: 'login', iat: sec(serverNow()), exp: sec(serverNow() + 15 * MIN) });
    api.valid = signedIn;
    await api.auth.setTokens({ accessToken: signedIn });
    for (let i = 0; i < 10; i++) {
      await api.instance.get(`/call/${i}`);
      clock.advance(MIN);
    }
    expect(api.refresh).toHaveBeenCalledTimes(1); // once, before the skew was known
    clock.advance(5 * MIN); // the refreshed token is now 20 s from its real expiry
    await api.instance.get('/near-expiry');
    expect(api.refresh).toHaveBeenCalledTimes(2);
    expect((api.refresh.mock.calls[1] as unknown as [unknown, { reason: string }])[1].reason).toBe('expiring');
    expect(unauthorized()).toBe(0);
  });

  test('a client clock an hour behind does not send expired tokens: it learns the server time from Date', async () => {
    const clock = fakeClock();
    const { api, serverNow, unauthorized } = expiringApi(clock, 60 * MIN);
    api.serverClock = serverNow;
    const signedIn = jwt({ sub: 'login', iat: sec(serverNow()), exp: sec(serverNow() + 15 * MIN) });
    api.valid = signedIn;
    await api.auth.setTokens({ accessToken: signedIn });
    await api.instance.get('/first'); // its Date header shows the server's clock
    clock.advance(15 * MIN);
    await expect(api.instance.get('/after-expiry')).resolves.toMatchObject({ status: 200 });
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect((api.refresh.mock.calls[0] as unknown as [unknown, { reason: string }])[1].reason).toBe('expiring');
    expect(unauthorized()).toBe(0);
  });

  test("a restored token that expired a minute ago is refreshed before the call, whatever its old iat says", async () => {
    const clock = fakeClock();
    const { api, unauthorized } = expiringApi(clock);
    const restored = jwt({ sub: 'yesterday', iat: sec(clock.now - 2 * 60 * MIN), exp: sec(clock.now - MIN) });
    await api.auth.setTokens({ accessToken: restored, refreshToken: 'rt' });
    await api.instance.get('/a');
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(unauthorized()).toBe(0);
  });

  test('a fresh token that still looks expired is sent anyway, and never refreshed in a loop', async () => {
    const clock = fakeClock();
    const api = mockApi();
    api.refresh.mockImplementation(async () => {
      api.valid = `stale-looking-${api.refresh.mock.calls.length}`;
      return { accessToken: api.valid, expiresAt: clock.now - 5 * MIN }; // a server whose clock we cannot correct
    });
    await api.auth.setTokens({ accessToken: 'at-1', expiresAt: clock.now - MIN });
    for (let i = 0; i < 5; i++) await expect(api.instance.get(`/c/${i}`)).resolves.toMatchObject({ status: 200 });
    expect(api.refresh).toHaveBeenCalledTimes(1);
  });

  test("a response a shared cache served (Date an hour old, Age: 3600) does not set the session's clock back: the token is still refreshed before it expires", async () => {
    const clock = fakeClock();
    const issue = () => {
      const iat = Math.floor(Date.now() / 1000);
      return { accessToken: jwt({ iat, exp: iat + 60 }) };
    };
    const instance = axios.create({ baseURL: 'https://api.test' });
    const statuses: number[] = [];
    new MockAdapter(instance).onGet().reply((config) => {
      const exp = claims(String(config.headers?.Authorization).replace('Bearer ', ''))?.exp ?? 0;
      const status = exp * 1000 > Date.now() ? 200 : 401;
      statuses.push(status);
      if (status === 401) return [401, {}, { 'www-authenticate': 'Bearer error="invalid_token"' }];
      // The CDN's copy: generated an hour ago, as its Age says.
      return config.url === '/catalogue' ? [200, {}, { date: new Date(Date.now() - 3_600_000).toUTCString(), age: '3600' }] : [200, {}];
    });
    const auth = createAuthInterceptor(instance, { refresh: async () => issue() });
    await auth.setTokens(issue()); // lives 60 s: refreshed in its last 15 s

    await instance.get('/catalogue');
    clock.advance(61_000);
    await instance.get('/me');

    expect(statuses).toEqual([200, 200]);
  });
});

test('concurrent calls crossing an expiry cause one refresh, also with calls held behind it', async () => {
  const clock = fakeClock();
  const { api, unauthorized } = expiringApi(clock);
  await api.auth.setTokens({ accessToken: 'at-1', expiresIn: 60 });
  clock.advance(55_000);
  const gate = api.hold();
  const first = api.instance.get('/first');
  await flush();
  const more = Array.from({ length: 5 }, (_, i) => settle(api.instance.get(`/more/${i}`)));
  gate.resolve();
  await first;
  expect((await Promise.all(more)).every((r) => r.ok)).toBe(true);
  expect(api.refresh).toHaveBeenCalledTimes(1);
  expect(unauthorized()).toBe(0);
});
