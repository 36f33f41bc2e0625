import axios from 'axios';
import { isAuthError, type AuthError } from '../../src';
import { settle } from '../helpers/deferred';
import { realApi } from '../helpers/realApi';

let api: Awaited<ReturnType<typeof realApi>>;
afterEach(() => api.server.close());

test('a failed refresh rejects the trigger and the waiting calls once each, then nothing is stuck', async () => {
  const onAuthFailure = jest.fn();
  api = await realApi({ onAuthFailure });
  api.server.expireAccessTokens();
  api.server.failNextRefresh(503);
  const hold = api.server.hold('/auth/refresh');
  const trigger = settle(api.instance.get('/api/trigger'));
  await hold.arrived;
  const waiting = settle(api.instance.get('/api/waiting'));
  hold.release();
  const results = await Promise.all([trigger, waiting]);
  for (const result of results) {
    const error = (result as { error: AuthError }).error;
    expect(isAuthError(error) && error.code).toBe('ERR_REFRESH_FAILED');
    expect(axios.isCancel(error)).toBe(false);
    expect(axios.isAxiosError(error.cause) && error.cause.response?.status).toBe(503);
  }
  expect((results[0] as { error: AuthError }).error).toMatchObject({ config: { url: '/api/trigger' }, response: { status: 401 } });
  expect(onAuthFailure).toHaveBeenCalledTimes(1);

  await expect(api.instance.get('/api/later')).resolves.toMatchObject({ status: 200 }); // a new refresh
  await api.auth.setTokens(api.server.signIn());
  await expect(api.instance.get('/api/after-sign-in')).resolves.toMatchObject({ status: 200 });
});

test('a hanging refresh: after refreshTimeout every waiting call rejects with ERR_REFRESH_TIMEOUT and the signal aborts', async () => {
  api = await realApi({ refreshTimeout: 50 });
  api.server.expireAccessTokens();
  api.server.hold('/auth/refresh'); // never answered
  const results = await Promise.all([settle(api.instance.get('/api/a')), settle(api.instance.get('/api/b'))]);
  for (const result of results) expect(result).toMatchObject({ ok: false, error: { code: 'ERR_REFRESH_TIMEOUT' } });
  const signal = (api.refresh.mock.calls[0]![1] as { signal: AbortSignal }).signal;
  expect(signal.aborted).toBe(true);
});

test('a refresh result without an access token rejects with ERR_INVALID_TOKENS and nothing is sent with it', async () => {
  api = await realApi();
  api.refresh.mockImplementationOnce(async (tokens, { signal }) => {
    const { data } = await api.instance.post('/auth/refresh', { refreshToken: tokens?.refreshToken }, { skipAuth: true, signal });
    return { access_token: data.accessToken } as never; // the classic snake_case slip
  });
  api.server.expireAccessTokens();
  await expect(api.instance.get('/api/a')).rejects.toMatchObject({ code: 'ERR_INVALID_TOKENS' });
  expect(api.apiLog()).toHaveLength(1);
});

test('a server that does not rotate: the previous refresh token is kept', async () => {
  api = await realApi();
  const signedIn = await api.auth.getTokens();
  api.refresh.mockImplementationOnce(async () => ({ accessToken: api.server.signIn().accessToken }));
  api.server.expireAccessTokens();
  await api.instance.get('/api/a');
  expect((await api.auth.getTokens())?.refreshToken).toBe(signedIn?.refreshToken);
});

test('no loops: a replay refused again rejects with its 401 and starts no second refresh', async () => {
  api = await realApi();
  api.refresh.mockImplementation(async () => {
    const tokens = api.server.signIn();
    api.server.expireAccessTokens(tokens.accessToken); // revoked at once
    return tokens;
  });
  api.server.expireAccessTokens();
  const error = await api.instance.get('/api/a').catch((e: unknown) => e);
  expect(axios.isAxiosError(error) && error.response?.status).toBe(401);
  expect(api.refresh).toHaveBeenCalledTimes(1);
  expect(api.apiLog()).toHaveLength(2);
});

test('a 401 from a skipAuthRefresh call never starts a refresh', async () => {
  api = await realApi();
  api.server.expireAccessTokens();
  await expect(api.instance.get('/api/a', { skipAuthRefresh: true })).rejects.toMatchObject({ response: { status: 401 } });
  expect(api.refresh).not.toHaveBeenCalled();
});
