import { randomBytes } from 'node:crypto';
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

export interface TokenServer {
  url: string;
  /** Every call the server answered, in order. */
  log: LoggedRequest[];
  /** Refresh requests answered with new tokens. */
  refreshes: number;
  /** Refresh tokens presented a second time (rotation means each works once). */
  reuses: number;
  /** Tokens as a sign-in would return them. */
  signIn(): { accessToken: string; refreshToken: string; expiresIn: number };
  /** The given access token, or every one issued so far, is now expired. */
  expireAccessTokens(accessToken?: string): void;
  /** The next request to `path` waits until released. */
  hold(path: string): Hold;
  /** The next refresh answers with this status and an OAuth error body. */
  failNextRefresh(status: number): void;
  close(): Promise<void>;
}

/**
 * A real HTTP API and token server on 127.0.0.1: access tokens that live `accessTtlMs`, refresh
 * tokens that work exactly once, RFC 6750 challenges, and an echo route that reports what it got.
 */
export async function startTokenServer({ accessTtlMs = 60_000 } = {}): Promise<TokenServer> {
  const access = new Map<string, { n: number; expiresAt: number }>();
  const refresh = new Map<string, boolean>(); // refresh token -> still usable
  const holds = new Map<string, { arrived: () => void; open: Promise<void> }>();
  let issued = 0;
  let refreshFailure = 0;

  const issue = () => {
    const accessToken = `at-${++issued}-${randomBytes(6).toString('hex')}`;
    const refreshToken = `rt-${issued}-${randomBytes(6).toString('hex')}`;
    access.set(accessToken, { n: issued, expiresAt: Date.now() + accessTtlMs });
    refresh.set(refreshToken, true);
    return { accessToken, refreshToken, expiresIn: accessTtlMs / 1000 };
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    return status;
  };
  const challenge = (error: string, description: string) => ({
    'www-authenticate': `Bearer realm="api", error="${error}", error_description="${description}"`,
  });

  const handle = async (req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<number> => {
    const path = new URL(req.url!, 'http://x').pathname;
    const hold = holds.get(path);
    if (hold) {
      holds.delete(path);
      hold.arrived();
      await hold.open;
    }
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
    const token = access.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
    if (path === '/api/admin') return send(res, 403, { error: 'insufficient_scope' }, challenge('insufficient_scope', 'Needs admin'));
    if (path === '/api/boom') return send(res, 500, { error: 'boom' });
    if (!token) return send(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer realm="api"' });
    if (token.expiresAt <= Date.now()) return send(res, 401, { error: 'token_expired' }, challenge('invalid_token', 'The access token expired'));
    if (path === '/api/echo') {
      const { host, connection, ...headers } = req.headers;
      return send(res, 200, { method: req.method, url: req.url, headers, body: body.toString('base64') });
    }
    return send(res, 200, { ok: true, path, token: token.n });
  };

  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks)).then((status) => {
        const token = access.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '')?.n ?? 0;
        const id = req.headers['x-request-id'] as string | undefined;
        const entry = { method: req.method!, path: new URL(req.url!, 'http://x').pathname, token, status, header: req.headers.authorization !== undefined };
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
    signIn: issue,
    expireAccessTokens(accessToken) {
      for (const [value, token] of access) if (accessToken === undefined || value === accessToken) token.expiresAt = 0;
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
