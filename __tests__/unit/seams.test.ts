import axios, { AxiosError, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { createAuthInterceptor, type AuthEvent } from '../../src';
import { settle } from '../helpers/deferred';
import { fakeClock, jwt } from '../helpers/fakes';
import { mockApi } from '../helpers/mockApi';

describe('a lock whose withLock throws synchronously', () => {
  test('fails the calls with ERR_LOCK, and refresh-failed says ERR_LOCK', async () => {
    const events: AuthEvent[] = [];
    const withLock = () => {
      throw new Error('lock service unreachable');
    };
    const api = mockApi({ lock: { withLock }, onEvent: (event) => events.push(event) });
    await api.auth.setTokens({ accessToken: 'at-1' });
    api.valid = 'revoked';

    const outcomes = await Promise.all([settle(api.instance.get('/a')), settle(api.instance.post('/b', {}))]);

    expect(outcomes).toEqual([
      { ok: false, error: expect.objectContaining({ code: 'ERR_LOCK' }) },
      { ok: false, error: expect.objectContaining({ code: 'ERR_LOCK' }) },
    ]);
    expect(events).toContainEqual({ type: 'refresh-failed', code: 'ERR_LOCK' });
    expect(api.refresh).not.toHaveBeenCalled();
  });
});

describe('a JWT whose iat and exp are in milliseconds', () => {
  test("does not move the session's clock: a token living 60 s is neither expired nor expiring", async () => {
    const clock = fakeClock();
    const api = mockApi({ refreshLeeway: 5_000 });
    const issued = jwt({ iat: clock.now, exp: clock.now + 60_000 });
    api.refresh.mockImplementationOnce(async () => ({ accessToken: (api.valid = issued), expiresIn: 60 }));
    await api.auth.setTokens({ accessToken: 'at-1' });
    api.valid = issued; // at-1 is refused: the refresh issues the ms-stamped token
    await api.instance.get('/first');
    clock.advance(30_000);
    await api.instance.get('/later');

    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(api.sent.map(({ auth }) => auth)).toEqual(['Bearer at-1', `Bearer ${issued}`, `Bearer ${issued}`]);
  });

  test('tokens set later with an absolute expiry an hour away are not taken for expired', async () => {
    const clock = fakeClock();
    const api = mockApi();
    const issued = jwt({ iat: clock.now, exp: clock.now + 3_600_000 });
    api.refresh.mockImplementationOnce(async () => ({ accessToken: issued }));
    await api.auth.refresh().catch(() => {});
    await api.auth.setTokens({ accessToken: 'at-9', expiresAt: clock.now + 3_600_000 });
    api.valid = 'at-9';
    await api.instance.get('/me');
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(api.sent).toEqual([{ url: '/me', auth: 'Bearer at-9' }]);
  });
});

describe('on a Bearer session, a challenge meant for another scheme', () => {
  test('Bearer invalid_token beside DPoP insufficient_scope is answered by a refresh, not a step-up', async () => {
    const onChallenge = jest.fn(async () => ({ accessToken: 'at-stepped-up' }));
    const api = mockApi({ onChallenge });
    await api.auth.setTokens({ accessToken: 'at-1' });
    api.valid = 'revoked';
    const handler = api.handler;
    api.handler = (config) => {
      const [status, body] = handler(config);
      return status === 401 ? [401, body, { 'WWW-Authenticate': 'Bearer error="invalid_token", DPoP error="insufficient_scope"' }] : [status, body];
    };
    api.refresh.mockImplementationOnce(async () => ({ accessToken: (api.valid = 'at-2') }));

    await expect(api.instance.get('/me')).resolves.toMatchObject({ status: 200 });
    expect(onChallenge).not.toHaveBeenCalled();
    expect(api.refresh).toHaveBeenCalledTimes(1);
  });
});

describe('answers that cannot loop', () => {
  test('a step-up that returns the same token replays once, then lets the refusal through', async () => {
    const onChallenge = jest.fn(async () => ({ accessToken: 'at-1' }));
    const api = mockApi({ onChallenge });
    await api.auth.setTokens({ accessToken: 'at-1' });
    api.handler = (config) => (api.sent.push({ url: config.url, auth: config.headers?.Authorization }), [403, {}, { 'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="x"' }]);

    await expect(api.instance.get('/a')).rejects.toMatchObject({ response: { status: 403 }, requiredScope: 'x' });
    expect(onChallenge).toHaveBeenCalledTimes(1);
    expect(api.sent).toHaveLength(2);
  });

  test('a 401 with a megabyte of WWW-Authenticate is parsed in passing: one refresh, one replay', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-1' });
    api.valid = 'revoked';
    const huge = 'Bearer error="invalid_token", ' + 'a=b, '.repeat(200_000) + 'Bearer, '.repeat(50_000);
    const handler = api.handler;
    api.handler = (config) => {
      const [status, body] = handler(config);
      return status === 401 ? [401, body, { 'WWW-Authenticate': huge }] : [status, body];
    };
    await expect(api.instance.get('/a')).resolves.toMatchObject({ status: 200 });
    expect(api.refresh).toHaveBeenCalledTimes(1);
  });
});

describe("an app's own adapter without a name", () => {
  /** A stand-in for an app's adapter assigned to `defaults.adapter` as an arrow function: its name is ''. */
  function anonymousAdapterApi(reply: (config: InternalAxiosRequestConfig) => Promise<AxiosResponse>) {
    const instance = axios.create({ baseURL: 'https://api.test' });
    const refresh = jest.fn(async () => ({ accessToken: 'at-2' }));
    const auth = createAuthInterceptor(instance, { refresh });
    instance.defaults.adapter = reply;
    expect(instance.defaults.adapter.name).toBe('');
    return { instance, auth, refresh };
  }

  test('is not taken for the fetch adapter: it is handed the fetchOptions the call set, not redirect: manual', async () => {
    let seen: unknown;
    const { instance, auth } = anonymousAdapterApi(async (config) => {
      seen = config.fetchOptions;
      return { data: '', status: 200, statusText: 'OK', headers: {}, config };
    });
    await auth.setTokens({ accessToken: 'at-1' });
    await instance.get('/a');
    expect(seen).toBeUndefined();
  });

  test('a frozen 401 it throws starts the refresh and the call is replayed, not a TypeError', async () => {
    const { instance, auth, refresh } = anonymousAdapterApi(async (config) => {
      if (config.headers.Authorization === 'Bearer at-2') return { data: 'ok', status: 200, statusText: 'OK', headers: {}, config };
      const response = { data: {}, status: 401, statusText: '', headers: { 'www-authenticate': 'Bearer error="invalid_token"' }, config };
      throw Object.freeze(new AxiosError('Request failed with status code 401', 'ERR_BAD_REQUEST', config, {}, response));
    });
    await auth.setTokens({ accessToken: 'at-1' });
    await expect(instance.get('/a')).resolves.toMatchObject({ data: 'ok' });
    expect(refresh).toHaveBeenCalledTimes(1);
  });
});
