import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AuthInterceptor } from '../../src';
import type { TokenServer } from '../../examples/server';
import { startBrowserDemo } from '../../examples/browser/server';
import { until } from '../helpers/deferred';
import { launchChromium } from '../helpers/chromium';

/** What examples/browser/app.js puts on `window` for the tests. */
declare const demo: {
  auth: AuthInterceptor;
  burst(n: number): Promise<{ ok: number; failed: string[] }>;
  signIn(): Promise<void>;
  signOut(): Promise<void>;
  ready: Promise<void>;
};

// A guard against a hung browser, not a speed requirement.
jest.setTimeout(60_000);

const TABS = 3;
const BURST = 15;
let browser: Browser;
let server: TokenServer;
let context: BrowserContext;
let tabs: Page[];

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

/** Starts a token server and opens the tabs, signed in through the first one. */
async function start(query = '') {
  server = await startBrowserDemo({ accessTtlMs: 60_000, jwt: true });
  context = await browser.newContext();
  // Every tab's clock, and the server's, move only when a test moves them.
  await context.clock.install();
  tabs = [];
  for (let i = 0; i < TABS; i++) tabs.push(await openTab(query));
  await tabs[0]!.evaluate(() => demo.signIn());
  await Promise.all(tabs.map(signedIn));
}
afterEach(async () => {
  await context?.close();
  await server?.close();
});

async function openTab(query: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(error));
  await page.goto(`${server.url}/${query}`);
  await until(() => page.evaluate(() => typeof demo === 'object'));
  await page.evaluate(() => demo.ready);
  return page;
}

/** The access token a tab holds now, or null. */
const tokenOf = (tab: Page) => tab.evaluate(async () => (await demo.auth.getTokens())?.accessToken ?? null);

// Conditions in the tabs are polled from Node (`until`): the tabs' clocks are fake, and a tab
// in the background may not run animation frames.
const signedIn = (tab: Page) => until(async () => (await tokenOf(tab)) !== null);
const burst = (tab: Page) => tab.evaluate((n) => demo.burst(n), BURST);
const served = (path: string, status: number) => server.log.filter((entry) => entry.path === path && entry.status === status).length;

describe('with indexedDBStorage and webLocks', () => {
  beforeEach(() => start());

  test('tokens expire while every tab fires a burst: one refresh per expiry across the tabs, no 401, no reuse', async () => {
    for (let expiry = 1; expiry <= 3; expiry++) {
      server.advance(60_000);
      await context.clock.fastForward(60_000);
      const results = await Promise.all(tabs.map(burst));
      expect(results).toEqual(tabs.map(() => ({ ok: BURST, failed: [] })));
      expect(server.refreshes).toBe(expiry);
    }
    expect(served('/api/data', 401)).toBe(0);
    expect(server.reuses).toBe(0);
  });

  test('tokens revoked while every tab fires a burst: every call is refused once, one refresh replays them all', async () => {
    for (let revocation = 1; revocation <= 3; revocation++) {
      server.expireAccessTokens();
      const results = await Promise.all(tabs.map(burst));
      expect(results).toEqual(tabs.map(() => ({ ok: BURST, failed: [] })));
      expect(server.refreshes).toBe(revocation);
    }
    expect(served('/api/data', 401)).toBe(3 * TABS * BURST);
    expect(server.reuses).toBe(0);
  });

  test('one tab refreshes slowly while the others wait for it, then all use its token', async () => {
    server.expireAccessTokens();
    const hold = server.hold('/auth/refresh');
    const first = burst(tabs[0]!);
    await hold.arrived;
    const others = tabs.slice(1).map(burst);
    await until(() => served('/api/data', 401) === TABS * BURST);
    expect(server.log.filter((entry) => entry.path === '/auth/refresh')).toEqual([]);
    hold.release();
    const results = await Promise.all([first, ...others]);
    expect(results).toEqual(tabs.map(() => ({ ok: BURST, failed: [] })));
    expect(server.refreshes).toBe(1);
    expect(server.reuses).toBe(0);
  });

  test('a tab closed while it holds the lock releases it, and another tab refreshes', async () => {
    server.expireAccessTokens();
    const hold = server.hold('/auth/refresh'); // never released: the closing tab's refresh never completes
    void burst(tabs[0]!).catch(() => {}); // the page goes away under it
    await hold.arrived;
    const others = tabs.slice(1).map(burst);
    await until(() => served('/api/data', 401) === TABS * BURST);
    await tabs[0]!.close();
    const results = await Promise.all(others);
    expect(results).toEqual(tabs.slice(1).map(() => ({ ok: BURST, failed: [] })));
    expect(server.refreshes).toBe(1);
    expect(server.reuses).toBe(0);
  });
});

describe.each([
  ['indexedDBStorage (BroadcastChannel)', ''],
  ['webStorage(localStorage) (the storage event)', '?storage=local'],
])('tabs follow each other through %s', (_, query) => {
  beforeEach(() => start(query));

  test('after one tab refreshes, the others send its token on their next call', async () => {
    await tabs[0]!.evaluate(() => demo.auth.refresh());
    const fresh = await tokenOf(tabs[0]!);
    for (const tab of tabs.slice(1)) await until(async () => (await tokenOf(tab)) === fresh);
    await Promise.all(tabs.slice(1).map(burst));
    const calls = server.log.filter((entry) => entry.path === '/api/data');
    expect(calls).toHaveLength((TABS - 1) * BURST);
    expect(calls.every((entry) => entry.status === 200 && entry.token === 2)).toBe(true);
    expect(server.refreshes).toBe(1);
  });

  test('sign-out in one tab signs out the others: their calls carry no token and refresh nothing', async () => {
    await tabs[0]!.evaluate(() => demo.signOut());
    for (const tab of tabs.slice(1)) await until(async () => (await tokenOf(tab)) === null);
    const results = await Promise.all(tabs.slice(1).map(burst));
    expect(results).toEqual(tabs.slice(1).map(() => ({ ok: 0, failed: Array(BURST).fill('ERR_SESSION_EXPIRED') })));
    expect(server.log.filter((entry) => entry.path === '/api/data').every((entry) => !entry.header)).toBe(true);
    expect(served('/auth/refresh', 200) + served('/auth/refresh', 400)).toBe(0);
  });
});
