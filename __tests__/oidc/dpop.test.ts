import axios from 'axios';
import { join } from 'node:path';
import { createAuthInterceptor, type AuthChallenge, type AuthEvent, type AuthInterceptorOptions, type AuthTokens } from '../../src';
import { createDPoP, generateDPoPKeyPair } from '../../src/dpop';
import { refreshTokenGrant } from '../../src/oauth';
import { settle } from '../helpers/deferred';
import { startOidc, stillClocks, type Oidc } from '../helpers/oidc';

let oidc: Oidc;
beforeAll(async () => {
  // The server's clock stands still between a test's steps: tokens expire when the test says.
  oidc = await startOidc({ accessTokenTTL: 4, setup: join(__dirname, 'dpopClockSetup.mjs') });
});
afterEach(() => jest.useRealTimers());
afterAll(() => oidc.close());
beforeEach(() => oidc.clearLog());

/** A session of the public client `spa` signed in with its tokens bound to a fresh key, refreshing with `refreshTokenGrant`. */
async function session(options: Partial<AuthInterceptorOptions> = {}) {
  const keyPair = await generateDPoPKeyPair();
  const jkt = await createDPoP(keyPair).thumbprint();
  const api = axios.create({ baseURL: oidc.api, adapter: 'http' });
  const refreshed: AuthTokens[] = [];
  const events: AuthEvent[] = [];
  const auth = createAuthInterceptor(api, {
    dpop: keyPair,
    refresh: refreshTokenGrant({ tokenEndpoint: oidc.tokenEndpoint, clientId: 'spa' }),
    onRefreshed: (tokens) => refreshed.push(tokens),
    onEvent: (event) => events.push(event),
    ...options,
  });
  const signIn = async (acr?: string) => {
    const answer = await oidc.signIn('spa', { dpopJkt: jkt, ...(acr && { acr }) });
    return { accessToken: answer.access_token, refreshToken: answer.refresh_token, expiresIn: answer.expires_in, tokenType: answer.token_type };
  };
  const signedIn = await signIn();
  await auth.setTokens(signedIn);
  const burst = (calls = 10, path = '/items') => Promise.all(Array.from({ length: calls }, (_, i) => settle(api.get(`${path}/${i}`))));
  return { api, auth, keyPair, signedIn, signIn, refreshed, events, burst };
}

test('bursts across three expiries: every call succeeds, one refresh per expiry, each refresh token spent once, no refresh for a nonce', async () => {
  // Only `Date` is faked here: both clocks stand still while a burst is on its way.
  const advanceBothClocks = stillClocks(oidc);
  const { signedIn, refreshed, events, burst } = await session();
  expect(signedIn.tokenType).toBe('DPoP');
  const results = [];
  while (refreshed.length < 3) {
    results.push(...(await burst()));
    await advanceBothClocks(250); // tokens live 4 s: more than a dozen bursts per token, several within its last second
  }
  results.push(...(await burst()));

  expect(results.filter((result) => !result.ok)).toEqual([]);
  const { token, api } = await oidc.log();
  const refreshes = token.filter((request) => request.grantType === 'refresh_token' && request.status === 200);
  expect(refreshes).toHaveLength(3);
  expect(refreshes.every((request) => request.dpop)).toBe(true);
  expect(new Set(refreshes.map((request) => request.refreshToken)).size).toBe(3);
  // The token endpoint asks for its nonce at least once; it refuses nothing else.
  const refused = token.filter((request) => request.status !== 200);
  expect(refused.length).toBeGreaterThan(0);
  expect(refused.every((request) => request.error === 'use_dpop_nonce')).toBe(true);
  // The API refused calls only for its nonce, including after rotations, and each was answered by a replay.
  const apiRefusals = api.filter((call) => call.status !== 200);
  expect(apiRefusals.length).toBeGreaterThan(0);
  expect(new Set(apiRefusals.map((call) => call.reason))).toEqual(new Set(['use_dpop_nonce']));
  expect((await oidc.command<{ rotations: number }>('apiNonces')).rotations).toBeGreaterThan(0);
  expect(events.filter((event) => event.type === 'refresh-start').map((event) => (event as { reason: string }).reason)).toEqual(['expiring', 'expiring', 'expiring']);
}, 30_000);

test('a token replayed with another key’s proof is refused; the same request with the bound key is accepted', async () => {
  const { api, auth, keyPair } = await session();
  await api.get('/warm-up'); // learns the API's nonce
  const { accessToken } = (await auth.getTokens())!;
  const url = `${oidc.api}/items/stolen`;
  const send = async (pair: CryptoKeyPair) => {
    const signer = createDPoP(pair);
    const first = await fetch(url, { headers: { Authorization: `DPoP ${accessToken}`, DPoP: await signer.proof('GET', url, { accessToken }) } });
    const nonce = first.headers.get('DPoP-Nonce') ?? undefined;
    const second = await fetch(url, { headers: { Authorization: `DPoP ${accessToken}`, DPoP: await signer.proof('GET', url, { accessToken, nonce }) } });
    return { status: second.status, challenge: second.headers.get('WWW-Authenticate') };
  };

  const stolen = await send(await generateDPoPKeyPair());
  expect(stolen).toEqual({ status: 401, challenge: expect.stringContaining('error="invalid_dpop_proof"') });
  expect((await oidc.log()).api.some((call) => call.reason === 'cnf.jkt')).toBe(true);
  await expect(send(keyPair)).resolves.toMatchObject({ status: 200 });
  const asBearer = await fetch(url, { headers: { Authorization: `Bearer ${accessToken}` } });
  expect(asBearer.status).toBe(401);
});

test('step-up: concurrent calls refused with insufficient_user_authentication share one onChallenge, whose upgraded tokens answer them all', async () => {
  let signInAgain: ((acr?: string) => Promise<AuthTokens>) | undefined;
  const onChallenge = jest.fn(async (challenge: AuthChallenge) => signInAgain!(challenge.params.acr_values));
  const { api, signIn } = await session({ onChallenge, refreshLeeway: 0 });
  signInAgain = signIn;
  await api.get('/warm-up');

  const results = await Promise.all(Array.from({ length: 5 }, () => api.get('/admin')));

  expect(onChallenge).toHaveBeenCalledTimes(1);
  expect(onChallenge.mock.calls[0]![0]).toMatchObject({ scheme: 'DPoP', params: { error: 'insufficient_user_authentication', acr_values: 'mfa' } });
  expect(results.map((response) => response.data.acr)).toEqual(Array(5).fill('mfa'));
  const { token } = await oidc.log();
  expect(token.filter((request) => request.grantType === 'refresh_token')).toEqual([]);
}, 15_000);
