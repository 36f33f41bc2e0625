import axios, { type AxiosInstance } from 'axios';
import { ConcurrencyManager } from 'axios-concurrency';
import rateLimit from 'axios-rate-limit';
import { createAuthInterceptor, isAuthError } from '../../src';
import { settle } from '../helpers/deferred';
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
}

/** The most requests that arrived within any stretch of `ms` milliseconds. */
function busiest(requests: ApiRequest[], ms: number): number {
  const times = requests.map((r) => r.at).sort((a, b) => a - b);
  return Math.max(...times.map((start, i) => times.slice(i).filter((t) => t < start + ms).length));
}

/** Signs in on `api`, expires the token on the server, then sends the calls at once. */
async function storm(api: AxiosInstance, { refreshVia = axios.create({ baseURL: server.url }), refreshTimeout = 30_000 } = {}) {
  const refresh = refreshThrough(refreshVia);
  const auth = createAuthInterceptor(api, { refresh, refreshTimeout });
  await auth.setTokens(server.signIn());
  server.expire();
  const outcomes = await Promise.all(Array.from({ length: CALLS }, (_, i) => settle(api.get(`/api/items/${i}`))));
  return { refresh, outcomes };
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

test(`axios-rate-limit (${RATE.maxRequests} per ${RATE.perMilliseconds} ms), refreshing through a separate instance: ${CALLS} calls across an expiry all succeed with one refresh; the limiter paces the calls, and a call refused with 401 is replayed once on its own slot`, async () => {
  const api = axios.create({ baseURL: server.url, adapter: 'http' });
  numberSlots(api);
  rateLimit(api, RATE);
  const { refresh, outcomes } = await storm(api);
  expect(codes(outcomes)).toEqual({ ok: CALLS });
  expect(refresh).toHaveBeenCalledTimes(1);
  // A per-window limiter counts calls, not requests: the replay after the refresh is the call's
  // second request, sent on the slot it already holds (docs/recipes.md, "Limiters and queues").
  const bySlot = new Map<string | undefined, ApiRequest[]>();
  for (const request of server.api) bySlot.set(request.slot, [...(bySlot.get(request.slot) ?? []), request]);
  expect(bySlot.has(undefined)).toBe(false);
  for (const requests of bySlot.values()) {
    expect(requests.map((r) => r.status)).toEqual(requests.length === 1 ? [200] : [401, 200]);
  }
  const firstSends = [...bySlot.values()].map((requests) => requests[0]!);
  // Bursts leave one window apart; half a window tolerates a loaded machine's jitter.
  expect(busiest(firstSends, RATE.perMilliseconds / 2)).toBeLessThanOrEqual(RATE.maxRequests);
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
    const api = axios.create({ baseURL: server.url, adapter: 'http' });
    rateLimit(api, RATE);
    const { outcomes } = await storm(api, { refreshVia: api, refreshTimeout: 100 });
    expect(codes(outcomes)).toEqual({ ERR_REFRESH_TIMEOUT: CALLS });
    expect(server.refreshes).toBe(0);
  });
});
