import axios from 'axios';
import { createAuthInterceptor, type AuthError, type AuthInterceptorOptions } from '../../src';
import { refreshTokenGrant } from '../../src/oauth';
import { settle } from '../helpers/deferred';
import { stillClocks } from '../helpers/oidc';
import { startOidcResources, strayTokens, type OidcResources, type ResourceName } from '../helpers/oidcResources';

// The `resources` option against oidc-provider with resource indicators: one sign-in, the home
// API's token and one each for billing and files, every resource server verifying signature and
// audience with jose (helpers/oidcResources.ts). Both clocks stand still between bursts.

let oidc: OidcResources;
beforeAll(async () => {
  oidc = await startOidcResources();
});
afterEach(() => jest.useRealTimers());
afterAll(() => oidc.close());
beforeEach(() => oidc.clearLog());

const names: ResourceName[] = ['home', 'billing', 'files'];

/** An instance on the home API with billing and files as resources, signed in to all three. */
async function signedIn(extra: Partial<AuthInterceptorOptions> = {}) {
  const { servers } = oidc;
  const api = axios.create({ baseURL: servers.home.origin, adapter: 'http' });
  const failures: AuthError[] = [];
  const auth = createAuthInterceptor(api, {
    refresh: refreshTokenGrant({ tokenEndpoint: oidc.tokenEndpoint, clientId: 'app' }),
    resources: {
      [servers.billing.origin]: { resource: servers.billing.resource, scope: 'invoices:read' },
      [servers.files.origin]: { resource: servers.files.resource },
    },
    onAuthFailure: (error) => failures.push(error),
    ...extra,
  });
  const signIn = await oidc.signInToResources();
  await auth.setTokens({ accessToken: signIn.access_token, refreshToken: signIn.refresh_token, expiresIn: signIn.expires_in });
  return { api, auth, failures };
}

/** Five calls to each of the three servers at once. */
const burst = (api: ReturnType<typeof axios.create>) =>
  Promise.all(names.flatMap((name) => Array.from({ length: 5 }, (_, i) => settle(api.get(`${oidc.servers[name].origin}/items/${i}`)))));

test('bursts to three resource servers across several expiries: every call ok, no refresh token presented twice, no token request beside another, no 401, one token request per resource per expiry', async () => {
  const advanceBothClocks = stillClocks(oidc);
  const { api } = await signedIn();

  const results = [];
  // Tokens live 4 s (home), 6 s (billing) and 8 s (files): 25 s crosses at least three expiries of each.
  for (let elapsed = 0; elapsed <= 25_000; elapsed += 500) {
    results.push(...(await burst(api)));
    await advanceBothClocks(500);
  }

  expect(results.filter((result) => !result.ok)).toEqual([]);
  const { token, calls } = await oidc.resourceLog();
  expect(token.filter((request) => request.status !== 200 || request.reused || request.overlapped)).toEqual([]);
  expect(calls.filter((call) => call.status !== 200)).toEqual([]);
  expect(strayTokens(oidc.servers, calls)).toEqual([]);
  for (const name of names) {
    const { resource, ttl } = oidc.servers[name];
    const requests = token.filter((request) => (request.resource ?? oidc.servers.home.resource) === resource);
    const used = new Set(calls.filter((call) => call.server === name).map((call) => call.token));
    // Every token asked for was used (none fetched twice for one expiry), at most one per three
    // quarters of a lifetime (the leeway's share), and several expiries were crossed.
    expect(requests.filter((request) => !used.has(request.issued!.accessToken))).toEqual([]);
    expect(requests.length).toBeGreaterThanOrEqual(3);
    expect(requests.length).toBeLessThanOrEqual(Math.ceil(25_500 / (ttl * 750)) + 1);
  }
}, 60_000);

test('a resource the server refuses (invalid_target) rejects only its own calls, asks once, and the refresh token stays good for the others', async () => {
  const nowhere = 'http://127.0.0.1:9';
  const { api, failures } = await signedIn({
    resources: {
      [oidc.servers.billing.origin]: { resource: oidc.servers.billing.resource },
      [nowhere]: { resource: oidc.ungranted },
    },
  });

  const refused = await Promise.all([settle(api.get(`${nowhere}/a`)), settle(api.get(`${nowhere}/b`))]);
  const others = await Promise.all([settle(api.get(`${oidc.servers.billing.origin}/items`)), settle(api.get('/items'))]);
  const again = await settle(api.get(`${nowhere}/c`));

  for (const outcome of [...refused, again]) expect(outcome).toMatchObject({ ok: false, error: { code: 'ERR_RESOURCE_REFUSED' } });
  expect(others.every((outcome) => outcome.ok)).toBe(true);
  const { token } = await oidc.resourceLog();
  // Only the resources' requests: the home API's own token may be refreshed beside them.
  expect(token.filter((request) => request.resource).map((request) => [request.resource, request.status, request.error])).toEqual([
    [oidc.ungranted, 400, 'invalid_target'],
    [oidc.servers.billing.resource, 200, undefined],
  ]);
  expect(token.some((request) => request.reused)).toBe(false);
  expect(failures.map((failure) => failure.code)).toEqual(['ERR_RESOURCE_REFUSED']);
});

test('revoking the grant ends the session once, for every resource', async () => {
  const { api, auth, failures } = await signedIn();
  await api.get(`${oidc.servers.billing.origin}/items`);
  await oidc.revoke((await auth.getTokens())!.refreshToken!, 'app');

  const outcomes = await Promise.all([settle(api.get(`${oidc.servers.files.origin}/items`)), settle(api.get(`${oidc.servers.files.origin}/more`))]);

  expect(outcomes.map((outcome) => !outcome.ok && (outcome.error as AuthError).code)).toEqual(['ERR_SESSION_EXPIRED', 'ERR_SESSION_EXPIRED']);
  expect(failures.map((failure) => failure.code)).toEqual(['ERR_SESSION_EXPIRED']);
  expect(await auth.getTokens()).toBeNull();
  expect((await oidc.resourceLog()).token.filter((request) => request.error === 'invalid_grant')).toHaveLength(1);
});
