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
