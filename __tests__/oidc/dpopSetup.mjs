// The DPoP set-up of the OIDC suite (a `setup` module for server.mjs, see startOidc()).
//
// - The provider: DPoP (RFC 9449) with a nonce required at the token endpoint (section 8).
// - The API becomes a DPoP resource server (section 7): it takes only `Authorization: DPoP` with
//   a proof it verifies itself (signature with the embedded key, `typ`, `htm`, `htu`, `iat`
//   within a minute, a `jti` never seen before, `ath` of the token, the key's thumbprint equal
//   to the token's `cnf.jkt`) and its own nonce (section 9). Every answer hands out the current
//   nonce, which changes, unannounced, after every ROTATE_EVERY accepted calls: the calls already
//   on their way with the old one are refused with `use_dpop_nonce`.
// - `/admin` asks for a step-up sign-in (RFC 9470) unless the token's `acr` is `mfa`.
import { createHash, randomBytes } from 'node:crypto';
import { EmbeddedJWK, calculateJwkThumbprint, jwtVerify } from 'jose';

const IAT_WINDOW = 60;
const ROTATE_EVERY = 25;

export function configure(configuration) {
  configuration.features.dPoP = { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true };
  // The sign-in grant's `acr` goes into its access token; a refresh carries none.
  configuration.extraTokenClaims = async (ctx) => (ctx?.oidc?.params?.acr ? { acr: ctx.oidc.params.acr } : undefined);
}

export default function dpopApi({ api, log, commands, issuer, resource, jwks }) {
  const seen = new Set();
  const nonces = { current: randomBytes(16).toString('base64url'), accepted: 0, rotations: 0 };
  const rotate = () => {
    nonces.current = randomBytes(16).toString('base64url');
    nonces.accepted = 0;
    nonces.rotations++;
  };
  commands.apiNonces = () => ({ rotations: nonces.rotations });

  api.handle = async (req, res) => {
    const entry = { path: req.url, authenticated: !!req.headers.authorization, status: 401, at: Date.now() };
    log.api.push(entry);
    const answer = (status, body, challenge) => {
      entry.status = status;
      const headers = { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'DPoP-Nonce': nonces.current };
      if (challenge) headers['WWW-Authenticate'] = `DPoP ${challenge}, algs="ES256"`;
      res.writeHead(status, headers);
      res.end(JSON.stringify(body));
    };
    const refuse = (error, reason = error) => {
      entry.reason = reason;
      answer(401, { error }, `error="${error}"`);
    };

    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    const proof = req.headers.dpop;
    if (scheme?.toLowerCase() !== 'dpop' || !token) return refuse('invalid_token', `scheme ${scheme}`);
    if (typeof proof !== 'string') return refuse('invalid_dpop_proof', 'no proof');
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(token, jwks, { issuer, audience: resource, clockTolerance: 0 }));
    } catch (error) {
      return refuse('invalid_token', error.code ?? error.message);
    }
    let payload;
    let jwk;
    try {
      const verified = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] });
      ({ payload } = verified);
      jwk = verified.protectedHeader.jwk;
    } catch (error) {
      return refuse('invalid_dpop_proof', error.code ?? error.message);
    }
    const url = new URL(req.url, `http://${req.headers.host}`);
    const checks = [
      [payload.htm === req.method, 'htm'],
      [payload.htu === `${url.origin}${url.pathname}`, 'htu'],
      [typeof payload.iat === 'number' && Math.abs(Date.now() / 1000 - payload.iat) <= IAT_WINDOW, 'iat'],
      [typeof payload.jti === 'string' && !seen.has(payload.jti), 'jti'],
      [payload.ath === createHash('sha256').update(token).digest('base64url'), 'ath'],
      [claims.cnf?.jkt === (await calculateJwkThumbprint(jwk)), 'cnf.jkt'],
    ];
    const failed = checks.find(([ok]) => !ok);
    if (failed) return refuse('invalid_dpop_proof', failed[1]);
    seen.add(payload.jti);
    if (payload.nonce !== nonces.current) return refuse('use_dpop_nonce');

    if (++nonces.accepted >= ROTATE_EVERY) rotate();
    entry.sub = claims.sub;
    entry.jti = claims.jti;
    if (url.pathname === '/admin' && claims.acr !== 'mfa') {
      entry.status = 401;
      entry.reason = 'insufficient_user_authentication';
      return answer(401, { error: 'insufficient_user_authentication' }, 'error="insufficient_user_authentication", acr_values="mfa"');
    }
    answer(200, { path: req.url, sub: claims.sub, acr: claims.acr });
  };
}
