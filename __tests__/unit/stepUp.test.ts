import axios, { isCancel, type AxiosRequestConfig } from 'axios';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthInterceptor, isAuthError, type AuthChallenge, type AuthTokens, type InsufficientScopeError } from '../../src';
import { deferred, flush, settle } from '../helpers/deferred';
import { mockApi } from '../helpers/mockApi';

const STEP_UP = 'Bearer error="insufficient_user_authentication", error_description="A stronger sign-in is required", acr_values="mfa"';

/**
 * A fake API whose `/admin` route takes only tokens from a strong sign-in (`strong-*`) and
 * answers others with an RFC 9470 challenge; `onChallenge` is a mock the test drives.
 */
async function stepUpApi(handler?: (challenge: AuthChallenge) => Promise<AuthTokens | null | undefined | void>) {
  const onChallenge = jest.fn(handler ?? (async () => ({ accessToken: 'strong-1' })));
  const api = mockApi({ onChallenge });
  const admin = (config: AxiosRequestConfig): [number, unknown?, Record<string, string>?] =>
    String(config.headers?.Authorization).startsWith('Bearer strong-') ? [200, { admin: true }] : [401, '', { 'WWW-Authenticate': STEP_UP }];
  api.routes['/admin'] = admin;
  await api.auth.setTokens({ accessToken: api.valid });
  return { api, onChallenge, admin };
}

test('a 401 insufficient_user_authentication gets the parsed challenge to onChallenge, and its tokens answer the replay', async () => {
  const { api, onChallenge } = await stepUpApi();
  await expect(api.instance.get('/admin')).resolves.toMatchObject({ data: { admin: true } });

  expect(onChallenge).toHaveBeenCalledTimes(1);
  const [challenge, error] = onChallenge.mock.calls[0] as unknown as [AuthChallenge, { response: { status: number } }];
  expect(challenge).toEqual({ scheme: 'Bearer', params: { error: 'insufficient_user_authentication', error_description: 'A stronger sign-in is required', acr_values: 'mfa' } });
  expect(error.response.status).toBe(401);
  expect(api.sent.map((s) => s.auth)).toEqual(['Bearer at-1', 'Bearer strong-1']);
  expect(await api.auth.getTokens()).toMatchObject({ accessToken: 'strong-1' });
  expect(api.refresh).not.toHaveBeenCalled();
});

test('concurrent calls refused with the same challenge share one onChallenge run, and all succeed', async () => {
  const gate = deferred<AuthTokens>();
  const { api, onChallenge } = await stepUpApi(() => gate.promise);
  const calls = Array.from({ length: 5 }, () => api.instance.get('/admin'));
  await flush();
  await flush();
  gate.resolve({ accessToken: 'strong-1' });

  await expect(Promise.all(calls)).resolves.toHaveLength(5);
  expect(onChallenge).toHaveBeenCalledTimes(1);
  expect(api.sent.filter((s) => s.auth === 'Bearer strong-1')).toHaveLength(5);
});

test('different challenges get runs of their own; the server prose does not make two challenges differ', async () => {
  const gates = [deferred<AuthTokens>(), deferred<AuthTokens>()];
  let run = 0;
  const { api, onChallenge } = await stepUpApi(() => gates[run++]!.promise);
  api.routes['/mfa-again'] = () => [401, '', { 'WWW-Authenticate': 'Bearer error="insufficient_user_authentication", error_description="other words", acr_values="mfa"' }];
  api.routes['/claims'] = (config) =>
    String(config.headers?.Authorization).startsWith('Bearer strong-') ? [200, {}] : [401, '', { 'WWW-Authenticate': 'Bearer error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnt9fQ"' }];
  const calls = [api.instance.get('/admin'), api.instance.get('/mfa-again'), api.instance.get('/claims')];
  await flush();
  await flush();
  expect(onChallenge).toHaveBeenCalledTimes(2);
  expect(onChallenge.mock.calls.map(([c]) => c.params.error)).toEqual(['insufficient_user_authentication', 'insufficient_claims']);
  gates[0]!.resolve({ accessToken: 'strong-1' });
  gates[1]!.resolve({ accessToken: 'strong-2' });
  const results = await Promise.all(calls.map(settle));
  expect(results[0]!.ok && results[2]!.ok).toBe(true);
});

test('resolving nothing lets the error through as it came, with requiredScope', async () => {
  const { api, onChallenge } = await stepUpApi(async () => undefined);
  api.routes['/reports'] = () => [403, '', { 'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="reports:read"' }];
  const result = await settle(api.instance.get('/reports'));

  expect(onChallenge).toHaveBeenCalledTimes(1);
  expect(result.ok).toBe(false);
  const error = (result as { error: InsufficientScopeError }).error;
  expect(error.response?.status).toBe(403);
  expect(error.requiredScope).toBe('reports:read');
  expect(api.sent).toHaveLength(1);
  expect(await api.auth.getTokens()).toMatchObject({ accessToken: 'at-1' });
});

test('an onChallenge that throws rejects the call with ERR_REFRESH_FAILED; the session keeps its tokens and is not ended', async () => {
  const onAuthFailure = jest.fn();
  const cancelled = new Error('the user closed the sign-in window for at-1');
  const api = mockApi({ onChallenge: async () => Promise.reject(cancelled), onAuthFailure });
  api.routes['/admin'] = () => [401, '', { 'WWW-Authenticate': STEP_UP }];
  await api.auth.setTokens({ accessToken: api.valid });
  const result = await settle(api.instance.get('/admin'));

  const error = (result as { error: unknown }).error;
  expect(isAuthError(error) && error.code).toBe('ERR_REFRESH_FAILED');
  expect(isAuthError(error) && error.response?.status).toBe(401);
  expect(String((error as { cause: Error }).cause.message)).not.toContain('at-1');
  expect(onAuthFailure).not.toHaveBeenCalled();
  await expect(api.instance.get('/other')).resolves.toMatchObject({ status: 200 });
});

test('a replay refused again passes through: one step-up per call, never a loop', async () => {
  const { api, onChallenge } = await stepUpApi(async () => ({ accessToken: 'still-weak' }));
  const result = await settle(api.instance.get('/admin'));

  expect(result.ok).toBe(false);
  expect(onChallenge).toHaveBeenCalledTimes(1);
  expect(api.sent.map((s) => s.auth)).toEqual(['Bearer at-1', 'Bearer still-weak']);
});

test('a step-up challenge never starts a refresh, with or without onChallenge', async () => {
  const api = mockApi();
  api.routes['/admin'] = () => [401, '', { 'WWW-Authenticate': STEP_UP }];
  await api.auth.setTokens({ accessToken: api.valid });
  const result = await settle(api.instance.get('/admin'));

  expect(result.ok).toBe(false);
  expect(api.refresh).not.toHaveBeenCalled();
  expect(api.sent).toHaveLength(1);
});

test('a call refused after the step-up tokens arrived is replayed with them, without another prompt', async () => {
  const { api, onChallenge, admin } = await stepUpApi();
  const late = deferred<void>();
  // Held by the server until the step-up is over; answered then as its weak token deserves.
  api.routes['/slow'] = (() => late.promise.then(() => [401, '', { 'WWW-Authenticate': STEP_UP }])) as never;
  const slow = api.instance.get('/slow');
  await flush();
  await api.instance.get('/admin');
  api.routes['/slow'] = admin;
  late.resolve();

  await expect(slow).resolves.toMatchObject({ status: 200 });
  expect(onChallenge).toHaveBeenCalledTimes(1);
  expect(api.sent.map((s) => `${s.url} ${s.auth}`)).toEqual(['/slow Bearer at-1', '/admin Bearer at-1', '/admin Bearer strong-1', '/slow Bearer strong-1']);
});

test('a step-up replay does not use up the refresh replay', async () => {
  const { api, onChallenge } = await stepUpApi();
  let stepped = false;
  api.routes['/admin'] = (config) => {
    const auth = String(config.headers?.Authorization);
    if (!auth.startsWith('Bearer strong-')) return [401, '', { 'WWW-Authenticate': STEP_UP }];
    if (!stepped) {
      stepped = true; // the stepped-up token is revoked at once: a refresh must follow
      return [401, '', { 'WWW-Authenticate': 'Bearer error="invalid_token"' }];
    }
    return [200, {}];
  };
  api.refresh.mockImplementationOnce(async () => ({ accessToken: 'strong-2' }));
  await expect(api.instance.get('/admin')).resolves.toMatchObject({ status: 200 });

  expect(onChallenge).toHaveBeenCalledTimes(1);
  expect(api.refresh).toHaveBeenCalledTimes(1);
  expect(api.sent.map((s) => s.auth)).toEqual(['Bearer at-1', 'Bearer strong-1', 'Bearer strong-2']);
});

test('skipAuthRefresh lets a step-up challenge through untouched', async () => {
  const { api, onChallenge } = await stepUpApi();
  const result = await settle(api.instance.get('/admin', { skipAuthRefresh: true }));
  expect(result.ok).toBe(false);
  expect(onChallenge).not.toHaveBeenCalled();
});

test('an onChallenge that is not a function is refused up front, saying what to pass', () => {
  const instance = mockApi().instance;
  expect(() => createAuthInterceptor(instance.create(), { refresh: async () => ({ accessToken: 'x' }), onChallenge: 'yes' as never })).toThrow(
    /Expected `onChallenge` to be an async function \(challenge, error\) => tokens or nothing, got "yes"/,
  );
});

test('a call waiting for a step-up ends as soon as its own AbortSignal fires, as a call waiting for a refresh does', async () => {
  const prompt = deferred<AuthTokens>(); // the user never finishes the step-up sign-in
  const { api, onChallenge } = await stepUpApi(() => prompt.promise);
  const controller = new AbortController();
  const call = settle(api.instance.get('/admin', { signal: controller.signal }));
  await flush();
  expect(onChallenge).toHaveBeenCalledTimes(1);

  let settled = false;
  void call.then(() => (settled = true));
  try {
    controller.abort();
    await flush();
    expect(settled).toBe(true);
    const outcome = await call;
    expect(!outcome.ok && isCancel(outcome.error)).toBe(true);
  } finally {
    prompt.resolve({ accessToken: 'strong-1' });
  }
});

test("a step-up that finishes after the app signed another user in does not replace that user's tokens", async () => {
  const prompt = deferred<AuthTokens>();
  const { api } = await stepUpApi(() => prompt.promise);
  const call = settle(api.instance.get('/admin'));
  await flush();

  // While user 1's step-up prompt is open, user 2 signs in.
  await api.auth.setTokens({ accessToken: 'user-2-token' });
  prompt.resolve({ accessToken: 'strong-user-1' });
  await call;

  expect(await api.auth.getTokens()).toMatchObject({ accessToken: 'user-2-token' });
});

test('a step-up that finishes after sign-out does not sign the user back in', async () => {
  const prompt = deferred<AuthTokens>();
  const { api } = await stepUpApi(() => prompt.promise);
  const call = settle(api.instance.get('/admin'));
  await flush();

  await api.auth.clearTokens();
  prompt.resolve({ accessToken: 'strong-1' });
  await call;

  expect(await api.auth.getTokens()).toBeNull();
});

test('a step-up challenge from an origin a redirect reached, which may not have the token, never reaches onChallenge', async () => {
  const foreign = createServer((_req, res) => res.writeHead(401, { 'www-authenticate': STEP_UP }).end());
  const home = createServer((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/admin` }).end());
  await Promise.all([foreign, home].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
  try {
    const instance = axios.create({ baseURL: `http://127.0.0.1:${(home.address() as AddressInfo).port}`, adapter: 'http' });
    const onChallenge = jest.fn(async () => ({ accessToken: 'strong-1' }));
    const auth = createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'at-2' }), onChallenge });
    await auth.setTokens({ accessToken: 'at-1' });

    await expect(instance.get('/go')).rejects.toMatchObject({ response: { status: 401 } });
    expect(onChallenge).not.toHaveBeenCalled();
  } finally {
    await Promise.all([foreign, home].map((server) => new Promise((resolve) => server.close(resolve))));
  }
});
