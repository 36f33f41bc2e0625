import type { AuthTokens, TokenStorage } from '../../../src';
import { flush, settle } from '../../helpers/deferred';
import { mutexLock } from '../../helpers/tabs';
import { BILLING, FILES, grantServer, setUp, signIn } from '../../helpers/resourceApi';

beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
afterEach(() => jest.useRealTimers());

describe('a late answer, with a lock and a storage whose writes take a moment (Redis)', () => {
  test("the late answer's rotated refresh token is not swapped back, by the next request inside the lock, for the spent one storage still holds", async () => {
    const server = grantServer();
    let stored: AuthTokens | null = null;
    // A network storage: a write lands 100 ms after it is made.
    const storage: TokenStorage = {
      get: () => stored && JSON.parse(JSON.stringify(stored)),
      set: (tokens) => new Promise<void>((resolve) => setTimeout(() => ((stored = JSON.parse(JSON.stringify(tokens))), resolve()), 100)),
      clear: () => void (stored = null),
    };
    const gates: Array<{ resolve(): void }> = [];
    server.held = gates as never;
    const { instance, auth, failures } = setUp(server, { refreshTimeout: 1_000, storage, lock: mutexLock() });
    for (let i = 0; i < 4; i++) await flush(); // the resources entry has loaded: the record names the sign-in
    const signedIn = auth.setTokens(signIn);
    await jest.advanceTimersByTimeAsync(100);
    await signedIn;

    const billing = settle(instance.get(`${BILLING}/a`)); // billing's request, presenting rt-0
    for (let i = 0; i < 4; i++) await flush();
    expect(gates).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1_000); // it outlives refreshTimeout; the lock is let go
    expect(await billing).toMatchObject({ ok: false, error: { code: 'ERR_REFRESH_TIMEOUT' } });

    server.held = undefined; // the server answers at once from now on
    const files = settle(instance.get(`${FILES}/b`)); // files' request waits its turn behind the late one
    for (let i = 0; i < 4; i++) await flush();
    gates[0]!.resolve(); // the late answer: rt-0 spent, rt-1 live
    for (let i = 0; i < 10; i++) await flush();
    await jest.advanceTimersByTimeAsync(1_000);
    const outcome = await files;

    expect({ presented: server.requests.map(({ presented }) => presented), reuse: server.reuse, ok: outcome.ok, failures: failures.map((f) => (f as { code: string }).code) }).toEqual({
      presented: ['rt-0', 'rt-1'],
      reuse: 0,
      ok: true,
      failures: ['ERR_REFRESH_TIMEOUT'],
    });
  });
});
