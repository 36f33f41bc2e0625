import axios, { AxiosError, type AxiosAdapter, type AxiosResponse } from 'axios';
import fc from 'fast-check';
import { createAuthInterceptor, isAuthError } from '../../src';

interface Call {
  abort: boolean;
}

/**
 * fast-check's scheduler decides the order of every response, refresh, expiry, abort and call
 * start. Whatever the order, the invariants below must hold.
 */
test('random interleavings of calls, expiries, refresh failures and aborts', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(fc.record({ abort: fc.boolean() }), { minLength: 1, maxLength: 8 }),
      fc.array(fc.boolean(), { maxLength: 4 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 1, max: 2 }),
      async (s, calls: Call[], refreshFails, expiries, maxRetries) => {
        let valid = 'at-1';
        let known = 'at-1';
        let issued = 1;
        let running = 0;
        let mostRunning = 0;
        let refreshes = 0;
        let aRefreshFailed = false;
        const stale: string[] = [];
        const sends = calls.map(() => 0);

        const adapter: AxiosAdapter = async (config) => {
          const id = config.params.id as number;
          const auth = config.headers.Authorization;
          sends[id]!++;
          if (auth !== `Bearer ${known}`) stale.push(`call ${id} sent with ${String(auth)} while ${known} was known`);
          await s.schedule(Promise.resolve(), `response to call ${id}`);
          const status = auth === `Bearer ${valid}` ? 200 : 401;
          const response: AxiosResponse = { data: id, status, statusText: '', headers: {}, config, request: {} };
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
              valid = `at-${++issued}`;
              return { accessToken: valid };
            } finally {
              running--;
            }
          },
          onRefreshed: (tokens) => {
            known = tokens.accessToken;
          },
        });
        await auth.setTokens({ accessToken: 'at-1' });

        for (let e = 0; e < expiries; e++) {
          void s.schedule(Promise.resolve(), `expiry ${e}`).then(() => {
            valid = 'revoked';
          });
        }
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

        expect(outcomes.every((outcome) => outcome !== undefined)).toBe(true); // every call settles
        expect(mostRunning).toBeLessThanOrEqual(1); // one refresh at a time
        expect(stale).toEqual([]); // never a token older than the newest known
        outcomes.forEach((outcome, id) => {
          if (outcome!.ok) return;
          const error = outcome!.error;
          // Every failure has a cause the caller asked for or could not avoid.
          if (axios.isCancel(error)) expect(calls[id]!.abort).toBe(true);
          else if (isAuthError(error)) expect([error.code, aRefreshFailed]).toEqual(['ERR_REFRESH_FAILED', true]);
          else {
            expect(axios.isAxiosError(error) && error.response?.status).toBe(401);
            expect(sends[id]).toBe(maxRetries + 1);
          }
        });
      },
    ),
    { numRuns: 300 },
  );
});

/**
 * The same invariants with time in play: tokens that expire by the server's clock, a server clock
 * up to an hour off ours, refreshes before expiry, and revocations.
 */
test('random interleavings with expiring tokens, clock skew and refresh before expiry', async () => {
  const MIN = 60_000;
  await fc.assert(
    fc.asyncProperty(
      fc.scheduler(),
      fc.array(fc.record({ abort: fc.boolean() }), { minLength: 1, maxLength: 6 }),
      fc.array(fc.boolean(), { maxLength: 4 }),
      fc.constantFrom(-60 * MIN, 0, 60 * MIN),
      fc.array(fc.constantFrom('tick', 'revoke'), { maxLength: 4 }),
      async (s, calls: Call[], refreshFails, serverOffset, events) => {
        let clock = Date.UTC(2026, 0, 1);
        jest.spyOn(Date, 'now').mockImplementation(() => clock);
        const serverNow = () => clock + serverOffset;
        const issue = (n: number) => {
          const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
          return { token: `${part({})}.${part({ sub: n, iat: Math.floor(serverNow() / 1000), exp: Math.floor((serverNow() + 10 * MIN) / 1000) })}.x`, exp: serverNow() + 10 * MIN };
        };
        let valid = issue(1);
        let known = valid.token;
        let issued = 1;
        let running = 0;
        let mostRunning = 0;
        let refreshes = 0;
        let aRefreshFailed = false;
        const stale: string[] = [];
        const sends = calls.map(() => 0);

        const adapter: AxiosAdapter = async (config) => {
          const id = config.params.id as number;
          const auth = config.headers.Authorization;
          sends[id]!++;
          if (auth !== `Bearer ${known}`) stale.push(`call ${id} sent with an older token`);
          await s.schedule(Promise.resolve(), `response to call ${id}`);
          const accepted = auth === `Bearer ${valid.token}` && valid.exp > serverNow();
          const response: AxiosResponse = { data: id, status: accepted ? 200 : 401, statusText: '', headers: { date: new Date(serverNow()).toUTCString() }, config, request: {} };
          if (!accepted) throw new AxiosError('Unauthorized', AxiosError.ERR_BAD_REQUEST, config, {}, response);
          return response;
        };
        const instance = axios.create({ adapter });
        const auth = createAuthInterceptor(instance, {
          refresh: async () => {
            const n = refreshes++;
            mostRunning = Math.max(mostRunning, ++running);
            try {
              await s.schedule(Promise.resolve(), `refresh ${n}`);
              if (refreshFails[n]) {
                aRefreshFailed = true;
                throw new Error('refused');
              }
              valid = issue(++issued);
              return { accessToken: valid.token };
            } finally {
              running--;
            }
          },
          onRefreshed: (tokens) => {
            known = tokens.accessToken;
          },
        });
        await auth.setTokens({ accessToken: valid.token });

        events.forEach((event, e) => {
          void s.schedule(Promise.resolve(), `${event} ${e}`).then(() => {
            if (event === 'tick') clock += 6 * MIN;
            else valid = { token: 'revoked', exp: 0 };
          });
        });
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
        // Refreshes are caused by calls: never more than one per send, so nothing loops.
        expect(refreshes).toBeLessThanOrEqual(sends.reduce((a, b) => a + b, 0) + calls.length);
        outcomes.forEach((outcome, id) => {
          if (outcome!.ok) return;
          const error = outcome!.error;
          if (axios.isCancel(error)) expect(calls[id]!.abort).toBe(true);
          else if (isAuthError(error)) expect([error.code, aRefreshFailed]).toEqual(['ERR_REFRESH_FAILED', true]);
          else {
            expect(axios.isAxiosError(error) && error.response?.status).toBe(401);
            expect(sends[id]).toBe(2); // the default maxRetries of 1 was used up
          }
        });
        jest.restoreAllMocks();
      },
    ),
    { numRuns: 300 },
  );
});
