// The resource-indicator set-up of the OIDC suite (a `setup` module for server.mjs, started by
// startOidcResources() in __tests__/helpers/oidcResources.ts), on the server clock that stands still
// (../helpers/serverClock.mjs). One sign-in, three resource servers (RFC 8707):
//
// - home: the suite's own API, resource `<its origin>/` (with the slash), scope `api:read`, tokens
//   of 4 s; the default resource, for a refresh that names none.
// - billing: a server of its own, resource = its origin (no slash), scopes `invoices:read
//   invoices:write`, tokens of 6 s.
// - files: a server of its own, resource `urn:files`, scope `files:read` granted (the server also
//   knows `files:write`, which the sign-in does not grant), tokens of 8 s.
// - `urn:admin` is a resource the provider knows but the sign-in never grants; anything else is unknown.
//
// Access tokens are JWTs whose `aud` is their resource. Each resource server verifies signature
// (the provider's JWKS), issuer, audience and expiry with jose and answers 401 `invalid_token`
// otherwise, then 403 `insufficient_scope` without its read scope. Each records every call with
// the token it carried (`calls`).
//
// Refresh tokens rotate on every refresh. oidc-provider resolves the `resource` of a refresh only
// after it has rotated (lib/actions/grants/refresh_token.js: `refreshToken.consume()`, then
// `resolveResource()`), so with `rotateRefreshToken: true` an `invalid_target` answer costs the
// client its refresh token. By default (`setupOptions.rotation: 'keep-on-invalid-target'`) the
// rotation is a function that declines to rotate a refresh whose resource the grant does not
// hold: the refusal then leaves the refresh token alive. `rotation: 'always'` is plain `true`.
//
// Every token request is recorded (`tokenRequests`): what it asked for, what came back, whether
// its refresh token was spent by it, and whether it presented one another request had spent
// (reuse), or ran while another token request was in flight (overlap).
import { createServer } from 'node:http';
import Provider, { errors } from 'oidc-provider';
import { decodeJwt, jwtVerify } from 'jose';
import serverClock from '../helpers/serverClock.mjs';

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));

/** name -> { origin, resource, scope (all the provider knows), granted (at sign-in), ttl, server } */
const servers = {};
const UNGRANTED = { resource: 'urn:admin', scope: 'admin', ttl: 4 };

/** Which request spent each refresh token (by value), from the provider's own `refresh_token.consumed`. */
const spentBy = new Map();
/** Token requests on their way, to tell which overlapped, and how many arrived so far. */
const inFlight = new Set();
let arrived = 0;
const tokenRequests = [];
const calls = [];

/** The resource a refresh resolves to, as lib/helpers/resolve_resource.js does with `useGrantedResource: () => true`. */
function resolvedResource(ctx) {
  const granted = ctx.oidc.entities.RefreshToken.resource;
  return ctx.oidc.params.resource ?? (Array.isArray(granted) ? servers.home.resource : granted);
}

/** Rotates every refresh but one that will be refused `invalid_target` (a resource not granted, or several at once). */
function keepOnInvalidTarget(ctx) {
  const resource = resolvedResource(ctx);
  return resource === undefined || (typeof resource === 'string' && ctx.oidc.entities.RefreshToken.resourceIndicators.has(resource));
}

export async function configure(configuration, { resource: homeResource, options }) {
  servers.home = { origin: new URL(homeResource).origin, resource: homeResource, scope: 'api:read', granted: 'api:read', ttl: 4 };
  const billing = createServer();
  const billingOrigin = await listen(billing);
  servers.billing = { origin: billingOrigin, resource: billingOrigin, scope: 'invoices:read invoices:write', granted: 'invoices:read invoices:write', ttl: 6, server: billing };
  const files = createServer();
  servers.files = { origin: await listen(files), resource: 'urn:files', scope: 'files:read files:write', granted: 'files:read', ttl: 8, server: files };

  const known = new Map([...Object.values(servers), UNGRANTED].map((info) => [info.resource, info]));
  configuration.features.resourceIndicators = {
    enabled: true,
    // Home for a refresh that names no resource; several named at once stay several, which
    // resolve_resource.js refuses `invalid_target` (one audience per access token).
    defaultResource: (ctx, _client, oneOf) => (Array.isArray(ctx?.oidc.params.resource) ? oneOf : servers.home.resource),
    useGrantedResource: () => true,
    getResourceServerInfo(_ctx, resource) {
      const info = known.get(resource);
      if (!info) throw new errors.InvalidTarget();
      return { scope: info.scope, audience: resource, accessTokenTTL: info.ttl, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
    },
  };
  configuration.rotateRefreshToken = options.rotation === 'always' ? true : keepOnInvalidTarget;
  // A client's registered `scope` may hold only scopes the provider lists.
  configuration.scopes = [...new Set([...configuration.scopes, ...Object.values(servers).flatMap(({ scope }) => scope.split(' '))])];
  configuration.clients.push(
    // A browser app signed in once for all three resources.
    { client_id: 'app', token_endpoint_auth_method: 'none', grant_types: ['refresh_token', 'urn:test:sign-in-resources'], response_types: [], redirect_uris: [] },
    // A service with a scope on each resource.
    { client_id: 'worker-resources', client_secret: 'worker-resources-secret', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read invoices:read files:read' },
  );
}

/** A resource server's handler: verifies the Bearer token with jose, then asks for its read scope. */
function resourceServer(name, { issuer, jwks }) {
  const { resource, granted } = servers[name];
  const needed = granted.split(' ')[0];
  return async (req, res) => {
    res.setHeader('Date', new Date().toUTCString());
    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    const call = { server: name, path: req.url, token, status: 401, at: Date.now() };
    calls.push(call);
    const answer = (status, body, challenge) => {
      call.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json', ...(challenge && { 'WWW-Authenticate': challenge }) });
      res.end(JSON.stringify(body));
    };
    try {
      call.audience = decodeJwt(token).aud;
    } catch {
      // not a JWT: refused below
    }
    let claims;
    try {
      if (scheme !== 'Bearer' || !token) throw new Error('no bearer token');
      ({ payload: claims } = await jwtVerify(token, jwks, { issuer, audience: resource, clockTolerance: 0 }));
    } catch (error) {
      call.reason = error.code ?? error.message;
      return answer(401, { error: 'invalid_token' }, token ? 'Bearer error="invalid_token"' : 'Bearer');
    }
    call.sub = claims.sub;
    call.scope = claims.scope ?? '';
    if (!call.scope.split(' ').includes(needed)) {
      call.reason = `no ${needed}`;
      return answer(403, { error: 'insufficient_scope' }, `Bearer error="insufficient_scope", scope="${needed}"`);
    }
    answer(200, { server: name, path: req.url, sub: claims.sub, scope: claims.scope, aud: claims.aud });
  };
}

/** Records one token request around the provider's handling of it; `seq` counts arrivals. */
async function recordTokenRequest(ctx, next) {
  if (ctx.path !== '/token' || ctx.method !== 'POST') return next();
  const entry = { seq: ++arrived, overlapped: false };
  for (const other of inFlight) entry.overlapped = other.overlapped = true;
  inFlight.add(entry);
  ctx.state.tokenRequest = entry;
  try {
    await next();
  } finally {
    inFlight.delete(entry);
  }
  const { params = {} } = ctx.oidc ?? {};
  const body = typeof ctx.body === 'object' && ctx.body !== null ? ctx.body : {};
  Object.assign(entry, {
    grantType: params.grant_type,
    resource: params.resource,
    scope: params.scope,
    refreshToken: params.refresh_token,
    status: ctx.status,
    error: body.error,
    errorDescription: body.error_description,
  });
  if (ctx.status === 200) {
    let audience;
    try {
      audience = decodeJwt(body.access_token).aud;
    } catch {
      // an opaque access token
    }
    entry.issued = { accessToken: body.access_token, refreshToken: body.refresh_token, scope: body.scope, expiresIn: body.expires_in, audience };
  }
  entry.spent = !!params.refresh_token && spentBy.get(params.refresh_token) === entry;
  entry.reused = !!params.refresh_token && spentBy.has(params.refresh_token) && spentBy.get(params.refresh_token) !== entry;
  tokenRequests.push(entry);
}

export default function resources(context) {
  const { provider, api, commands, issuer, jwks } = context;

  // As server.mjs's `urn:test:sign-in`, for the resources in `granted` (names, space-separated;
  // all three by default): a refresh token for all of them, as an authorization request with a
  // `resource` parameter for each would leave (RFC 8707 section 2.1), and an access token for
  // the default resource among them.
  provider.registerGrantType(
    'urn:test:sign-in-resources',
    async (ctx) => {
      const { client, params } = ctx.oidc;
      const accountId = params.sub || 'alice';
      const chosen = (params.granted || 'home billing files').split(' ').map((name) => servers[name]);
      const grant = new provider.Grant({ accountId, clientId: client.clientId });
      grant.addOIDCScope('openid offline_access');
      for (const { resource, granted } of chosen) grant.addResourceScope(resource, granted);
      const grantId = await grant.save();
      const gty = 'urn:test:sign-in-resources';
      const scope = ['openid offline_access', ...chosen.map(({ granted }) => granted)].join(' ');
      const resource = chosen.map((info) => info.resource);
      const refreshToken = await new provider.RefreshToken({ accountId, client, grantId, gty, scope, resource, rotations: 0 }).save();
      const first = chosen.find((info) => info === servers.home) ?? chosen[0];
      const at = new provider.AccessToken({ accountId, client, grantId, gty, scope: first.granted });
      at.resourceServer = new provider.ResourceServer(first.resource, { scope: first.scope, audience: first.resource, accessTokenTTL: first.ttl, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } });
      const accessToken = await at.save();
      ctx.body = { access_token: accessToken, token_type: at.tokenType, expires_in: at.expiration, refresh_token: refreshToken, scope: at.scope };
    },
    ['sub', 'granted'],
  );

  provider.on('refresh_token.consumed', (token) => spentBy.set(token.jti, Provider.ctx?.state.tokenRequest));
  provider.use(recordTokenRequest);

  api.handle = resourceServer('home', { issuer, jwks });
  for (const name of ['billing', 'files']) servers[name].server.on('request', resourceServer(name, { issuer, jwks }));

  const clearLog = commands.clearLog;
  Object.assign(commands, {
    resourceServers: () => Object.fromEntries(Object.entries(servers).map(([name, { server, ...info }]) => [name, info])),
    resourceLog: () => ({ token: tokenRequests, calls }),
    clearLog() {
      clearLog();
      tokenRequests.length = 0;
      calls.length = 0;
    },
  });

  // Last, so that every answer, the home API's included, carries the server's clock.
  serverClock(context);
}
