import { flush, settle } from '../../helpers/deferred';
import { BILLING, FILES, grantServer, setUp, signIn } from '../../helpers/resourceApi';

beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
afterEach(() => jest.useRealTimers());

describe('a token request that outlives refreshTimeout', () => {
  test("the next resource's request neither runs beside it nor presents the refresh token it is spending; its late answer does not end the session", async () => {
    const server = grantServer();
    server.held = [];
    const { instance, auth, failures } = setUp(server, { refreshTimeout: 1_000 });
    await auth.setTokens(signIn);

    const billing = settle(instance.get(`${BILLING}/a`));
    await flush();
    expect(server.held).toHaveLength(1); // billing's request, presenting rt-0, is at the server
    await jest.advanceTimersByTimeAsync(1_000); // and outlives refreshTimeout
    expect(await billing).toMatchObject({ ok: false, error: { code: 'ERR_REFRESH_TIMEOUT' } });

    const files = settle(instance.get(`${FILES}/b`));
    await flush();
    await flush();
    // Guarantee 2: never two token requests at once, never a spent refresh token presented.
    const presentedWhileLate = server.requests.slice(1).map(({ presented }) => presented);

    server.held[0]!.resolve(); // the late answer: rt-0 is spent, rt-1 is live
    await flush();
    server.held[1]?.resolve();
    await flush();
    await jest.advanceTimersByTimeAsync(1_000);
    server.held.forEach((gate) => gate.resolve());
    await jest.advanceTimersByTimeAsync(1_000);
    const outcome = await files;

    // The late answer's rt-1 is live and in hand: the session must not end.
    expect(failures.map((failure) => (failure as { code: string }).code)).toEqual(['ERR_REFRESH_TIMEOUT']);
    expect(await auth.getTokens()).toMatchObject({ refreshToken: server.live });
    expect(outcome.ok).toBe(true);
    // And guarantee 2 as stated: no second request beside the late one, no spent token presented.
    expect({ mostAtOnce: server.mostAtOnce, presentedWhileLate, reuse: server.reuse }).toEqual({ mostAtOnce: 1, presentedWhileLate: [], reuse: 0 });
  });

  test("the session's own refresh that timed out: a resource's request after it does not present the refresh token it spent", async () => {
    const server = grantServer();
    const { instance, auth, failures, expireAll } = setUp(server, { refreshTimeout: 1_000 });
    await auth.setTokens(signIn);
    await instance.get(`${BILLING}/warm`); // rt-0 -> rt-1
    server.held = [];
    expireAll();

    const home = settle(instance.get('/me')); // 401: the session's own refresh, presenting rt-1
    await flush();
    await flush();
    expect(server.held).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1_000);
    await home;

    const billing = settle(instance.get(`${BILLING}/b`)); // 401: billing's refresh
    for (let i = 0; i < 4; i++) await flush();
    server.held.forEach((gate) => gate.resolve());
    for (let i = 0; i < 4; i++) await flush();
    server.held.forEach((gate) => gate.resolve());
    await jest.advanceTimersByTimeAsync(2_000);
    server.held.forEach((gate) => gate.resolve());
    await jest.advanceTimersByTimeAsync(2_000);
    await billing;

    // The home refresh's late answer holds the live refresh token: the session must not end.
    expect(failures.map((failure) => (failure as { code: string }).code)).toEqual(['ERR_REFRESH_TIMEOUT']);
    expect(await auth.getTokens()).toMatchObject({ refreshToken: server.live });
    expect((await billing).ok).toBe(true);
    expect({ mostAtOnce: server.mostAtOnce, reuse: server.reuse }).toEqual({ mostAtOnce: 1, reuse: 0 });
  });
});
