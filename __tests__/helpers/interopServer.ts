import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AxiosInstance } from 'axios';
import type { AuthTokens, RefreshContext } from '../../src';
import { deferred, type Deferred } from './deferred';

export interface ApiRequest {
  path: string;
  /** Whose token the call carried; `undefined` for none or an unknown one. */
  user: string | undefined;
  /** Which issued access token the call carried (1 = first issued), 0 for none or unknown. */
  token: number;
  status: number;
  /** The `x-slot` header: the rate-limit tests number each slot their limiter grants. */
  slot: string | undefined;
  /** When the request arrived, in `performance.now()` milliseconds. */
  at: number;
}

export interface InteropServer {
  url: string;
  /** Every request under `/api/`, in the order answered. */
  api: ApiRequest[];
  /** Requests to `/auth/refresh`, answered or not. */
  refreshes: number;
  /** The most `/api/` requests the server was answering at one moment. */
  maxInFlight: number;
  /** While true, `/auth/refresh` answers 503: the auth server is down. */
  authDown: boolean;
  /**
   * How long `/api/` answers take. Zero but for the limiter tests, where calls must overlap on
   * the server for a limit to be observable at all.
   */
  latencyMs: number;
  /** Tokens as a sign-in of `user` returns them. */
  signIn(user?: string): { accessToken: string; refreshToken: string; expiresIn: number };
  /** Every access token issued so far is now expired (the server knows; the client does not). */
  expire(): void;
  /** The next requests to `path` answer these statuses, in order, before the token check. */
  fail(path: string, ...statuses: number[]): void;
  /** The next refresh waits until the returned deferred resolves. */
  holdRefresh(): Deferred<void>;
  /** Forgets tokens, logs and scripted answers between tests. */
  reset(): void;
  close(): Promise<void>;
}

interface Issued {
  n: number;
  user: string;
  expired: boolean;
}

/**
 * One real HTTP API and auth server on 127.0.0.1 for the interop suite, reused across a file's
 * tests. `/api/me` answers per user with `Vary: Authorization`; every other `/api/` path answers
 * `{ path, user, token }` and may be cached; `/api/always-401` refuses every token, as a
 * resource the user may not see would. Refresh tokens rotate: each works once.
 */
export async function startInteropServer(): Promise<InteropServer> {
  const access = new Map<string, Issued>();
  const refresh = new Map<string, { user: string; usable: boolean }>();
  const failures = new Map<string, number[]>();
  let gate: Deferred<void> | undefined;
  let issued = 0;
  let inFlight = 0;

  const issue = (user: string) => {
    const n = ++issued;
    const id = `${n}-${randomBytes(6).toString('hex')}`;
    access.set(`at-${id}`, { n, user, expired: false });
    refresh.set(`rt-${id}`, { user, usable: true });
    return { accessToken: `at-${id}`, refreshToken: `rt-${id}`, expiresIn: 3600 };
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    return status;
  };

  const refreshRoute = async (res: ServerResponse, body: string) => {
    server.refreshes++;
    const wait = gate;
    gate = undefined;
    await wait?.promise;
    if (server.authDown) return send(res, 503, { error: 'temporarily_unavailable' });
    const { refreshToken = '' } = JSON.parse(body || '{}') as { refreshToken?: string };
    const grant = refresh.get(refreshToken);
    if (!grant?.usable) return send(res, 400, { error: 'invalid_grant' });
    grant.usable = false;
    return send(res, 200, issue(grant.user));
  };

  const apiRoute = async (req: IncomingMessage, res: ServerResponse, path: string, token: Issued | undefined) => {
    if (server.latencyMs) await new Promise((resolve) => setTimeout(resolve, server.latencyMs));
    const scripted = failures.get(path)?.shift();
    if (scripted) return send(res, scripted, { error: 'scripted' });
    const refused = (description: string) => send(res, 401, { error: 'invalid_token' }, { 'www-authenticate': `Bearer error="invalid_token", error_description="${description}"` });
    if (path === '/api/always-401') return refused('Not for this token');
    if (!token) return refused(req.headers.authorization ? 'Unknown token' : 'No token');
    if (token.expired) return refused('The access token expired');
    // Not `private`: in Node axios-cache-interceptor counts as a shared cache and stores no private answer.
    const cache = { 'cache-control': 'max-age=300', ...(path === '/api/me' && { vary: 'Authorization' }) };
    return send(res, 200, { path, user: token.user, token: token.n }, cache);
  };

  const http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = performance.now();
      const path = new URL(req.url!, 'http://x').pathname;
      if (path === '/auth/refresh') return void refreshRoute(res, Buffer.concat(chunks).toString());
      const token = access.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '');
      server.maxInFlight = Math.max(server.maxInFlight, ++inFlight);
      void apiRoute(req, res, path, token).then((status) => {
        inFlight--;
        const slot = req.headers['x-slot'];
        server.api.push({ path, user: token?.user, token: token?.n ?? 0, status, slot: typeof slot === 'string' ? slot : undefined, at });
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));

  const server: InteropServer = {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    api: [],
    refreshes: 0,
    maxInFlight: 0,
    authDown: false,
    latencyMs: 0,
    signIn: (user = 'alice') => issue(user),
    expire() {
      for (const token of access.values()) token.expired = true;
    },
    fail(path, ...statuses) {
      failures.set(path, statuses);
    },
    holdRefresh() {
      gate = deferred();
      return gate;
    },
    reset() {
      access.clear();
      refresh.clear();
      failures.clear();
      gate = undefined;
      issued = 0;
      Object.assign(server, { api: [], refreshes: 0, maxInFlight: 0, authDown: false, latencyMs: 0 });
    },
    close: () =>
      new Promise((resolve, reject) => {
        http.closeAllConnections();
        http.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return server;
}

/**
 * A `refresh` that posts the refresh token through `client` with `skipAuth`. Passing a separate
 * instance is the set-up recommended next to limiters; passing the authenticated instance
 * itself is the README's recipe.
 */
export function refreshThrough(client: AxiosInstance) {
  return jest.fn(async (tokens: AuthTokens | null, { signal }: RefreshContext): Promise<AuthTokens> => {
    const { data } = await client.post<AuthTokens>('/auth/refresh', { refreshToken: tokens?.refreshToken }, { skipAuth: true, signal });
    return data;
  });
}
