import { AxiosError } from 'axios';
import { AuthError, isAuthError } from '../../src';
import { flush, settle } from '../helpers/deferred';
import { mockApi } from '../helpers/mockApi';

/** The refresh goes through the instance (skipAuth) to an auth server answering `status`. */
async function refusingRefresh(status: number, options: Parameters<typeof mockApi>[0] = {}) {
  const api = mockApi(options);
  await api.auth.setTokens({ accessToken: 'at-0', refreshToken: 'rt-0' });
  api.routes['/auth/refresh'] = () => [status, { error: status < 500 ? 'invalid_grant' : 'server_error' }];
  api.refresh.mockImplementation(async (tokens) => (await api.instance.post('/auth/refresh', { refreshToken: tokens?.refreshToken }, { skipAuth: true })).data);
  return api;
}

describe.each([400, 401])('the auth server refuses the refresh with %i', (status) => {
  test('the session ends: tokens cleared, one ERR_SESSION_EXPIRED, waiting calls rejected', async () => {
    const onAuthFailure = jest.fn();
    const api = await refusingRefresh(status, { onAuthFailure });
    const results = await Promise.all([settle(api.instance.get('/a')), settle(api.instance.get('/b'))]);
    for (const result of results) expect(result).toMatchObject({ ok: false, error: { code: 'ERR_SESSION_EXPIRED' } });
    expect(((results[0] as { error: AuthError }).error.cause as AxiosError).response?.status).toBe(status);
    expect(onAuthFailure).toHaveBeenCalledTimes(1);
    expect(onAuthFailure.mock.calls[0][0]).toMatchObject({ code: 'ERR_SESSION_EXPIRED' });
    expect(await api.auth.getTokens()).toBeNull();
  });

  test('until setTokens, a 401 rejects at once with ERR_SESSION_EXPIRED and refresh is not called', async () => {
    const api = await refusingRefresh(status);
    await settle(api.instance.get('/a'));
    api.refresh.mockClear();
    await expect(api.instance.get('/b')).rejects.toMatchObject({ code: 'ERR_SESSION_EXPIRED', config: { url: '/b' } });
    expect(api.refresh).not.toHaveBeenCalled();
    await api.auth.setTokens({ accessToken: 'at-signed-in-again' });
    api.refresh.mockImplementation(async () => ({ accessToken: (api.valid = 'at-new') }));
    await expect(api.instance.get('/c')).resolves.toMatchObject({ status: 200 }); // its 401 refreshes again
    expect(api.refresh).toHaveBeenCalledTimes(1);
  });
});

describe('transient refresh failures keep the session', () => {
  test.each([
    ['a 5xx', async () => refusingRefresh(503)],
    ['a network error', async () => {
      const api = await refusingRefresh(200);
      api.refresh.mockRejectedValueOnce(new AxiosError('Network Error', AxiosError.ERR_NETWORK));
      return api;
    }],
  ])('%s keeps the tokens and lets a later 401 try again', async (_, make) => {
    const api = await make();
    await expect(api.instance.get('/a')).rejects.toMatchObject({ code: 'ERR_REFRESH_FAILED' });
    expect(await api.auth.getTokens()).toMatchObject({ accessToken: 'at-0', refreshToken: 'rt-0' });
    api.refresh.mockImplementation(async () => ({ accessToken: (api.valid = 'at-9') }));
    await expect(api.instance.get('/b')).resolves.toMatchObject({ status: 200 });
  });

  test('a timeout keeps the tokens too', async () => {
    jest.useFakeTimers();
    try {
      const api = await refusingRefresh(200, { refreshTimeout: 1_000 });
      api.refresh.mockImplementation(() => new Promise(() => {}));
      const call = settle(api.instance.get('/a'));
      await jest.advanceTimersByTimeAsync(1_000);
      expect(await call).toMatchObject({ ok: false, error: { code: 'ERR_REFRESH_TIMEOUT' } });
      expect(await api.auth.getTokens()).toMatchObject({ accessToken: 'at-0' });
    } finally {
      jest.useRealTimers();
    }
  });
});

test('a refresh may end the session itself by throwing ERR_SESSION_EXPIRED', async () => {
  const api = mockApi();
  await api.auth.setTokens({ accessToken: 'at-0' });
  api.refresh.mockRejectedValueOnce(new AuthError('ERR_SESSION_EXPIRED', 'refresh token revoked'));
  await expect(api.instance.get('/a')).rejects.toMatchObject({ code: 'ERR_SESSION_EXPIRED' });
  await flush();
  expect(await api.auth.getTokens()).toBeNull();
});

test('a refusal of tokens the app replaced while the refresh ran does not end the new session', async () => {
  const api = await refusingRefresh(400);
  const gate = api.hold();
  api.refresh.mockImplementationOnce(async () => {
    await gate.promise;
    throw new AxiosError('Bad Request', AxiosError.ERR_BAD_REQUEST, undefined, {}, { status: 400 } as never);
  });
  const call = api.instance.get('/a');
  await flush();
  await api.auth.setTokens({ accessToken: 'at-signed-in-meanwhile' });
  api.valid = 'at-signed-in-meanwhile';
  gate.resolve();
  await expect(call).resolves.toMatchObject({ status: 200 });
  expect(await api.auth.getTokens()).toEqual({ accessToken: 'at-signed-in-meanwhile' });
});

test('a successful auth.refresh() after the session ended starts a new one', async () => {
  const api = await refusingRefresh(400);
  await settle(api.instance.get('/a'));
  api.refresh.mockImplementation(async () => ({ accessToken: `at-cookie-${api.refresh.mock.calls.length}` }));
  await expect(api.auth.refresh()).resolves.toMatchObject({ accessToken: expect.stringMatching(/^at-cookie-/) });
  const error = await api.instance.get('/b').catch((e: unknown) => e); // refreshed and replayed, not ERR_SESSION_EXPIRED
  expect(isAuthError(error)).toBe(false);
  expect(error).toMatchObject({ response: { status: 401 } });
  expect(api.refresh.mock.calls.length).toBe(3);
});
