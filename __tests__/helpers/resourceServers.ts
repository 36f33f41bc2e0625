import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

/** The APIs of the rig: the page's own (`home`, the session's token) and two resource servers. */
export type Api = 'home' | 'billing' | 'files';
export const APIS: readonly Api[] = ['home', 'billing', 'files'];

/** One request to the token endpoint (or a sign-in), in the order they were answered. */
export interface TokenRequest {
  grant: 'sign-in' | 'refresh_token';
  /** Which API the token asked for is for; absent when the request was refused. */
  api?: Api;
  /** The `resource` and `scope` fields as sent (RFC 8707 section 2.2, RFC 6749 section 6). */
  resource?: string;
  scope?: string;
  /** The refresh token presented. */
  presented?: string;
  status: number;
  error?: string;
  /** What a 200 gave. */
  issued?: { accessToken: string; refreshToken: string };
  /** Whether it presented a refresh token an earlier request had spent. */
  reused: boolean;
}

/** One request an API received, preflights included. */
export interface ApiCall {
  api: Api;
  method: string;
  path: string;
  /** The page's `x-call` header: `<tab>:<sequence>`. */
  call?: string;
  /** The bearer token it carried, if any. */
  token?: string;
  /** Which API that token was issued for (`undefined`: none, or a token this server never issued). */
  audience?: Api;
  status: number;
}

export interface ResourceRig {
  /** The page, the home API, the token endpoint and the sign-in: one origin. */
  url: string;
  /** Where each API listens: `home` is `url`, the others are origins of their own (other ports). */
  origins: Record<Api, string>;
  tokenRequests: TokenRequest[];
  calls: ApiCall[];
  /** Refresh tokens presented after they were spent. */
  reuses: number;
  /** The next token request waits, unanswered, until `release()`; `arrived` resolves once it is there. */
  hold(): { arrived: Promise<void>; release(): void };
  /** Moves the clock every server issues and judges tokens on, as time passing would. */
  advance(ms: number): void;
  close(): Promise<void>;
}

const root = join(__dirname, '..', '..');
/** What the page loads by URL: the library's browser build, its `/resources` and `/oauth` entries, and axios. */
const fileFor = (path: string): string | undefined => {
  if (path === '/vendor/axios.mjs') return join(dirname(require.resolve('axios/package.json')), 'dist', 'esm', 'axios.min.js');
  const built = /^\/lib\/((?:browser|browser-resources|oauth)\.mjs(?:\.map)?)$/.exec(path)?.[1];
  return built && join(root, 'dist', built);
};

/**
 * The page each tab opens: one axios instance with no baseURL (its home is the page's origin),
 * tokens in `indexedDBStorage()`, token requests exclusive across tabs (`webLocks()`), the
 * `/oauth` refresh-token grant, and `resources` for the two resource servers. `app.burst(n, apis)`
 * sends `n` calls to each API named (every one by default) at once, each named by an `x-call` header.
 */
const page = (origins: Record<Api, string>, resources: Record<string, { resource: string; scope: string }>) => `<!doctype html>
<meta charset="utf-8"><link rel="icon" href="data:,"><title>resources</title>
<script type="importmap">{ "imports": {
  "axios": "/vendor/axios.mjs",
  "axios-auth-interceptor": "/lib/browser.mjs",
  "axios-auth-interceptor/resources": "/lib/browser-resources.mjs",
  "axios-auth-interceptor/oauth": "/lib/oauth.mjs"
} }</script>
<script type="module">
  import axios from 'axios';
  import { createAuthInterceptor, indexedDBStorage, webLocks } from 'axios-auth-interceptor';
  import { refreshTokenGrant } from 'axios-auth-interceptor/oauth';
  const origins = ${JSON.stringify(origins)};
  const resources = ${JSON.stringify(resources)};
  const tab = crypto.randomUUID().slice(0, 8);
  const api = axios.create();
  const auth = createAuthInterceptor(api, {
    storage: indexedDBStorage(),
    lock: webLocks(),
    refresh: refreshTokenGrant({ tokenEndpoint: location.origin + '/token', clientId: 'spa' }),
    resources,
  });
  let sequence = 0;
  window.app = {
    tab,
    auth,
    async signIn() {
      const { data } = await axios.post('/auth/sign-in');
      await auth.setTokens({ accessToken: data.access_token, refreshToken: data.refresh_token, expiresIn: data.expires_in });
    },
    async burst(n, apis = Object.keys(origins)) {
      const calls = apis.flatMap((name) => Array.from({ length: n }, () => api.get(origins[name] + '/api/' + name, { headers: { 'x-call': tab + ':' + ++sequence } })));
      const results = await Promise.allSettled(calls);
      const failed = results.filter((r) => r.status === 'rejected').map((r) => r.reason?.code ?? String(r.reason));
      return { ok: calls.length - failed.length, failed };
    },
  };
</script>`;

const listen = async (server: Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
};
const bodyOf = async (req: IncomingMessage) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
};

/**
 * An authorization server, the page and its home API on one origin of 127.0.0.1, and two
 * resource servers on origins of their own, all on one clock that moves only by `advance` (from
 * real time, as the tabs' installed clocks do). Refresh tokens rotate and work once: a spent one
 * presented again is counted (`reuses`) and refused `invalid_grant`. A refresh-token grant
 * without `resource` gives the home API's token; with the `resource` of billing or files (and
 * no `scope`, or that resource's own) a token for that API alone, living `ttl[api]` seconds;
 * any other resource is `invalid_target` (the refresh token kept). Every API accepts only a live
 * token of its own audience, answers CORS preflights allowing `Authorization`, and logs every
 * request it receives.
 */
export async function startResourceRig(ttl: Record<Api, number>): Promise<ResourceRig> {
  let offset = 0;
  const now = () => Date.now() + offset;
  const access = new Map<string, { api: Api; expiresAt: number }>();
  const refresh = new Map<string, 'live' | 'spent'>();
  let held: { arrived(): void; open: Promise<void> } | undefined;
  const servers = { home: createServer(), billing: createServer(), files: createServer() };
  const origins = Object.fromEntries(await Promise.all(APIS.map(async (api) => [api, await listen(servers[api])]))) as Record<Api, string>;
  const scopes = { billing: 'invoices', files: 'files:read' };
  const indicators: Record<Exclude<Api, 'home'>, string> = { billing: origins.billing, files: 'urn:files' };
  const resources = { [origins.billing]: { resource: indicators.billing, scope: scopes.billing }, [origins.files]: { resource: indicators.files, scope: scopes.files } };

  const rig: ResourceRig = {
    url: origins.home,
    origins,
    tokenRequests: [],
    calls: [],
    reuses: 0,
    hold() {
      let arrived!: () => void;
      let release!: () => void;
      const hold = { arrived: new Promise<void>((resolve) => (arrived = resolve)), release: () => release() };
      held = { arrived, open: new Promise((resolve) => (release = resolve)) };
      return hold;
    },
    advance: (ms) => void (offset += ms),
    close: () =>
      Promise.all(
        Object.values(servers).map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => resolve());
            }),
        ),
      ).then(() => {}),
  };

  const issue = (api: Api) => {
    const id = `${rig.tokenRequests.length + 1}-${randomBytes(4).toString('hex')}`;
    const tokens = { accessToken: `${api}-at-${id}`, refreshToken: `rt-${id}` };
    access.set(tokens.accessToken, { api, expiresAt: now() + ttl[api] * 1000 });
    refresh.set(tokens.refreshToken, 'live');
    return tokens;
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', date: new Date(now()).toUTCString(), ...headers }).end(JSON.stringify(body));
    return status;
  };
  const answer = (res: ServerResponse, request: Omit<TokenRequest, 'status' | 'reused'>, reused = false) => {
    const status = request.error ? 400 : 200;
    rig.tokenRequests.push({ ...request, status, reused });
    if (request.error) return json(res, status, { error: request.error });
    const { accessToken, refreshToken } = request.issued!;
    return json(res, 200, { access_token: accessToken, refresh_token: refreshToken, token_type: 'Bearer', expires_in: ttl[request.api!], ...(request.scope && { scope: request.scope }) });
  };

  /** RFC 6749 section 6, with RFC 8707 section 2.2's `resource`. */
  const token = (res: ServerResponse, form: URLSearchParams) => {
    const presented = form.get('refresh_token') ?? undefined;
    const [resource, ...more] = form.getAll('resource');
    const scope = form.get('scope') ?? undefined;
    const request = { grant: 'refresh_token' as const, presented, ...(resource !== undefined && { resource }), ...(scope !== undefined && { scope }) };
    if (form.get('grant_type') !== 'refresh_token') return answer(res, { ...request, error: 'unsupported_grant_type' });
    const state = refresh.get(presented ?? '');
    if (state !== 'live') {
      if (state === 'spent') rig.reuses++;
      return answer(res, { ...request, error: 'invalid_grant' }, state === 'spent');
    }
    const api = resource === undefined ? 'home' : (Object.keys(indicators) as Array<keyof typeof indicators>).find((name) => indicators[name] === resource);
    if (!api || more.length) return answer(res, { ...request, error: 'invalid_target' });
    if (scope !== undefined && (api === 'home' || scope !== scopes[api])) return answer(res, { ...request, error: 'invalid_scope' });
    refresh.set(presented!, 'spent');
    return answer(res, { ...request, api, issued: issue(api) });
  };

  /** An API's answer to a call: 200 for a live token of its own audience, else an RFC 6750 401. */
  const guarded = (api: Api, req: IncomingMessage, res: ServerResponse, cors: Record<string, string>) => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const known = access.get(bearer ?? '');
    const entry: ApiCall = { api, method: req.method!, path: new URL(req.url!, rig.url).pathname, call: req.headers['x-call'] as string | undefined, token: bearer, audience: known?.api, status: 0 };
    rig.calls.push(entry);
    if (req.method === 'OPTIONS') return (entry.status = json(res, 204, undefined, cors));
    const ok = known?.api === api && known.expiresAt > now();
    entry.status = ok ? json(res, 200, { api }, cors) : json(res, 401, { error: 'invalid_token' }, { ...cors, 'www-authenticate': 'Bearer error="invalid_token"' });
    return entry.status;
  };

  servers.home.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const path = new URL(req.url!, rig.url).pathname;
      const file = req.method === 'GET' && fileFor(path);
      if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(origins, resources));
      if (file) return void res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(await readFile(file));
      if (path === '/auth/sign-in') return answer(res, { grant: 'sign-in', api: 'home', issued: issue('home') });
      if (path === '/token' && req.method === 'POST') {
        const form = new URLSearchParams(await bodyOf(req));
        const hold = held;
        held = undefined;
        hold?.arrived();
        await hold?.open;
        return token(res, form);
      }
      if (path.startsWith('/api/')) return guarded('home', req, res, {});
      return json(res, 404, {});
    })();
  });
  for (const api of ['billing', 'files'] as const) {
    const cors = {
      'access-control-allow-origin': rig.url,
      'access-control-allow-methods': 'GET',
      'access-control-allow-headers': 'authorization, x-call',
      'access-control-expose-headers': 'www-authenticate',
    };
    servers[api].on('request', (req: IncomingMessage, res: ServerResponse) => void guarded(api, req, res, cors));
  }
  return rig;
}
