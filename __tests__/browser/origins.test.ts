import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import type { TokenServer } from '../../examples/server';
import { startBrowserDemo } from '../../examples/browser/server';
import { launchChromium } from '../helpers/chromium';

// A guard against a hung browser, not a speed requirement.
jest.setTimeout(60_000);

/**
 * Another origin that wants the token: it answers every CORS preflight with "yes, send it", as
 * an attacker's server would, so only the library stands between the token and it.
 */
async function startEvil(): Promise<{ host: string; seen: Array<{ method: string; headers: IncomingHttpHeaders }>; close(): Promise<void> }> {
  const seen: Array<{ method: string; headers: IncomingHttpHeaders }> = [];
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method!, headers: req.headers });
    res.writeHead(req.method === 'OPTIONS' ? 204 : 200, {
      'access-control-allow-origin': req.headers.origin ?? '*',
      'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '*',
      'access-control-allow-methods': 'GET, POST',
      'content-type': 'application/json',
    });
    res.end(req.method === 'OPTIONS' ? undefined : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let browser: Browser;
let api: TokenServer;
let evil: Awaited<ReturnType<typeof startEvil>>;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

beforeEach(async () => {
  [api, evil] = await Promise.all([startBrowserDemo(), startEvil()]);
  page = await browser.newPage();
  page.on('pageerror', (error) => console.error(error));
  await page.goto(`${api.url}/`);
});
afterEach(async () => {
  await page?.close();
  await Promise.all([api?.close(), evil?.close()]);
});

/**
 * In the page (the demo's origin, whose import map names axios): a fresh instance with no
 * baseURL, as most single-page apps create it, signed in on the page's own API. It sends each URL,
 * then returns the token header the page's own echo route received. A module script, so the
 * page's import map resolves `axios`.
 */
const PAGE_SCRIPT = `
  import axios from 'axios';
  import { createAuthInterceptor } from '/lib/axios-auth-interceptor.mjs';
  window.callFromPage = async ({ adapter, header, urls }) => {
    const instance = axios.create({ adapter });
    const auth = createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'never-used' }), header, scheme: header === 'Authorization' ? 'Bearer' : '' });
    await auth.setTokens(await (await fetch('/auth/sign-in', { method: 'POST' })).json());
    for (const url of urls) await instance.get(url).catch(() => {});
    const { data } = await instance.get('/open/echo');
    return data.headers[header.toLowerCase()];
  };
`;

async function callFromPage(adapter: 'xhr' | 'fetch', header: string, urls: string[]): Promise<string | undefined> {
  await page.addScriptTag({ type: 'module', content: PAGE_SCRIPT });
  await page.waitForFunction(() => 'callFromPage' in window);
  return page.evaluate((args) => (window as unknown as { callFromPage(a: typeof args): Promise<string | undefined> }).callFromPage(args), { adapter, header, urls });
}

describe.each([
  ['xhr', 'Authorization'],
  ['fetch', 'Authorization'],
  ['xhr', 'X-Api-Token'],
  ['fetch', 'X-Api-Token'],
] as const)('in Chromium with the %s adapter and the token in %s', (adapter, header) => {
  test('URLs the browser resolves to another origin reach it without the token; the own API still gets it', async () => {
    const { host } = evil;
    const urls = [`/\\${host}/x`, `\\\\${host}/x`, `\\/${host}/x`, `//${host}/x`, `/\t/${host}/x`, ` http://${host}/x`, `\thttp://${host}/x`, `ht\ttp://${host}/x`, `\x01http://${host}/x`, `http://${host}/x`];
    const own = await callFromPage(adapter, header, urls);
    expect(own).toMatch(/at-/);
    // Every URL really went there (a preflight first when a token header was attached, which is the leak).
    expect(evil.seen.filter((request) => request.method === 'GET')).toHaveLength(urls.length);
    expect(evil.seen.every((request) => request.headers[header.toLowerCase()] === undefined)).toBe(true);
  });
});
