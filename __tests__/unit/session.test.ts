import axios from 'axios';
import { isAuthError, type AuthError } from '../../src';
import { deferred, flush, settle } from '../helpers/deferred';
import { mockApi } from '../helpers/mockApi';

async function signedIn(options: Parameters<typeof mockApi>[0] = {}) {
  const api = mockApi(options);
  await api.auth.setTokens({ accessToken: 'at-0', refreshToken: 'rt-0' });
  return api; // 'at-0' is already expired: the API only accepts 'at-1'
}

describe('one refresh for many 401s', () => {
  test('ten concurrent 401s cause one refresh and each call resolves with its own response', async () => {
    const api = await signedIn();
    const calls = Array.from({ length: 10 }, (_, i) => api.instance.get(`/item/${i}`));
    const responses = await Promise.all(calls);
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(responses.map((r) => r.data.url)).toEqual(Array.from({ length: 10 }, (_, i) => `/item/${i}`));
    expect(api.sent.filter((s) => s.auth === 'Bearer at-2')).toHaveLength(10);
  });

  test('a call already in flight when the refresh began joins it when its 401 arrives', async () => {
    const api = await signedIn();
    const slow = deferred<[number, unknown, Record<string, string>]>();
    api.routes['/slow'] = () => slow.promise as never;
    const inFlight = api.instance.get('/slow');
    await flush();
    const gate = api.hold();
    const trigger = api.instance.get('/fast');
    await flush();
    delete api.routes['/slow'];
    slow.resolve([401, {}, {}]);
    await flush();
    gate.resolve();
    await expect(Promise.all([inFlight, trigger])).resolves.toHaveLength(2);
    expect(api.refresh).toHaveBeenCalledTimes(1);
  });

  test('the refresh gets the current tokens, the reason and the 401', async () => {
    const api = await signedIn();
    await api.instance.get('/a');
    const [tokens, context] = api.refresh.mock.calls[0] as unknown as [unknown, { reason: string; error: { response: { status: number } }; signal: AbortSignal }];
    expect(tokens).toEqual({ accessToken: 'at-0', refreshToken: 'rt-0' });
    expect(context.reason).toBe('unauthorized');
    expect(context.error.response.status).toBe(401);
    expect(context.signal).toBeInstanceOf(AbortSignal);
  });
});

describe('calls started during a refresh', () => {
  test('wait and go out with the new token: the server never sees the old one', async () => {
    const api = await signedIn();
    const gate = api.hold();
    const first = api.instance.get('/first');
    await flush();
    const later = api.instance.get('/later');
    await flush();
    expect(api.sent.map((s) => s.url)).toEqual(['/first']);
    gate.resolve();
    await Promise.all([first, later]);
    expect(api.sent.filter((s) => s.url === '/later')).toEqual([{ url: '/later', auth: 'Bearer at-2' }]);
  });

  test('skipAuth calls never wait', async () => {
    const api = await signedIn();
    const gate = api.hold();
    const first = api.instance.get('/first');
    await flush();
    api.routes['/login'] = () => [200, 'ok'];
    await expect(api.instance.get('/login', { skipAuth: true })).resolves.toMatchObject({ data: 'ok' });
    gate.resolve();
    await first;
  });
});

test('a late 401 for a call sent with an older token is replayed with the current one, without a refresh', async () => {
  const api = await signedIn();
  const slow = deferred<[number]>();
  api.routes['/slow'] = () => slow.promise as never;
  const late = api.instance.get('/slow');
  await flush();
  await api.instance.get('/a'); // 401, refresh, replay
  expect(api.refresh).toHaveBeenCalledTimes(1);
  delete api.routes['/slow'];
  slow.resolve([401]);
  await expect(late).resolves.toMatchObject({ status: 200 });
  expect(api.refresh).toHaveBeenCalledTimes(1);
  expect(api.sent.at(-1)).toEqual({ url: '/slow', auth: 'Bearer at-2' });
});

describe('when the refresh fails', () => {
  test('the trigger and every waiting call reject once with ERR_REFRESH_FAILED, never as a cancellation', async () => {
    const onAuthFailure = jest.fn();
    const api = await signedIn({ onAuthFailure });
    const gate = api.hold();
    const trigger = settle(api.instance.get('/trigger'));
    await flush();
    const held = settle(api.instance.get('/held'));
    const cause = new Error('refresh token revoked');
    gate.reject(cause);
    const [t, h] = await Promise.all([trigger, held]);
    for (const result of [t, h]) {
      expect(result.ok).toBe(false);
      const error = (result as { error: AuthError }).error;
      expect(isAuthError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'ERR_REFRESH_FAILED', cause });
      expect(axios.isCancel(error)).toBe(false);
    }
    expect((t as { error: AuthError }).error).toMatchObject({ config: { url: '/trigger' }, response: { status: 401 } });
    expect((h as { error: AuthError }).error.config?.url).toBe('/held');
    expect(onAuthFailure).toHaveBeenCalledTimes(1);
    expect(onAuthFailure.mock.calls[0][0]).toMatchObject({ code: 'ERR_REFRESH_FAILED', cause });
  });

  test('nothing is stuck: a later 401 starts a new refresh, and setTokens makes calls work again', async () => {
    const api = await signedIn();
    api.hold().reject(new Error('down'));
    await expect(api.instance.get('/a')).rejects.toMatchObject({ code: 'ERR_REFRESH_FAILED' });
    await expect(api.instance.get('/b')).resolves.toMatchObject({ status: 200 });
    expect(api.refresh).toHaveBeenCalledTimes(2);
    api.valid = 'signed-in-again';
    await api.auth.setTokens({ accessToken: 'signed-in-again' });
    await expect(api.instance.get('/c')).resolves.toMatchObject({ status: 200 });
    expect(api.refresh).toHaveBeenCalledTimes(2);
  });
});

describe('when the refresh hangs', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('after refreshTimeout every waiting call rejects with ERR_REFRESH_TIMEOUT and the signal is aborted', async () => {
    const api = await signedIn({ refreshTimeout: 5_000 });
    api.hold(); // never released
    const calls = [settle(api.instance.get('/a')), settle(api.instance.get('/b'))];
    await jest.advanceTimersByTimeAsync(4_999);
    const signal = (api.refresh.mock.calls[0] as unknown as [unknown, { signal: AbortSignal }])[1].signal;
    expect(signal.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    for (const result of await Promise.all(calls)) {
      expect(result).toMatchObject({ ok: false, error: { name: 'AuthError', code: 'ERR_REFRESH_TIMEOUT' } });
    }
    expect(signal.aborted).toBe(true);
  });
});

describe('a bad refresh result', () => {
  test.each([[undefined], [null], [{}], [{ accessToken: '' }], [{ accessToken: 42 }], ['a-string']])(
    '%p rejects with ERR_INVALID_TOKENS and nothing is sent with it',
    async (result) => {
      const api = await signedIn();
      api.refresh.mockResolvedValueOnce(result as never);
      await expect(api.instance.get('/a')).rejects.toMatchObject({ code: 'ERR_INVALID_TOKENS' });
      expect(api.sent).toEqual([{ url: '/a', auth: 'Bearer at-0' }]);
    },
  );

  test('a result without refreshToken keeps the previous one', async () => {
    const api = await signedIn();
    api.refresh.mockImplementationOnce(async () => {
      api.valid = 'at-new';
      return { accessToken: 'at-new' };
    });
    await api.instance.get('/a');
    expect(await api.auth.getTokens()).toEqual({ accessToken: 'at-new', refreshToken: 'rt-0' });
  });

  test('expiresIn is turned into expiresAt when the tokens arrive', async () => {
    const api = mockApi();
    jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    await api.auth.setTokens({ accessToken: 'x', expiresIn: 60 });
    expect(await api.auth.getTokens()).toEqual({ accessToken: 'x', expiresAt: 1_060_000 });
  });
});

describe('no loops, no deadlocks', () => {
  test('a replay that gets 401 again rejects with that 401 and starts no second refresh', async () => {
    const api = await signedIn();
    api.refresh.mockResolvedValue({ accessToken: 'also-rejected' });
    const error = await api.instance.get('/a').catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response?.status).toBe(401);
    expect(api.sent.at(-1)).toEqual({ url: '/a', auth: 'Bearer also-rejected' });
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(api.sent).toHaveLength(2);
  });

  test('maxRetries bounds the replays of one call', async () => {
    const api = await signedIn({ maxRetries: 3 });
    api.refresh.mockImplementation(async () => ({ accessToken: `never-valid-${api.refresh.mock.calls.length}` }));
    await expect(api.instance.get('/a')).rejects.toMatchObject({ response: { status: 401 } });
    expect(api.sent).toHaveLength(4);
    expect(api.refresh).toHaveBeenCalledTimes(3);
  });

  test('maxRetries 0 lets every 401 through without a refresh', async () => {
    const api = await signedIn({ maxRetries: 0 });
    await expect(api.instance.get('/a')).rejects.toMatchObject({ response: { status: 401 } });
    expect(api.refresh).not.toHaveBeenCalled();
  });

  test('a refresh that calls the same instance with skipAuth works', async () => {
    const api = await signedIn();
    api.routes['/auth/refresh'] = () => [200, { accessToken: 'at-1' }];
    api.refresh.mockImplementation(async (tokens) => {
      const { data } = await api.instance.post('/auth/refresh', { refreshToken: tokens?.refreshToken }, { skipAuth: true });
      api.valid = data.accessToken;
      return data;
    });
    await expect(api.instance.get('/a')).resolves.toMatchObject({ status: 200 });
  });

  test('a 401 from a skipAuthRefresh call never starts a refresh but still carries the token', async () => {
    const api = await signedIn();
    await expect(api.instance.get('/a', { skipAuthRefresh: true })).rejects.toMatchObject({ response: { status: 401 } });
    expect(api.refresh).not.toHaveBeenCalled();
    expect(api.sent).toEqual([{ url: '/a', auth: 'Bearer at-0' }]);
  });
});

describe('auth.refresh()', () => {
  test('forces a refresh and resolves with the new tokens', async () => {
    const api = await signedIn();
    await expect(api.auth.refresh()).resolves.toEqual({ accessToken: 'at-2', refreshToken: 'rt-2' });
    expect((api.refresh.mock.calls[0] as unknown as [unknown, { reason: string }])[1].reason).toBe('manual');
  });

  test('joins a refresh that is already running', async () => {
    const api = await signedIn();
    const gate = api.hold();
    const call = api.instance.get('/a');
    await flush();
    const manual = api.auth.refresh();
    gate.resolve();
    await expect(manual).resolves.toMatchObject({ accessToken: 'at-2' });
    await call;
    expect(api.refresh).toHaveBeenCalledTimes(1);
  });
});

test('tokens set while a refresh runs win over its result', async () => {
  const api = await signedIn();
  const gate = deferred();
  api.refresh.mockImplementationOnce(async () => {
    await gate.promise;
    return { accessToken: 'from-the-stale-refresh' };
  });
  const call = api.instance.get('/a');
  await flush();
  await api.auth.setTokens({ accessToken: 'fresh-login' });
  api.valid = 'fresh-login';
  gate.resolve();
  await expect(call).resolves.toMatchObject({ status: 200 });
  expect(await api.auth.getTokens()).toEqual({ accessToken: 'fresh-login' });
});

test('signing out while a refresh runs: the held call is not replayed, with the old token or bare', async () => {
  const api = await signedIn();
  const gate = api.hold();
  const call = settle(api.instance.get('/a'));
  await flush();
  await api.auth.clearTokens();
  gate.resolve();
  expect(await call).toMatchObject({ ok: false, error: { code: 'ERR_SESSION_EXPIRED', response: { status: 401 } } });
  expect(api.sent).toEqual([{ url: '/a', auth: 'Bearer at-0' }]);
  expect(await api.auth.getTokens()).toBeNull();
});
