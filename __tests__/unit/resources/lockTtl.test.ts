import type { RefreshLock } from '../../../src';
import { flush, settle } from '../../helpers/deferred';
import { BILLING, FILES, grantServer, setUp, signIn } from '../../helpers/resourceApi';

beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
afterEach(() => jest.useRealTimers());

/** A lock that frees itself after `ttl` (as redisLock does); records how long each holder held it. */
function ttlLock(ttl: number) {
  let tail = Promise.resolve();
  const holds: number[] = [];
  const lock: RefreshLock = {
    ttl,
    withLock(fn) {
      const turn = tail.then(async () => {
        const from = Date.now();
        try {
          return await fn();
        } finally {
          holds.push(Date.now() - from);
        }
      });
      tail = turn.then(
        () => {},
        () => {},
      );
      return turn;
    },
  };
  return { lock, holds };
}

describe("an app's lock with a ttl (redisLock), refreshTimeout < ttl as checked", () => {
  test('no holder keeps the lock past its ttl, even when the request before it timed out and is still out', async () => {
    const server = grantServer();
    const { lock, holds } = ttlLock(1_500);
    const gates: Array<{ resolve(): void }> = [];
    server.held = gates as never;
    const { instance, auth } = setUp(server, { refreshTimeout: 1_000, lock });
    for (let i = 0; i < 4; i++) await flush();
    await auth.setTokens(signIn);

    const billing = settle(instance.get(`${BILLING}/a`)); // its token request never answers in time
    for (let i = 0; i < 4; i++) await flush();
    expect(gates).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1_000); // billing: ERR_REFRESH_TIMEOUT; the lock is let go after 1 000 ms
    expect(await billing).toMatchObject({ ok: false, error: { code: 'ERR_REFRESH_TIMEOUT' } });

    const files = settle(instance.get(`${FILES}/b`)); // files takes the lock at once, then waits inside it for billing's late answer
    for (let i = 0; i < 20; i++) {
      await jest.advanceTimersByTimeAsync(100);
      await flush();
    }
    await files;

    // With a Redis lock, the key expired after 1 500 ms: another process could take the lock and present the same refresh token.
    expect(Math.max(...holds)).toBeLessThan(lock.ttl!);
  });
});
