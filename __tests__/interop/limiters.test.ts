import axios, { getAdapter, type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import { ConcurrencyManager } from 'axios-concurrency';
import rateLimit from 'axios-rate-limit';
import { createAuthInterceptor, isAuthError } from '../../src';
import { flush, settle } from '../helpers/deferred';
import { startInteropServer, refreshThrough, type ApiRequest, type InteropServer } from '../helpers/interopServer';

// Both limiters gate a call in a request interceptor and free its slot in a response
// interceptor. The recommended set-up refreshes through a separate, unlimited instance; the
// README's recipe (the same instance with skipAuth) is characterised at the end: those two tests
// pin today's behaviour, so the docs can describe it; change them with that behaviour.

let server: InteropServer;
beforeAll(async () => {
  server = await startInteropServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const CALLS = 40;
const LIMIT = 5;
const RATE = { maxRequests: 10, perMilliseconds: 150 };

/** Numbers each slot the rate limiter grants: registered before it, so it runs right after it. */
function numberSlots(api: AxiosInstance) {
  let granted = 0;
  api.interceptors.request.use((config) => {
    config.headers.set('x-slot', String(++granted));
    return config;
  });
  return () => granted;
}

/**
 * The limiter's clock under the test's control: only `setTimeout` is faked, so the limiter's
 * windows end when the test says, while sockets, `setImmediate` and promises run for real.
 */
function fakeTheLimitersClock() {
  jest.useFakeTimers({
    doNotFake: ['Date', 'hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval'],
  });
}
afterEach(() => jest.useRealTimers());

/** Signs in on `api`, expires the token on the server, then starts the calls at once. */
async function startStorm(api: AxiosInstance, { refreshVia = axios.create({ baseURL: server.url }), refreshTimeout = 30_000 } = {}) {
  const refresh = refreshThrough(refreshVia);
  const auth = createAuthInterceptor(api, { refresh, refreshTimeout });
  await auth.setTokens(server.signIn());
  server.expire();
  const calls = Array.from({ length: CALLS }, (_, i) => settle(api.get(`/api/items/${i}`)));
  return { refresh, calls };
}

/** `startStorm`, then waits for every call to settle. */
async function storm(api: AxiosInstance, options: Parameters<typeof startStorm>[1] = {}) {
  const { refresh, calls } = await startStorm(api, options);
  return { refresh, outcomes: await Promise.all(calls) };
}

/**
 * Resolves once `condition` holds, checked after each turn of the event loop (sockets move, the
 * faked timers do not). A state never reached fails here after 10 s, naming what it waited for.
 */
async function reached(what: string, condition: () => boolean) {
  const since = performance.now();
  while (!condition()) {
    if (performance.now() - since > 10_000) throw new Error(`Never reached: ${what}`);
    await flush();
  }
}

const codes = (outcomes: Array<{ ok: boolean; error?: unknown }>) =>
  outcomes.map((o) => (o.ok ? 'ok' : isAuthError(o.error) ? o.error.code : 'other')).reduce<Record<string, number>>((tally, code) => ({ ...tally, [code]: (tally[code] ?? 0) + 1 }), {});

test(`axios-concurrency (${LIMIT}), refreshing through a separate instance: ${CALLS} calls across an expiry all succeed with one refresh, never more than ${LIMIT} at the server at once`, async () => {
  const api = axios.create({ baseURL: server.url, adapter: 'http' });
  ConcurrencyManager(api, LIMIT);
  server.latencyMs = 5;
  const { refresh, outcomes } = await storm(api);
  expect(codes(outcomes)).toEqual({ ok: CALLS });
  expect(refresh).toHaveBeenCalledTimes(1);
  expect(server.maxInFlight).toBeLessThanOrEqual(LIMIT);
});

test(`axios-rate-limit (${RATE.maxRequests} per ${RATE.perMilliseconds} ms), refreshing through a separate instance: ${CALLS} calls across an expiry all succeed with one refresh; the limiter lets ${RATE.maxRequests} calls out per window and no more before the window ends, and a call refused with 401 is replayed once on its own slot`, async () => {
  fakeTheLimitersClock();
  const api = axios.create({ baseURL: server.url, adapter: 'http' });
  const granted = numberSlots(api);
  const queue = rateLimit(api, RATE).getQueue() as unknown[]; // the limiter's own array of waiting calls
  const { refresh, calls } = await startStorm(api);
  let settled = 0;
  const outcomes = Promise.all(calls.map((call) => call.finally(() => settled++)));
  await reached('every call waits for a slot', () => queue.length === CALLS); // before the first window opens

  const perWindow: number[] = [];
  let counted = 0;
  await jest.advanceTimersByTimeAsync(0); // the limiter starts its queue from a 0 ms timer
  while (settled < CALLS) {
    await flush(); // a window's slots are granted in promise callbacks
    perWindow.push(granted() - counted);
    counted = granted();
    await reached('every call let out has its answer', () => settled === granted()); // nothing moves until the window ends
    await jest.advanceTimersByTimeAsync(RATE.perMilliseconds - 1);
    await flush();
    expect(granted()).toBe(counted); // no slot before the window has passed
    await jest.advanceTimersByTimeAsync(1);
  }

  expect(perWindow).toEqual(Array(CALLS / RATE.maxRequests).fill(RATE.maxRequests));
  expect(codes(await outcomes)).toEqual({ ok: CALLS });
  expect(refresh).toHaveBeenCalledTimes(1);
  // A per-window limiter counts calls, not requests: the replay after the refresh is the call's
  // second request, sent on the slot it already holds (docs/recipes.md, "Limiters and queues").
  const bySlot = new Map<string | undefined, ApiRequest[]>();
  for (const request of server.api) bySlot.set(request.slot, [...(bySlot.get(request.slot) ?? []), request]);
  expect(bySlot.has(undefined)).toBe(false);
  for (const requests of bySlot.values()) {
    expect(requests.map((r) => r.status)).toEqual(requests.length === 1 ? [200] : [401, 200]);
  }
});

describe("the README's recipe next to a limiter: refresh through the same limited instance with skipAuth", () => {
  test(`axios-concurrency: the refresh queues behind the calls that hold every slot while they wait for it, so all ${CALLS} fail with ERR_REFRESH_TIMEOUT and no refresh reaches the server`, async () => {
    const api = axios.create({ baseURL: server.url, adapter: 'http' });
    ConcurrencyManager(api, LIMIT);
    const { outcomes } = await storm(api, { refreshVia: api, refreshTimeout: 100 });
    expect(codes(outcomes)).toEqual({ ERR_REFRESH_TIMEOUT: CALLS });
    expect(server.refreshes).toBe(0);
  });

  test(`axios-rate-limit: the refresh waits for a slot behind the storm longer than refreshTimeout, so all ${CALLS} fail with ERR_REFRESH_TIMEOUT and no refresh reaches the server`, async () => {
    fakeTheLimitersClock();
    // Counts the requests on their way, so the test moves the clock only once every answer is in.
    const http = getAdapter('http');
    let onTheirWay = 0;
    const adapter = (config: InternalAxiosRequestConfig) => {
      onTheirWay++;
      return http(config).finally(() => onTheirWay--);
    };
    const api = axios.create({ baseURL: server.url, adapter });
    rateLimit(api, RATE);
    const { refresh, calls } = await startStorm(api, { refreshVia: api, refreshTimeout: 100 });
    let settled = 0;
    const outcomes = Promise.all(calls.map((call) => call.finally(() => settled++)));

    // From one timer to the next (the limiter's windows, each refresh's timeout), in the order of
    // the faked clock; between two, every request let out is answered and its answer handled.
    const quiet = async () => {
      await flush();
      await reached('every request let out is answered', () => onTheirWay === 0);
      await flush();
    };
    await quiet();
    while (settled < CALLS) {
      if (jest.getTimerCount() === 0) throw new Error(`${CALLS - settled} calls wait, and no timer will ever move them`);
      await jest.advanceTimersToNextTimerAsync();
      await quiet();
    }

    expect(codes(await outcomes)).toEqual({ ERR_REFRESH_TIMEOUT: CALLS });
    expect(refresh).toHaveBeenCalled();
    expect(server.refreshes).toBe(0);
  });
});
