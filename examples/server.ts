import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A gate that holds one kind of request until the test or demo opens it. */
export interface Hold {
  /** Resolves when a held request has arrived. */
  arrived: Promise<void>;
  release(): void;
}

export interface LoggedRequest {
  method: string;
  path: string;
  /** Which issued access token the call carried (1 = first issued), 0 for none or unknown. */
  token: number;
  status: number;
  /** Whether the call had an Authorization header at all. */
  header: boolean;
  id?: string;
}

export interface TokenServerOptions {
  /** Lifetime of access tokens. */
  accessTtlMs?: number;
  /** How far the server's clock is ahead of this process's (negative: behind). Shows in `Date` and in token times. */
  clockOffsetMs?: number;
  /** Issue access tokens as JWTs with `iat` and `exp` (unsigned: this server checks them by lookup). */
  jwt?: boolean;
  /** Files served as they are on GET: URL path -> file path (a page and its scripts, on the API's own origin). */
  files?: Record<string, string>;
}

export interface TokenServer {
  url: string;
  /** Every call the server answered, in order. */
  log: LoggedRequest[];
  /** Refresh requests answered with new tokens. */
  refreshes: number;
  /** Refresh tokens presented a second time (rotation means each works once). */
  reuses: number;
  /** The server's clock, in epoch milliseconds. */
  now(): number;
  /** Moves the server's clock forward, as time passing would (tokens expire on it). */
  advance(ms: number): void;
  /** Tokens as a sign-in would return them. */
  signIn(): { accessToken: string; refreshToken: string; expiresIn: number };
  /** The given access token, or every one issued so far, is now expired. */
  expireAccessTokens(accessToken?: string): void;
  /** Every token issued so far stops working, refresh tokens too, as after a password change. */
  revokeSession(): void;
  /** The next request to `path` waits until released. */
  hold(path: string): Hold;
  /** The next refresh answers with this status and an OAuth error body. */
  failNextRefresh(status: number): void;
  close(): Promise<void>;
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A real HTTP API and token server on 127.0.0.1: access tokens that live `accessTtlMs`, refresh
 * tokens that work exactly once, RFC 6750 challenges, echo routes that report what they got
 * (`/api/echo` needs a valid token, `/open/echo` does not), `/api/redirect?to=<url>`, which
 * answers 302 to any URL, `/auth/sign-in`, which hands out tokens to anyone (a demo), and
 * `/stats`, the refresh counts for every client (the tab demo shows them).
 */
export async function startTokenServer({ accessTtlMs = 60_000, clockOffsetMs = 0, jwt = false, files = {} }: TokenServerOptions = {}): Promise<TokenServer> {
  const access = new Map<string, { n: number; expiresAt: number }>();
  const refresh = new Map<string, boolean>(); // refresh token -> still usable
  const holds = new Map<string, { arrived: () => void; open: Promise<void> }>();
  let issued = 0;
  let refreshFailure = 0;
  let offset = clockOffsetMs;
  const now = () => Date.now() + offset;

  const issue = () => {
    const n = ++issued;
    const iat = now();
    const id = `${n}-${randomBytes(6).toString('hex')}`;
    const accessToken = jwt
      ? `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ sub: id, iat: Math.floor(iat / 1000), exp: Math.floor((iat + accessTtlMs) / 1000) })}.x`
      : `at-${id}`;
    const refreshToken = `rt-${id}`;
    access.set(accessToken, { n, expiresAt: iat + accessTtlMs });
    refresh.set(refreshToken, true);
    return { accessToken, refreshToken, expiresIn: accessTtlMs / 1000 };
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', date: new Date(now()).toUTCString(), ...headers }).end(JSON.stringify(body));
    return status;
  };
  const challenge = (params: string) => ({ 'www-authenticate': `Bearer realm="api", ${params}` });
  const tokenOf = (req: IncomingMessage) => access.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<number> => {
    const url = new URL(req.url!, 'http://x');
    const path = url.pathname;
    const hold = holds.get(path);
    if (hold) {
      holds.delete(path);
      hold.arrived();
      await hold.open;
    }
    const file = req.method === 'GET' && files[path];
    if (file) {
      const type = { html: 'text/html', js: 'text/javascript', mjs: 'text/javascript', map: 'application/json' }[file.split('.').pop()!];
      res.writeHead(200, { 'content-type': `${type ?? 'application/octet-stream'}; charset=utf-8` }).end(await readFile(file));
      return 200;
    }
    if (path === '/auth/sign-in') return send(res, 200, issue());
    if (path === '/stats') return send(res, 200, { refreshes: server.refreshes, reuses: server.reuses });
    if (path === '/auth/refresh') {
      if (refreshFailure) {
        const status = refreshFailure;
        refreshFailure = 0;
        return send(res, status, { error: status < 500 ? 'invalid_grant' : 'server_error' });
      }
      const { refreshToken } = JSON.parse(body.toString() || '{}') as { refreshToken?: string };
      const usable = refreshToken !== undefined && refresh.get(refreshToken);
      if (!usable) {
        if (refreshToken !== undefined && refresh.has(refreshToken)) server.reuses++;
        return send(res, 400, { error: 'invalid_grant' });
      }
      refresh.set(refreshToken, false);
      server.refreshes++;
      return send(res, 200, issue());
    }
    if (path === '/api/redirect') return send(res, 302, {}, { location: url.searchParams.get('to')! });
    if (path === '/api/admin') return send(res, 403, { error: 'insufficient_scope' }, challenge('error="insufficient_scope", scope="admin"'));
    if (path === '/api/boom') return send(res, 500, { error: 'boom' });
    const echo = () => {
      const { host, connection, ...headers } = req.headers;
      return send(res, 200, { method: req.method, url: req.url, headers, body: body.toString('base64') });
    };
    if (path === '/open/echo') return echo();
    const token = tokenOf(req);
    if (!token) return send(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer realm="api"' });
    if (token.expiresAt <= now()) return send(res, 401, { error: 'token_expired' }, challenge('error="invalid_token", error_description="The access token expired"'));
    if (path === '/api/echo') return echo();
    return send(res, 200, { ok: true, path, token: token.n });
  };

  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks)).then((status) => {
        const id = req.headers['x-request-id'] as string | undefined;
        const entry = { method: req.method!, path: new URL(req.url!, 'http://x').pathname, token: tokenOf(req)?.n ?? 0, status, header: req.headers.authorization !== undefined };
        server.log.push({ ...entry, ...(id && { id }) });
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));

  const server: TokenServer = {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    log: [],
    refreshes: 0,
    reuses: 0,
    now,
    advance(ms) {
      offset += ms;
    },
    signIn: issue,
    expireAccessTokens(accessToken) {
      for (const [value, token] of access) if (accessToken === undefined || value === accessToken) token.expiresAt = 0;
    },
    revokeSession() {
      server.expireAccessTokens();
      // Forgotten rather than spent, so presenting one is refused without counting as reuse.
      refresh.clear();
    },
    hold(path) {
      let arrived!: () => void;
      let release!: () => void;
      const hold: Hold = { arrived: new Promise((resolve) => (arrived = resolve)), release: () => release() };
      holds.set(path, { arrived, open: new Promise((resolve) => (release = resolve)) });
      return hold;
    },
    failNextRefresh(status) {
      refreshFailure = status;
    },
    close: () =>
      new Promise((resolve, reject) => {
        http.closeAllConnections();
        http.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return server;
}
