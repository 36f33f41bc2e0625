import type { AuthTokens } from '../../../src';
import { flush, settle } from '../../helpers/deferred';
import { BILLING, grantServer, setUp, signIn } from '../../helpers/resourceApi';

beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
afterEach(() => jest.useRealTimers());

/**
 * The core fails a refresh at once, naming skipAuth, when `refresh` synchronously calls the
 * instance the session guards (unit/refreshFlight.test.ts); with `resources` too, whether the
 * call goes to the session's own origin or to a resource's.
 */
describe('a refresh that synchronously calls the guarded instance without skipAuth, with resources', () => {
  test.each([
    ['without resources', { resources: undefined }],
    ['with resources', {}],
  ])("the session's own refresh fails at once naming skipAuth: %s", async (_, extra) => {
    const server = grantServer();
    let setup!: ReturnType<typeof setUp>;
    const refresh = jest.fn(async (_tokens: AuthTokens | null): Promise<AuthTokens> => (await setup.instance.post('/auth/refresh')).data);
    setup = setUp(server, { refresh, refreshTimeout: 30_000, ...extra });
    setup.mock.onPost('/auth/refresh').reply(200, { accessToken: 'at-9', refreshToken: 'rt-9' });
    await setup.auth.setTokens(signIn);
    for (let i = 0; i < 4; i++) await flush();

    const outcome = settle(setup.auth.refresh());
    for (let i = 0; i < 10; i++) await flush(); // no time passes
    const result = await Promise.race([outcome, Promise.resolve('still waiting' as const)]);
    await jest.advanceTimersByTimeAsync(60_000);
    // after the wait: ERR_REFRESH_TIMEOUT, 30 s later
    expect(await outcome).toMatchObject({ ok: false });

    expect(result).toMatchObject({ ok: false, error: { code: 'ERR_REFRESH_FAILED', message: expect.stringContaining('skipAuth: true') } });
  });

  test("a resource's refresh that calls the resource through the guarded instance fails at once naming skipAuth", async () => {
    const server = grantServer();
    let setup!: ReturnType<typeof setUp>;
    const refresh = jest.fn(async (tokens: AuthTokens | null, context: { resource?: string }): Promise<AuthTokens> => {
      if (context.resource) return (await setup.instance.post(`${BILLING}/token`)).data;
      return server.refresh(tokens, context as never);
    });
    setup = setUp(server, { refresh, refreshTimeout: 30_000 });
    setup.mock.onPost(`${BILLING}/token`).reply(200, { accessToken: 'at-9' });
    await setup.auth.setTokens(signIn);
    for (let i = 0; i < 4; i++) await flush();

    const outcome = settle(setup.instance.get(`${BILLING}/a`));
    for (let i = 0; i < 10; i++) await flush(); // no time passes
    const result = await Promise.race([outcome, Promise.resolve('still waiting' as const)]);
    await jest.advanceTimersByTimeAsync(60_000);
    // after the wait: ERR_REFRESH_TIMEOUT, 30 s later
    expect(await outcome).toMatchObject({ ok: false });

    expect(result).toMatchObject({ ok: false, error: { code: 'ERR_REFRESH_FAILED', message: expect.stringContaining('skipAuth: true') } });
  });
});
