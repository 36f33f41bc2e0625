import { isAuthError, type AuthTokens, type RefreshContext } from '../../src';
import { clientCredentialsGrant, isOAuthError, refreshTokenGrant, type GrantTokens } from '../../src/oauth';
import { settle } from '../helpers/deferred';
import { startOidcResources, strayTokens, type OidcResources, type ResourceName } from '../helpers/oidcResources';

// RFC 8707 against oidc-provider: one sign-in granted three resource servers, a token for each
// from the same rotating refresh token, each verified by its own server (helpers/oidcResources.ts).
// The server's clock stands still unless a test moves it: no token expires on its way.

let oidc: OidcResources;
beforeAll(async () => {
  oidc = await startOidcResources();
});
afterAll(() => oidc.close());
beforeEach(() => oidc.clearLog());

const context = (extra: Partial<RefreshContext> = {}): RefreshContext => ({ signal: new AbortController().signal, reason: 'manual', ...extra });

/**
 * A user signed in to all three resources, refreshing with `refreshTokenGrant` as a session
 * would: a rotated refresh token replaces the one it has, a refusal leaves it as it was.
 */
async function signedIn(o = oidc) {
  const signIn = await o.signInToResources();
  const grant = refreshTokenGrant({ tokenEndpoint: o.tokenEndpoint, clientId: 'app' });
  let tokens: AuthTokens = { accessToken: signIn.access_token, refreshToken: signIn.refresh_token };
  return {
    signIn,
    refreshToken: () => tokens.refreshToken!,
    /** A token for `name`'s resource (or the default one), with `scope` when given. */
    async refresh(name?: ResourceName | string, scope?: string): Promise<GrantTokens> {
      const resource = name === undefined ? undefined : (o.servers[name as ResourceName]?.resource ?? name);
      const issued = await grant(tokens, context({ ...(resource && { resource }), ...(scope && { scope }) }));
      tokens = { ...tokens, ...issued };
      return issued;
    },
  };
}

/** Calls `name`'s server with `accessToken`; its status and challenge. */
async function call(name: ResourceName, accessToken: string) {
  const response = await fetch(`${oidc.servers[name].origin}/items`, { headers: { Authorization: `Bearer ${accessToken}` } });
  await response.body?.cancel();
  return { status: response.status, challenge: response.headers.get('www-authenticate') };
}

const names: ResourceName[] = ['home', 'billing', 'files'];

describe('a token for each resource from one refresh token', () => {
  test('with { resource, scope } the grant gets a token for each of three resources in turn, each accepted by its own server', async () => {
    const user = await signedIn();

    for (const name of names) {
      const scope = oidc.servers[name].granted.split(' ')[0];
      const issued = await user.refresh(name, scope);
      expect(issued).toMatchObject({ scope, tokenType: 'Bearer', expiresIn: oidc.servers[name].ttl });
      expect(await call(name, issued.accessToken)).toEqual({ status: 200, challenge: null });
    }

    const { token, calls } = await oidc.resourceLog();
    const refreshes = token.filter((request) => request.grantType === 'refresh_token');
    expect(refreshes.map((request) => [request.resource, request.status, request.issued?.audience])).toEqual(names.map((name) => [oidc.servers[name].resource, 200, oidc.servers[name].resource]));
    expect(calls.map((entry) => [entry.server, entry.status])).toEqual(names.map((name) => [name, 200]));
    expect(strayTokens(oidc.servers, calls)).toEqual([]);
  });

  test('each refresh presents the refresh token the one before returned, and each is accepted and spent once', async () => {
    const user = await signedIn();

    for (const name of [...names, ...names]) await user.refresh(name);

    const refreshes = (await oidc.resourceLog()).token.filter((request) => request.grantType === 'refresh_token');
    expect(refreshes).toHaveLength(6);
    const presented = refreshes.map((request) => request.refreshToken);
    const returned = refreshes.map((request) => request.issued?.refreshToken);
    expect(presented).toEqual([user.signIn.refresh_token, ...returned.slice(0, -1)]);
    expect(new Set([...presented, ...returned]).size).toBe(7);
    expect(refreshes.every((request) => request.status === 200 && request.spent && !request.reused && !request.overlapped)).toBe(true);
    expect(user.refreshToken()).toBe(returned.at(-1));
  });

  test("without a scope, a resource's token carries every scope granted for it and lives as long as its server says", async () => {
    const user = await signedIn();

    const issued: GrantTokens[] = [];
    for (const name of names) issued.push(await user.refresh(name));

    expect(issued.map((tokens) => [tokens.scope, tokens.expiresIn])).toEqual([
      ['api:read', 4],
      ['invoices:read invoices:write', 6],
      ['files:read', 8],
    ]);
  });

  test('without a resource, the refresh gets a token for the default resource', async () => {
    const user = await signedIn();

    const issued = await user.refresh();

    expect(issued).toMatchObject({ scope: 'api:read', expiresIn: 4 });
    const request = (await oidc.resourceLog()).token.at(-1)!;
    expect(request).not.toHaveProperty('resource');
    expect(request).toMatchObject({ status: 200, spent: true, issued: { audience: oidc.servers.home.resource } });
    expect(await call('home', issued.accessToken)).toMatchObject({ status: 200 });
  });
});

describe('refusals', () => {
  test.each([
    ['an unknown resource', 'urn:unknown'],
    ['a resource the provider knows but the sign-in did not grant', 'urn:admin'],
  ])('%s is invalid_target, and the refresh token stays alive for the others', async (_, resource) => {
    const user = await signedIn();
    const before = user.refreshToken();

    const refused = await settle(user.refresh(resource));
    const next = await user.refresh('files');

    expect(!refused.ok && refused.error).toMatchObject({ name: 'OAuthError', error: 'invalid_target', status: 400 });
    const [target, files] = (await oidc.resourceLog()).token.filter((request) => request.grantType === 'refresh_token');
    expect(target).toMatchObject({ resource, refreshToken: before, status: 400, error: 'invalid_target', spent: false, reused: false });
    expect(files).toMatchObject({ refreshToken: before, status: 200, spent: true, reused: false });
    expect(await call('files', next.accessToken)).toMatchObject({ status: 200 });
  });

  test('a grant configured with several resources is invalid_target: a token is for one resource', async () => {
    const user = await oidc.signInToResources();
    const grant = refreshTokenGrant({ tokenEndpoint: oidc.tokenEndpoint, clientId: 'app', resource: [oidc.servers.billing.resource, oidc.servers.files.resource] });

    const refused = await settle(grant({ accessToken: user.access_token, refreshToken: user.refresh_token }, context()));

    expect(!refused.ok && refused.error).toMatchObject({ name: 'OAuthError', error: 'invalid_target' });
    expect((await oidc.resourceLog()).token.at(-1)).toMatchObject({ status: 400, spent: false });
  });

  test('a scope beyond the grant is invalid_scope, and the refresh token stays alive', async () => {
    const user = await signedIn();
    const before = user.refreshToken();

    const refused = await settle(user.refresh('files', 'files:write'));
    await user.refresh('files', 'files:read');

    expect(!refused.ok && refused.error).toMatchObject({ name: 'OAuthError', error: 'invalid_scope', status: 400 });
    const [scope, files] = (await oidc.resourceLog()).token.filter((request) => request.grantType === 'refresh_token');
    expect(scope).toMatchObject({ refreshToken: before, error: 'invalid_scope', spent: false });
    expect(files).toMatchObject({ refreshToken: before, status: 200 });
  });

  test("another resource's scope is dropped: a token with no scope, which the server answers 403", async () => {
    const user = await signedIn();

    const issued = await user.refresh('billing', 'files:read');

    expect(issued.scope).toBe('');
    expect((await oidc.resourceLog()).token.at(-1)).toMatchObject({ status: 200, spent: true, issued: { audience: oidc.servers.billing.resource } });
    expect(await call('billing', issued.accessToken)).toEqual({ status: 403, challenge: 'Bearer error="insufficient_scope", scope="invoices:read"' });
  });

  test('once the grant is revoked, every resource is invalid_grant', async () => {
    const user = await signedIn();
    await user.refresh('billing');
    await oidc.revoke(user.refreshToken(), 'app');

    for (const name of names) {
      const result = await settle(user.refresh(name));
      expect(!result.ok && result.error).toMatchObject({ name: 'OAuthError', error: 'invalid_grant', status: 400 });
    }
  });
});

describe('the resource servers', () => {
  test("a resource's token is refused by the other two servers with 401 invalid_token, and they record it", async () => {
    const user = await signedIn();
    const { accessToken } = await user.refresh('billing');

    expect(await call('home', accessToken)).toEqual({ status: 401, challenge: 'Bearer error="invalid_token"' });
    expect(await call('files', accessToken)).toEqual({ status: 401, challenge: 'Bearer error="invalid_token"' });
    expect(await call('billing', accessToken)).toMatchObject({ status: 200 });

    const { calls } = await oidc.resourceLog();
    expect(strayTokens(oidc.servers, calls).map((entry) => [entry.server, entry.status, entry.audience])).toEqual([
      ['home', 401, oidc.servers.billing.resource],
      ['files', 401, oidc.servers.billing.resource],
    ]);
  });

  test("a resource's token is refused 401 once its own lifetime has passed on the server's clock, and not before", async () => {
    const user = await signedIn();
    const { accessToken } = await user.refresh('billing');

    await oidc.advanceClock(5_000);
    const alive = await call('billing', accessToken);
    await oidc.advanceClock(1_000);
    const expired = await call('billing', accessToken);

    expect([alive.status, expired]).toEqual([200, { status: 401, challenge: 'Bearer error="invalid_token"' }]);
    expect((await oidc.resourceLog()).calls.map((entry) => entry.reason)).toEqual([undefined, 'ERR_JWT_EXPIRED']);
  });
});

test('client credentials get a token per resource with { resource, scope }, and invalid_target for an unknown one', async () => {
  const grant = clientCredentialsGrant({ tokenEndpoint: oidc.tokenEndpoint, clientId: 'worker-resources', clientSecret: 'worker-resources-secret' });

  const billing = await grant(null, context({ resource: oidc.servers.billing.resource, scope: 'invoices:read' }));
  const files = await grant(null, context({ resource: oidc.servers.files.resource, scope: 'files:read' }));
  const unknown = await settle(grant(null, context({ resource: 'urn:unknown', scope: 'files:read' })));

  expect([billing.scope, files.scope]).toEqual(['invoices:read', 'files:read']);
  expect(await call('billing', billing.accessToken)).toMatchObject({ status: 200 });
  expect(await call('files', files.accessToken)).toMatchObject({ status: 200 });
  const cause = !unknown.ok && isAuthError(unknown.error) && unknown.error.cause;
  expect(isOAuthError(cause) && cause.error).toBe('invalid_target');
});

describe("with oidc-provider's plain `rotateRefreshToken: true`", () => {
  let plain: OidcResources;
  beforeAll(async () => {
    plain = await startOidcResources({ rotation: 'always' });
  });
  afterAll(() => plain.close());

  test('invalid_target spends the refresh token, and the next refresh, for any resource, is invalid_grant', async () => {
    const user = await signedIn(plain);
    const before = user.refreshToken();

    const refused = await settle(user.refresh('urn:unknown'));
    const next = await settle(user.refresh('billing'));
    const again = await settle(user.refresh('files'));

    expect(!refused.ok && refused.error).toMatchObject({ error: 'invalid_target' });
    for (const result of [next, again]) expect(!result.ok && result.error).toMatchObject({ name: 'OAuthError', error: 'invalid_grant' });
    const refreshes = (await plain.resourceLog()).token.filter((request) => request.grantType === 'refresh_token');
    expect(refreshes.map(({ refreshToken, error, spent, reused }) => ({ refreshToken, error, spent, reused }))).toEqual([
      { refreshToken: before, error: 'invalid_target', spent: true, reused: false },
      { refreshToken: before, error: 'invalid_grant', spent: false, reused: true },
      { refreshToken: before, error: 'invalid_grant', spent: false, reused: true },
    ]);
  });
});
