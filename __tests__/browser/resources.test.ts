import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AuthInterceptor } from '../../src';
import { until } from '../helpers/deferred';
import { launchChromium } from '../helpers/chromium';
import { APIS, startResourceRig, type Api, type ApiCall, type ResourceRig } from '../helpers/resourceServers';

/** What the rig's page (helpers/resourceServers.ts) puts on `window`. */
declare const app: {
  tab: string;
  auth: AuthInterceptor;
  signIn(): Promise<void>;
  burst(n: number, apis?: Api[]): Promise<{ ok: number; failed: string[] }>;
};

// A guard against a hung browser, not a speed requirement.
jest.setTimeout(60_000);

/** Seconds each API's tokens live: each minute ends home's token, every second billing's, every third files'. */
const TTL: Record<Api, number> = { home: 60, billing: 120, files: 180 };
const MINUTE = 60_000;
const BURST = 5;

let browser: Browser;
let rig: ResourceRig;
let context: BrowserContext;
let tabs: Page[];

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(() => browser?.close());

async function openTab(): Promise<Page> {
  const tab = await context.newPage();
  tab.on('pageerror', (error) => console.error(error));
  await tab.goto(`${rig.url}/`);
  await until(() => tab.evaluate(() => typeof app === 'object'));
  return tab;
}

/** Two tabs of one browser context, on the rig's page, signed in through the first. */
async function start() {
  rig = await startResourceRig(TTL);
  context = await browser.newContext();
  // The tabs' clocks, like the servers', jump a minute only when a test moves them.
  await context.clock.install();
  tabs = [await openTab(), await openTab()];
  await tabs[0]!.evaluate(() => app.signIn());
  await until(() => tabs[1]!.evaluate(async () => (await app.auth.getTokens()) !== null));
}
async function stop() {
  await context?.close();
  await rig?.close();
}

/** The servers' clock and every tab's move on together. */
async function advance(ms: number) {
  rig.advance(ms);
  await context.clock.fastForward(ms);
}

const burst = (tab: Page, apis?: Api[]) => tab.evaluate(([n, only]) => app.burst(n, only), [BURST, apis] as const);
const byApi = <T>(value: (api: Api) => T) => Object.fromEntries(APIS.map((api) => [api, value(api)])) as Record<Api, T>;
/** Tokens each API's grant issued since the `from`th token request. */
const requested = (from = 0) => byApi((api) => rig.tokenRequests.slice(from).filter((request) => request.grant === 'refresh_token' && request.status === 200 && request.api === api).length);
/** How many different tokens the calls (GETs) to `api` carried, and from how many tabs. */
function seen(calls: ApiCall[], api: Api) {
  const to = calls.filter((call) => call.method === 'GET' && call.api === api);
  return { tokens: new Set(to.map(({ token }) => token)).size, tabs: new Set(to.map(({ call }) => call?.split(':')[0])).size };
}

describe('two tabs, one sign-in, bursts at the home API and two resource servers across their expiries', () => {
  const MINUTES = 9;
  /** What each minute's step (a burst from both tabs at every API at once) did. */
  const steps: Array<{ results: unknown[]; requested: Record<Api, number>; seen: Record<Api, ReturnType<typeof seen>> }> = [];

  // One run, several questions asked of it. Minute 0 bursts at once; each later minute first
  // moves every clock a minute, then bursts.
  beforeAll(async () => {
    await start();
    for (let minute = 0; minute <= MINUTES; minute++) {
      if (minute > 0) await advance(MINUTE);
      const [requests, calls] = [rig.tokenRequests.length, rig.calls.length];
      const results = await Promise.all(tabs.map((tab) => burst(tab)));
      steps.push({ results, requested: requested(requests), seen: byApi((api) => seen(rig.calls.slice(calls), api)) });
    }
  });
  afterAll(stop);

  /** Whether `api`'s token is due at `minute`: the resources' first tokens at 0, then each at the end of its lifetime. */
  const due = (api: Api, minute: number) => Number(minute === 0 ? api !== 'home' : (minute * MINUTE) % (TTL[api] * 1000) === 0);

  test('every call of both tabs succeeds', () => {
    expect(steps.map(({ results }) => results)).toEqual(steps.map(() => tabs.map(() => ({ ok: APIS.length * BURST, failed: [] }))));
  });

  test("each API's token is requested once per expiry across both tabs, not once per tab", () => {
    const expected = steps.map((_, minute) => byApi((api) => due(api, minute)));
    expect(steps.map((step) => step.requested)).toEqual(expected);
    // Each token through three expiries at least, and all three at once at minute 6.
    expect(APIS.map((api) => expected.filter((minute) => minute[api]).length)).toEqual([9, 5, 4]);
  });

  test('at every step both tabs send each API the one token it has then', () => {
    expect(steps.map((step) => step.seen)).toEqual(steps.map(() => byApi(() => ({ tokens: 1, tabs: 2 }))));
  });

  test('token requests take turns across the tabs: each presents the refresh token the one before it left, none a spent one', () => {
    const [signIn, ...refreshes] = rig.tokenRequests;
    expect(signIn?.grant).toBe('sign-in');
    expect(refreshes.map(({ presented }) => presented)).toEqual(rig.tokenRequests.slice(0, -1).map(({ issued }) => issued?.refreshToken));
    expect(refreshes.filter(({ status }) => status !== 200)).toEqual([]);
    expect(rig.reuses).toBe(0);
  });

  test("each resource's token is asked for with its own resource and scope, the home API's with neither", () => {
    const asked = new Set(rig.tokenRequests.filter(({ grant }) => grant === 'refresh_token').map(({ api, resource, scope }) => `${api} ${resource} ${scope}`));
    expect([...asked].sort()).toEqual([`billing ${rig.origins.billing} invoices`, 'files urn:files files:read', 'home undefined undefined']);
  });

  test('no API answers 401: every token is fetched before the call that needs it', () => {
    expect(rig.calls.filter(({ status }) => status === 401)).toEqual([]);
  });

  test("no token reaches a server it is not for: not another resource's, not the session's own", () => {
    const sent = rig.calls.filter(({ method }) => method === 'GET');
    expect(sent.length).toBeGreaterThan(0);
    // Every call carried a token this rig issued for the API it reached (none went without one).
    expect(sent.filter(({ api, audience }) => audience !== api)).toEqual([]);
    // Preflights carry no token at all.
    expect(rig.calls.filter(({ method, token }) => method === 'OPTIONS' && token !== undefined)).toEqual([]);
  });
});

describe('one tab fetches while the other waits for the lock', () => {
  beforeEach(async () => {
    await start();
    // Both tabs hold a token for every API; two minutes later home's and billing's have ended.
    await Promise.all(tabs.map((tab) => burst(tab)));
    await advance(2 * MINUTE);
  });
  afterEach(stop);

  /** Resolves once `n` requests (any tab's) wait for the library's Web Lock. */
  const queued = (tab: Page, n = 1) => until(async () => (await tab.evaluate(async () => ((await navigator.locks.query()).pending ?? []).length)) >= n);
  /** The session's own access token in `tab` now. */
  const sessionToken = (tab: Page) => tab.evaluate(async () => (await app.auth.getTokens())?.accessToken);
  /**
   * Asks for the library's Web Lock in `tab`, queued like a tab's token request; resolves with
   * a function that lets it go once it has been granted.
   */
  async function lockHolder(tab: Page) {
    await tab.evaluate(() => {
      const page = window as unknown as { letGo?: () => void };
      void navigator.locks.request('axios-auth-interceptor', () => new Promise<void>((resolve) => (page.letGo = resolve)));
    });
    return async () => {
      await until(() => tab.evaluate(() => typeof (window as unknown as { letGo?: () => void }).letGo === 'function'));
      await tab.evaluate(() => (window as unknown as { letGo(): void }).letGo());
    };
  }

  test("a tab needing a resource's token while the other tab fetches it takes that one: one token request between them", async () => {
    const [first, second] = [tabs[0]!, tabs[1]!];
    const before = [rig.tokenRequests.length, rig.calls.length];
    const hold = rig.hold();
    const fetching = burst(first, ['billing']);
    await hold.arrived;
    const waiting = burst(second, ['billing']);
    await queued(second);
    hold.release();

    expect(await Promise.all([fetching, waiting])).toEqual(tabs.map(() => ({ ok: BURST, failed: [] })));
    expect(requested(before[0])).toEqual({ home: 0, billing: 1, files: 0 });
    expect(seen(rig.calls.slice(before[1]), 'billing')).toEqual({ tokens: 1, tabs: 2 });
    expect(rig.calls.filter(({ status }) => status === 401)).toEqual([]);
  });

  test("a tab whose resource's token request waited behind the other tab's refresh of the session's token gets that resource's token, and both tabs use it", async () => {
    const [first, second] = [tabs[0]!, tabs[1]!];
    const before = [rig.tokenRequests.length, rig.calls.length];
    // The first tab refreshes the session's token; the second, needing billing's, waits behind it.
    const hold = rig.hold();
    const home = burst(first, ['home']);
    await hold.arrived;
    const billing = burst(second, ['billing']);
    await queued(second);
    hold.release();
    expect(await Promise.all([home, billing])).toEqual(tabs.map(() => ({ ok: BURST, failed: [] })));

    // Then each tab calls billing again: the token the second tab fetched serves both.
    expect(await burst(first, ['billing'])).toEqual({ ok: BURST, failed: [] });
    expect(await burst(second, ['billing'])).toEqual({ ok: BURST, failed: [] });
    expect(requested(before[0])).toEqual({ home: 1, billing: 1, files: 0 });
    expect(seen(rig.calls.slice(before[1]), 'billing')).toEqual({ tokens: 1, tabs: 2 });
    expect(rig.reuses).toBe(0);
  });

  test("a tab that took the other tab's new session token before fetching a resource's token stores it for both tabs: one request, no failed call", async () => {
    const [first, second] = [tabs[0]!, tabs[1]!];
    const before = [rig.tokenRequests.length, rig.calls.length];
    const hold = rig.hold();
    const home = burst(first, ['home']);
    await hold.arrived;
    // The second tab's billing request queues behind a holder that lets go only once that tab
    // has taken the first tab's new session token: the order the race above may also take.
    const letGo = await lockHolder(first);
    await queued(second, 1);
    const billing = burst(second, ['billing']);
    await queued(second, 2);
    hold.release();
    await home;
    await until(async () => (await sessionToken(second)) === (await sessionToken(first)));
    await letGo();

    expect(await billing).toEqual({ ok: BURST, failed: [] });
    expect(await burst(first, ['billing'])).toEqual({ ok: BURST, failed: [] });
    expect(await burst(second, ['billing'])).toEqual({ ok: BURST, failed: [] });
    expect(requested(before[0])).toEqual({ home: 1, billing: 1, files: 0 });
    expect(seen(rig.calls.slice(before[1]), 'billing')).toEqual({ tokens: 1, tabs: 2 });
  });
});
