import axios from 'axios';
import { inspect } from 'node:util';
import { createAuthInterceptor, isAuthError, type AuthError, type AuthTokens } from '../../src';
import { refreshTokenGrant, type OAuthError } from '../../src/oauth';
import { settle, until } from '../helpers/deferred';
import { pause, startOidc, type Oidc } from '../helpers/oidc';

let oidc: Oidc;
beforeAll(async () => {
  oidc = await startOidc();
});
afterAll(() => oidc.close());
beforeEach(() => oidc.clearLog());

/** A signed-in session of the public client `spa` on the API, refreshing with `refreshTokenGrant`. */
async function session(grant: Parameters<typeof refreshTokenGrant>[0] = { tokenEndpoint: oidc.tokenEndpoint, clientId: 'spa' }, clientSecret?: string) {
  const api = axios.create({ baseURL: oidc.api, adapter: 'http' });
  const refreshed: AuthTokens[] = [];
  const failures: AuthError[] = [];
  const auth = createAuthInterceptor(api, {
    refresh: refreshTokenGrant(grant),
    onRefreshed: (tokens) => refreshed.push(tokens),
    onAuthFailure: (error) => failures.push(error),
  });
  const signedIn = await oidc.signIn(grant.clientId, { clientSecret });
  await auth.setTokens({ accessToken: signedIn.access_token, refreshToken: signedIn.refresh_token, expiresIn: signedIn.expires_in });
  const burst = (calls = 10) => Promise.all(Array.from({ length: calls }, (_, i) => settle(api.get(`/items/${i}`))));
  return { api, auth, refreshed, failures, signedIn, burst };
}

test('with only an issuer, the token endpoint is discovered once and used for every refresh', async () => {
  const http = axios.create();
  const metadataRequests: string[] = [];
  http.interceptors.request.use((config) => {
    if (config.method === 'get') metadataRequests.push(config.url!);
    return config;
  });
  const { auth, api } = await session({ issuer: oidc.issuer, clientId: 'spa', http });

  await auth.refresh();
  await auth.refresh();

  expect(metadataRequests).toEqual([`${oidc.issuer}/.well-known/oauth-authorization-server`]);
  expect((await oidc.log()).token.filter((request) => request.grantType === 'refresh_token' && request.status === 200)).toHaveLength(2);
  await expect(api.get('/me')).resolves.toMatchObject({ status: 200 });
});

test('a revoked grant ends the session once: every waiting call rejects, the tokens are cleared', async () => {
  const { auth, failures, signedIn, burst } = await session();
  await oidc.revoke(signedIn.refresh_token, 'spa');

  // Past the access token's expiry (plus the clock's one-second resolution), every call of the burst
  // has to wait for the refresh; before it, some calls would still go out with a valid token.
  const { expiresAt } = (await auth.getTokens())!;
  await pause(expiresAt! - Date.now() + 1_500);
  const results = await burst();

  expect(results.map((result) => !result.ok && isAuthError(result.error) && result.error.code)).toEqual(Array(10).fill('ERR_SESSION_EXPIRED'));
  expect(failures).toHaveLength(1);
  expect((failures[0]!.cause as OAuthError).error).toBe('invalid_grant');
  expect(await auth.getTokens()).toBeNull();
  const refreshes = (await oidc.log()).token.filter((request) => request.grantType === 'refresh_token');
  expect(refreshes.map((request) => request.error)).toEqual(['invalid_grant']);
}, 30_000);

test('a wrong client secret fails the refresh with invalid_client visible, and keeps the session', async () => {
  const { auth, api, signedIn } = await session({ tokenEndpoint: oidc.tokenEndpoint, clientId: 'web', clientSecret: 'not-the-secret' }, 'web-secret');

  const { error } = (await settle(auth.refresh())) as { error: AuthError };

  expect(error.code).toBe('ERR_REFRESH_FAILED');
  expect(error.cause).toMatchObject({ name: 'OAuthError', error: 'invalid_client', status: 401 });
  for (const shown of [JSON.stringify(error), inspect(error, { depth: Infinity })]) {
    expect(shown).not.toContain('not-the-secret');
    expect(shown).not.toContain(signedIn.refresh_token);
  }
  expect(await auth.getTokens()).toMatchObject({ accessToken: signedIn.access_token, refreshToken: signedIn.refresh_token });
  await expect(api.get('/me')).resolves.toMatchObject({ status: 200 });
});

test('a token endpoint answering 503 keeps the session, and the next refresh spends the unspent refresh token', async () => {
  const { auth, api, signedIn } = await session();
  await oidc.failToken(503);

  const failed = await settle(auth.refresh());
  const renewed = await auth.refresh();

  expect(!failed.ok && failed.error).toMatchObject({ code: 'ERR_REFRESH_FAILED', cause: { response: { status: 503 } } });
  expect(inspect(!failed.ok && failed.error, { depth: Infinity })).not.toContain(signedIn.refresh_token);
  const refreshes = (await oidc.log()).token.filter((request) => request.grantType === 'refresh_token');
  expect(refreshes).toEqual([expect.objectContaining({ refreshToken: signedIn.refresh_token, status: 200 })]);
  expect(renewed.refreshToken).not.toBe(signedIn.refresh_token);
  await expect(api.get('/me')).resolves.toMatchObject({ status: 200 });
});
