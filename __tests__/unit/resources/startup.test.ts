import { deferred, flush, settle } from '../../helpers/deferred';
import type { RefreshLock } from '../../../src';
import { generateDPoPKeyPair } from '../../../src/dpop';
import { grantServer, setUp, signIn } from '../../helpers/resourceApi';

beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
afterEach(() => jest.useRealTimers());

describe('a refresh of the session started before the resources entry has loaded', () => {
  test('whose refresh() runs after it loaded (it waited for the lock, e.g. another tab held it) is not made to wait for itself until refreshTimeout', async () => {
    const server = grantServer();
    const gate = deferred();
    // Another tab holds the lock for a moment.
    const lock: RefreshLock = { withLock: (fn) => gate.promise.then(fn) };
    const { auth } = setUp(server, { lock, refreshTimeout: 5_000 });
    void auth.setTokens(signIn); // tokens held at once, stored a moment later
    const refreshed = settle(auth.refresh()); // the session's refresh starts now, before `resources` has loaded

    await flush(); // the resources entry loads
    await flush();
    gate.resolve(); // the lock is ours: refresh() runs now, through the shared grant
    for (let i = 0; i < 5; i++) await flush();

    // The auth server should have been asked at once...
    const askedAtOnce = server.refresh.mock.calls.length;
    await jest.advanceTimersByTimeAsync(5_000);
    // ...and the refresh should succeed, not time out waiting for its own turn.
    expect({ askedAtOnce, outcome: await refreshed }).toMatchObject({ askedAtOnce: 1, outcome: { ok: true } });
  });
});

describe('the same without a lock, with DPoP (its signer loads before refresh() is called)', () => {
  test("a refresh started right after createAuthInterceptor is not made to wait for itself", async () => {
    const dpop = await generateDPoPKeyPair();
    const server = grantServer();
    const { auth } = setUp(server, { dpop, refreshTimeout: 5_000 });
    void auth.setTokens(signIn);
    const refreshed = settle(auth.refresh());
    for (let i = 0; i < 20; i++) await flush();
    const askedAtOnce = server.refresh.mock.calls.length;
    await jest.advanceTimersByTimeAsync(5_000);
    expect({ askedAtOnce, outcome: await refreshed }).toMatchObject({ askedAtOnce: 1, outcome: { ok: true } });
  });
});
