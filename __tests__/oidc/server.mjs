// The authorization server and the API of the OIDC suite, in a child process of their own:
// oidc-provider and jose are ES modules only, which jest's CommonJS runtime cannot load. Started
// by `startOidc()` in __tests__/helpers/oidc.ts, which speaks to it over the IPC channel.
//
// - oidc-provider on 127.0.0.1:<free port>, issuer `http://127.0.0.1:<port>`, with resource
//   indicators (JWT access tokens of `accessTokenTTL` seconds for the API), rotating refresh
//   tokens, revocation, the client credentials grant, and a test grant `urn:test:sign-in` that
//   signs `sub` in without a browser and answers as the code grant would.
// - An API on 127.0.0.1:<another port> that accepts only tokens it verifies with jose against
//   the provider's JWKS (issuer, audience, expiry with no tolerance).
//
// Options arrive as JSON in `process.argv[2]`: `{ accessTokenTTL, overrides, setup, setupOptions }`,
// where `overrides` is deep-merged into the provider's configuration and `setup` is the path of an
// ES module whose `configure(configuration, { issuer, resource, options })` (optional) may change
// the configuration where JSON cannot (functions, buffers) before the provider is made, and whose
// default export `({ provider, api, configuration, log, commands, issuer, resource, jwks, options })
// => void | Promise<void>` may change anything else (middleware, `api.handle`, API routes, test
// commands), e.g. for DPoP (see dpopSetup.mjs); `options` is `setupOptions`, or `{}`.
//
// The sign-in grant takes `dpop_jkt` (binds the tokens to that key, as a DPoP proof at the code
// grant would) and `acr` (for a setup's `extraTokenClaims` to put in the access token, as a step-up sign-in would).
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';
import Provider from 'oidc-provider';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify } from 'jose';

const options = JSON.parse(process.argv[2] ?? '{}');
const ttl = options.accessTokenTTL ?? 4;

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const merge = (base, extra) => {
  const out = { ...base };
  for (const [key, value] of Object.entries(extra ?? {})) out[key] = isObject(value) && isObject(base[key]) ? merge(base[key], value) : value;
  return out;
};

/** What happened, for the tests to assert on: token requests and API calls. */
const log = { token: [], api: [] };
/** Statuses the token endpoint answers instead of working, one per request, in order. */
const tokenFailures = [];

const apiServer = createServer();
const apiUrl = await listen(apiServer);
const authServer = createServer();
const issuer = await listen(authServer);
const resource = `${apiUrl}/`;

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const configuration = merge(
  {
    clients: [
      // A browser app: public, its refresh tokens rotate.
      { client_id: 'spa', token_endpoint_auth_method: 'none', grant_types: ['refresh_token', 'urn:test:sign-in'], response_types: [], redirect_uris: [] },
      // A confidential web app that refreshes with its secret.
      { client_id: 'web', client_secret: 'web-secret', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['refresh_token', 'urn:test:sign-in'], response_types: [], redirect_uris: [] },
      // Services without a user.
      { client_id: 'worker', client_secret: 'worker secret: +/!', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' },
      { client_id: 'worker-post', client_secret: 'worker-post-secret', token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test' }] },
    cookies: { keys: ['oidc-suite'] },
    rotateRefreshToken: true,
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub }) }),
    scopes: ['openid', 'offline_access', 'api:read'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'api:read', audience: resource, accessTokenTTL: ttl, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
      },
    },
  },
  options.overrides,
);

const setup = options.setup ? await import(pathToFileURL(options.setup).href) : {};
await setup.configure?.(configuration, { issuer, resource, options: options.setupOptions ?? {} });

const provider = new Provider(issuer, configuration);

provider.registerGrantType(
  'urn:test:sign-in',
  async (ctx) => {
    const { client, params } = ctx.oidc;
    const accountId = params.sub || 'alice';
    const jkt = params.dpop_jkt || undefined;
    const grant = new provider.Grant({ accountId, clientId: client.clientId });
    grant.addOIDCScope('openid offline_access');
    grant.addResourceScope(resource, 'api:read');
    const grantId = await grant.save();
    const gty = 'urn:test:sign-in';
    const refreshToken = await new provider.RefreshToken({ accountId, client, grantId, gty, scope: 'openid offline_access api:read', resource, rotations: 0, ...(jkt && { jkt }) }).save();
    const at = new provider.AccessToken({ accountId, client, grantId, gty, scope: 'api:read' });
    if (jkt) at.setThumbprint('jkt', jkt);
    at.resourceServer = new provider.ResourceServer(resource, { scope: 'api:read', audience: resource, accessTokenTTL: ttl, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } });
    const accessToken = await at.save();
    ctx.body = { access_token: accessToken, token_type: at.tokenType, expires_in: at.expiration, refresh_token: refreshToken, scope: at.scope };
  },
  ['sub', 'dpop_jkt', 'acr'],
);

// In front of everything else: the failures a test asks for, and the record of token requests.
provider.use(async (ctx, next) => {
  if (ctx.path !== '/token' || ctx.method !== 'POST') return next();
  const failure = tokenFailures.shift();
  if (failure) {
    ctx.status = failure;
    ctx.body = 'unavailable';
    log.token.push({ grantType: 'unknown', status: failure, at: Date.now() });
    return;
  }
  await next();
  const params = ctx.oidc?.params ?? {};
  log.token.push({
    grantType: params.grant_type,
    refreshToken: params.refresh_token,
    dpop: !!ctx.get('DPoP'),
    resource: params.resource,
    status: ctx.status,
    error: ctx.body?.error,
    at: Date.now(),
  });
});

const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
const api = {
  server: apiServer,
  /** Extra routes: `(req, res, claims) => boolean`, true when answered. */
  routes: [],
};
/** Answers an API call: Bearer tokens verified with jose, unless a setup replaces it. */
api.handle = async (req, res) => {
  const [scheme, token] = (req.headers.authorization ?? '').split(' ');
  const entry = { path: req.url, authenticated: !!token, status: 401, at: Date.now() };
  log.api.push(entry);
  let claims;
  try {
    if (scheme !== 'Bearer' || !token) throw new Error('no bearer token');
    ({ payload: claims } = await jwtVerify(token, jwks, { issuer, audience: resource, clockTolerance: 0 }));
  } catch (error) {
    entry.reason = error.code ?? error.message;
    res.writeHead(401, { 'WWW-Authenticate': token ? 'Bearer error="invalid_token"' : 'Bearer', 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: 'invalid_token' }));
    return;
  }
  entry.status = 200;
  entry.sub = claims.sub;
  entry.jti = claims.jti;
  for (const route of api.routes) if (await route(req, res, claims)) return;
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ path: req.url, sub: claims.sub, clientId: claims.client_id, scope: claims.scope }));
};
apiServer.on('request', (req, res) => api.handle(req, res));

const commands = {
  /** The next token requests answer these statuses instead of working. */
  failToken: (...statuses) => void tokenFailures.push(...statuses),
  log: () => log,
  clearLog: () => {
    log.token.length = 0;
    log.api.length = 0;
  },
};

await setup.default?.({ provider, api, configuration, log, commands, issuer, resource, jwks, options: options.setupOptions ?? {} });

// Only now: `callback()` composes the middleware there is, so what a setup added with
// `provider.use` (serverClock's `Date` stamp, a token request log) would otherwise never run.
authServer.on('request', provider.callback());

process.on('message', async ({ id, command, args = [] }) => {
  try {
    process.send({ id, result: await commands[command](...args) });
  } catch (error) {
    process.send({ id, error: String(error?.stack ?? error) });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true, issuer, api: apiUrl, resource });
