import axios, { AxiosError, type AxiosAdapter, type AxiosResponse } from 'axios';
import fc from 'fast-check';
import { createAuthInterceptor, isAuthError } from '../../src';

interface Call {
  abort: boolean;
}

/** The API the calls meet: which token it accepts now, and how a refresh makes a new one. */
interface World {
  initial: string;
  accepts(authorization: unknown): boolean;
  /** Issues a new access token and makes it the one accepted. */
  issue(): string;
  /** Headers every response carries, such as the server's `Date`. */
  headers(): Record<string, string>;
  /** Things that happen to the world at moments the scheduler picks: expiries, clock ticks. */
  events: Array<() => void>;
}

/**
 * fast-check's scheduler decides the order of every response, refresh, event, abort and call
 * start. Whatever the order: every call settles, at most one refresh runs at a time, no call is
 * sent with a token older than the newest one known, and every failure has a cause the caller
 * asked for (an abort) or could not avoid (a failed refresh, or replays used up).
 */
async function checkInterleaving(s: fc.Scheduler, world: World, calls: Call[], refreshFails: boolean[], maxRetries: number) {
  let known = world.initial;
  let running = 0;
  let mostRunning = 0;
  let refreshes = 0;
  let aRefreshFailed = false;
  const stale: string[] = [];
  const sends = calls.map(() => 0);

  const adapter: AxiosAdapter = async (config) => {
    const id = config.params.id as number;
    const authorization = config.headers.Authorization;
    sends[id]!++;
    if (authorization !== `Bearer ${known}`) stale.push(`call ${id} sent with an older token than the newest known`);
    await s.schedule(Promise.resolve(), `response to call ${id}`);
    const status = world.accepts(authorization) ? 200 : 401;
    const response: AxiosResponse = { data: id, status, statusText: '', headers: world.headers(), config, request: {} };
    if (status === 401) throw new AxiosError('Unauthorized', AxiosError.ERR_BAD_REQUEST, config, {}, response);
    return response;
  };
  const instance = axios.create({ adapter });
  const auth = createAuthInterceptor(instance, {
    maxRetries,
    refresh: async () => {
      const n = refreshes++;
      mostRunning = Math.max(mostRunning, ++running);
      try {
        await s.schedule(Promise.resolve(), `refresh ${n}`);
        if (refreshFails[n]) {
          aRefreshFailed = true;
          throw new Error('refused');
        }
        return { accessToken: world.issue() };
      } finally {
        running--;
      }
    },
    onRefreshed: (tokens) => {
      known = tokens.accessToken;
    },
  });
  await auth.setTokens({ accessToken: world.initial });

  world.events.forEach((event, e) => void s.schedule(Promise.resolve(), `event ${e}`).then(event));
  const outcomes: Array<{ ok: boolean; error?: unknown } | undefined> = calls.map(() => undefined);
  calls.forEach((call, id) => {
    const controller = new AbortController();
    void s.schedule(Promise.resolve(), `start call ${id}`).then(() =>
      instance.get('/', { params: { id }, signal: controller.signal }).then(
        () => (outcomes[id] = { ok: true }),
        (error: unknown) => (outcomes[id] = { ok: false, error }),
      ),
    );
    if (call.abort) void s.schedule(Promise.resolve(), `abort call ${id}`).then(() => controller.abort());
  });

  await s.waitIdle();

  expect(outcomes.every((outcome) => outcome !== undefined)).toBe(true);
  expect(mostRunning).toBeLessThanOrEqual(1);
  expect(stale).toEqual([]);
  // Refreshes are caused by calls, never more than one per send: nothing loops.
  expect(refreshes).toBeLessThanOrEqual(sends.reduce((a, b) => a + b, 0) + calls.length);
  outcomes.forEach((outcome, id) => {
    if (outcome!.ok) return;
    const error = outcome!.error;
    if (axios.isCancel(error)) expect(calls[id]!.abort).toBe(true);
    else if (isAuthError(error)) expect([error.code, aRefreshFailed]).toEqual(['ERR_REFRESH_FAILED', true]);
    else {
      expect(axios.isAxiosError(error) && error.response?.status).toBe(401);
      expect(sends[id]).toBe(maxRetries + 1);
    }
  });
}

const callsArb = (max: number) => fc.array(fc.record({ abort: fc.boolean() }), { minLength: 1, maxLength: max });
const refreshFailsArb = fc.array(fc.boolean(), { maxLength: 4 });

test('random interleavings of calls, revocations, refresh failures and aborts', async () => {
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), callsArb(8), refreshFailsArb, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 2 }), async (s, calls, refreshFails, revocations, maxRetries) => {
      let valid = 'at-1';
      let issued = 1;
      const world: World = {
        initial: valid,
        accepts: (authorization) => authorization === `Bearer ${valid}`,
        issue: () => (valid = `at-${++issued}`),
        headers: () => ({}),
        events: Array.from({ length: revocations }, () => () => (valid = 'revoked')),
      };
      await checkInterleaving(s, world, calls, refreshFails, maxRetries);
    }),
    { numRuns: 300 },
  );
});

test('random interleavings with expiring tokens, clock skew and refresh before expiry', async () => {
  const MIN = 60_000;
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      callsArb(6),
      refreshFailsArb,
      fc.constantFrom(-60 * MIN, 0, 60 * MIN),
      fc.array(fc.constantFrom('tick', 'revoke'), { maxLength: 4 }),
      async (s, calls, refreshFails, serverOffset, events) => {
        let clock = Date.UTC(2026, 0, 1);
        jest.spyOn(Date, 'now').mockImplementation(() => clock);
        const serverNow = () => clock + serverOffset;
        let issued = 0;
        let valid = { token: '', exp: 0 };
        const issue = () => {
          const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
          const claims = { sub: ++issued, iat: Math.floor(serverNow() / 1000), exp: Math.floor((serverNow() + 10 * MIN) / 1000) };
          valid = { token: `${part({})}.${part(claims)}.x`, exp: serverNow() + 10 * MIN };
          return valid.token;
        };
        const world: World = {
          initial: issue(),
          accepts: (authorization) => authorization === `Bearer ${valid.token}` && valid.exp > serverNow(),
          issue,
          headers: () => ({ date: new Date(serverNow()).toUTCString() }),
          events: events.map((event) => (event === 'tick' ? () => (clock += 6 * MIN) : () => (valid = { token: 'revoked', exp: 0 }))),
        };
        await checkInterleaving(s, world, calls, refreshFails, 1);
        jest.restoreAllMocks();
      },
    ),
    { numRuns: 300 },
  );
});
