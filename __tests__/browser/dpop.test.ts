import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { jose } from '../dpop/jose';
import { until } from '../helpers/deferred';
import { launchChromium } from '../helpers/chromium';

// A guard against a hung browser, not a speed requirement.
jest.setTimeout(60_000);

const root = join(__dirname, '..', '..');
/** The browser build (`dist/browser.mjs`, `dist/browser-dpop.mjs` and any chunk they share) and axios's ES module. */
const fileFor = (path: string): string | undefined => {
  if (path === '/vendor/axios.mjs') return join(dirname(require.resolve('axios/package.json')), 'dist', 'esm', 'axios.min.js');
  const built = /^\/lib\/((?:browser|browser-dpop|chunk-[\w-]+)\.mjs)$/.exec(path)?.[1];
  return built && join(root, 'dist', built);
};

/**
 * The page: its DPoP key comes from IndexedDB (made once, non-extractable), its tokens from
 * `indexedDBStorage()`, refreshes are exclusive across tabs (`webLocks()`), and a hand-written
 * `refresh` signs its token request with `context.dpop`.
 */
const page = `<!doctype html><meta charset="utf-8"><title>DPoP</title>
<script type="importmap">{ "imports": {
  "axios": "/vendor/axios.mjs",
  "axios-auth-interceptor": "/lib/browser.mjs",
  "axios-auth-interceptor/dpop": "/lib/browser-dpop.mjs"
} }</script>
<script type="module">
  import axios from 'axios';
  import { createAuthInterceptor, indexedDBStorage, webLocks } from 'axios-auth-interceptor';
  import { createDPoP, indexedDBKeyStore, loadOrCreateDPoPKeyPair } from 'axios-auth-interceptor/dpop';
  const keyPair = await loadOrCreateDPoPKeyPair(indexedDBKeyStore());
  const tokenEndpoint = location.origin + '/token';
  const http = axios.create();
  const toTokens = ({ data }) => ({ accessToken: data.access_token, refreshToken: data.refresh_token, tokenType: data.token_type });
  const api = axios.create({ baseURL: location.origin });
  const auth = createAuthInterceptor(api, {
    dpop: keyPair,
    storage: indexedDBStorage(),
    lock: webLocks(),
    refresh: async (tokens, context) =>
      toTokens(await http.post(tokenEndpoint, { refresh_token: tokens.refreshToken }, { headers: { DPoP: await context.dpop.proof('POST', tokenEndpoint) } })),
  });
  window.app = {
    thumbprint: () => createDPoP(keyPair).thumbprint(),
    extractable: () => keyPair.privateKey.extractable,
    async signIn() {
      const proof = await createDPoP(keyPair).proof('POST', tokenEndpoint);
      await auth.setTokens(toTokens(await http.post(tokenEndpoint, { sign_in: true }, { headers: { DPoP: proof } })));
    },
    get: (path) => api.get(path).then((response) => response.data),
  };
</script>`;

interface Proof {
  jkt: string;
  claims: Record<string, unknown>;
}

/**
 * An authorization server and API on one loopback origin that check every DPoP proof (signature,
 * `typ`, `htm`, `htu`, `iat`, unique `jti`, `ath`), bind tokens to the proof's key and require
 * the API's own nonce. Refresh tokens rotate and work once.
 */
async function startServer() {
  const bound = new Map<string, string>(); // access token -> jkt
  const refreshTokens = new Map<string, string>(); // refresh token -> jkt, until spent
  const jtis = new Set<string>();
  const nonce = randomUUID();
  const state = { url: '', refreshes: 0, reuses: 0, refused: [] as string[], revoke: () => bound.clear() };

  const verify = async (req: IncomingMessage, url: URL, token?: string): Promise<Proof> => {
    const proof = req.headers.dpop;
    if (typeof proof !== 'string') throw new Error('no proof');
    const { payload, protectedHeader } = await jose.jwtVerify(proof, jose.EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] });
    const checks: Array<[boolean, string]> = [
      [payload.htm === req.method, 'htm'],
      [payload.htu === `${url.origin}${url.pathname}`, 'htu'],
      [Math.abs(Date.now() / 1000 - (payload.iat ?? 0)) <= 60, 'iat'],
      [typeof payload.jti === 'string' && !jtis.has(payload.jti), 'jti'],
      [token === undefined || payload.ath === createHash('sha256').update(token).digest('base64url'), 'ath'],
    ];
    const failed = checks.find(([ok]) => !ok);
    if (failed) throw new Error(failed[1]);
    jtis.add(payload.jti!);
    return { jkt: await jose.calculateJwkThumbprint(protectedHeader.jwk!), claims: payload as Record<string, unknown> };
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
    res.end(JSON.stringify(body));
  };
  const issue = (jkt: string) => {
    const accessToken = `at-${randomUUID()}`;
    const refreshToken = `rt-${randomUUID()}`;
    bound.set(accessToken, jkt);
    refreshTokens.set(refreshToken, jkt);
    return { access_token: accessToken, refresh_token: refreshToken, token_type: 'DPoP', expires_in: 3600 };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url!, state.url);
    const file = fileFor(url.pathname);
    if (url.pathname === '/') return void (res.writeHead(200, { 'Content-Type': 'text/html' }), res.end(page));
    if (file) return void (res.writeHead(200, { 'Content-Type': 'text/javascript' }), res.end(readFileSync(file)));
    if (url.pathname === '/token') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const form = JSON.parse(body) as { sign_in?: boolean; refresh_token?: string };
      const { jkt } = await verify(req, url);
      if (form.sign_in) return json(res, 200, issue(jkt));
      const owner = refreshTokens.get(form.refresh_token ?? '');
      if (owner === undefined) {
        state.reuses++;
        return json(res, 400, { error: 'invalid_grant' });
      }
      if (owner !== jkt) return json(res, 400, { error: 'invalid_dpop_proof' });
      refreshTokens.delete(form.refresh_token!);
      state.refreshes++;
      return json(res, 200, issue(jkt));
    }
    if (!url.pathname.startsWith('/api/')) return json(res, 404, {});
    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    const refuse = (error: string, reason: string) => {
      state.refused.push(reason);
      json(res, 401, { error }, { 'WWW-Authenticate': `DPoP error="${error}"`, 'DPoP-Nonce': nonce });
    };
    if (scheme !== 'DPoP' || !token || !bound.has(token)) return refuse('invalid_token', 'token');
    let proof: Proof;
    try {
      proof = await verify(req, url, token);
    } catch (error) {
      return refuse('invalid_dpop_proof', (error as Error).message);
    }
    if (proof.jkt !== bound.get(token)) return refuse('invalid_dpop_proof', 'cnf.jkt');
    if (proof.claims.nonce !== nonce) return refuse('use_dpop_nonce', 'nonce');
    json(res, 200, { path: url.pathname, jkt: proof.jkt }, { 'DPoP-Nonce': nonce });
  };

  const server: Server = createServer((req, res) => void handle(req, res).catch((error: Error) => json(res, 500, { error: error.message })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { state, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

declare const app: { thumbprint(): Promise<string>; extractable(): boolean; signIn(): Promise<void>; get(path: string): Promise<{ path: string; jkt: string }> };

let browser: Browser;
let server: Awaited<ReturnType<typeof startServer>>;
let context: BrowserContext;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());
beforeEach(async () => {
  server = await startServer();
  context = await browser.newContext();
});
afterEach(async () => {
  await context?.close();
  await server?.close();
});

async function openTab(): Promise<Page> {
  const tab = await context.newPage();
  tab.on('pageerror', (error) => console.error(error));
  await tab.goto(`${server.state.url}/`);
  await until(() => tab.evaluate(() => typeof app === 'object'));
  return tab;
}

test('a non-extractable key kept in IndexedDB survives a reload, and the tokens bound to it keep working', async () => {
  const tab = await openTab();
  await tab.evaluate(() => app.signIn());
  const before = await tab.evaluate(() => app.get('/api/me'));
  const thumbprint = await tab.evaluate(() => app.thumbprint());
  expect(before.jkt).toBe(thumbprint);

  await tab.reload();
  await until(() => tab.evaluate(() => typeof app === 'object'));

  expect(await tab.evaluate(() => app.extractable())).toBe(false);
  expect(await tab.evaluate(() => app.thumbprint())).toBe(thumbprint);
  await expect(tab.evaluate(() => app.get('/api/me'))).resolves.toEqual({ path: '/api/me', jkt: thumbprint });
  expect(server.state.refreshes).toBe(0);
  // Each page learnt the API's nonce by one refused call, and nothing else was refused.
  expect(server.state.refused).toEqual(['nonce', 'nonce']);
});

test('two tabs share the key and the tokens; when the token is revoked they refresh once between them', async () => {
  const [first, second] = [await openTab(), await openTab()];
  await first!.evaluate(() => app.signIn());
  const thumbprints = await Promise.all([first!, second!].map((tab) => tab.evaluate(() => app.thumbprint())));
  expect(thumbprints[0]).toBe(thumbprints[1]);
  await Promise.all([first!, second!].map((tab) => tab.evaluate(() => app.get('/api/warm-up'))));

  server.state.revoke();
  const results = await Promise.all([first!, second!].map((tab) => tab.evaluate(() => Promise.all([1, 2, 3].map((i) => app.get(`/api/items/${i}`))))));

  expect(results.flat().every((result) => result.jkt === thumbprints[0])).toBe(true);
  expect(server.state.refreshes).toBe(1);
  expect(server.state.reuses).toBe(0);
});
