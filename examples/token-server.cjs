// A tiny API and OAuth-style token server on 127.0.0.1 for the runnable examples: access tokens
// that live `accessTtlMs`, refresh tokens that work once (rotation), and a switch that revokes
// the whole session as an administrator or a password change would.
const { randomBytes } = require('node:crypto');
const { createServer } = require('node:http');

/** @param {{ accessTtlMs?: number }} [options] */
async function startTokenServer({ accessTtlMs = 1_000 } = {}) {
  const access = new Map(); // access token -> expiry (epoch ms)
  const refresh = new Set(); // refresh tokens not yet spent
  const stats = { signIns: 0, refreshes: 0, refused: 0, unauthorized: 0 };

  const issue = () => {
    const id = randomBytes(12).toString('base64url');
    access.set(`at-${id}`, Date.now() + accessTtlMs);
    refresh.add(`rt-${id}`);
    // The shape OAuth servers answer with (RFC 6749 §5.1): the app maps it to the library's.
    return { access_token: `at-${id}`, refresh_token: `rt-${id}`, token_type: 'Bearer', expires_in: accessTtlMs / 1000 };
  };

  const routes = {
    'POST /auth/sign-in': () => {
      stats.signIns++;
      return [200, issue()];
    },
    'POST /auth/refresh': (body) => {
      if (!refresh.delete(body.refresh_token)) {
        stats.refused++;
        return [400, { error: 'invalid_grant' }];
      }
      stats.refreshes++;
      return [200, issue()];
    },
    'POST /auth/sign-out': (body) => {
      refresh.delete(body.refresh_token);
      return [204];
    },
    'GET /api/me': (_body, authorization) => {
      const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
      if ((access.get(token) ?? 0) > Date.now()) return [200, { name: 'Ada' }];
      stats.unauthorized++;
      return [401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' }];
    },
  };

  const http = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const route = routes[`${req.method} ${req.url}`];
      const [status, body, headers] = route ? route(JSON.parse(text || '{}'), req.headers.authorization) : [404, { error: 'not_found' }];
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body && JSON.stringify(body));
    });
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${http.address().port}`,
    stats,
    /** Every token issued so far stops working, as after a password change. */
    revokeSession() {
      access.clear();
      refresh.clear();
    },
    close() {
      http.closeAllConnections();
      return new Promise((resolve) => http.close(() => resolve()));
    },
  };
}

module.exports = { startTokenServer };
