import axios, { isCancel } from 'axios';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthInterceptor, type AuthChallenge, type AuthTokens } from '../../src';
import { deferred, flush, settle } from '../helpers/deferred';
import { mockApi } from '../helpers/mockApi';

const STEP_UP = 'Bearer error="insufficient_user_authentication", acr_values="mfa"';

/** `/admin` takes only `strong-*` tokens and answers others with an RFC 9470 challenge. */
async function stepUpApi(handler: (challenge: AuthChallenge) => Promise<AuthTokens | null | undefined | void>) {
  const onChallenge = jest.fn(handler);
  const api = mockApi({ onChallenge });
  api.routes['/admin'] = (config) => (String(config.headers?.Authorization).startsWith('Bearer strong-') ? [200, { admin: true }] : [401, '', { 'WWW-Authenticate': STEP_UP }]);
  await api.auth.setTokens({ accessToken: api.valid });
  return { api, onChallenge };
}

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
