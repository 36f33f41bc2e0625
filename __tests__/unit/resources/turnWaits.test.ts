import type { AuthTokens, RefreshContext } from '../../../src';
import { flush, settle } from '../../helpers/deferred';
import { BILLING, FILES, grantServer, setUp, signIn } from '../../helpers/resourceApi';

beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
afterEach(() => jest.useRealTimers());

describe('time spent waiting for a turn', () => {
  test('a healthy auth server that answers each token request in 0.4 × refreshTimeout: the first calls to two resources both succeed', async () => {
    const server = grantServer();
    // Each token request takes 400 ms at the auth server, well within refreshTimeout (1 s).
    const refresh = async (tokens: AuthTokens | null, context: RefreshContext) => {
      await new Promise((resolve) => setTimeout(resolve, 400));
      return server.refresh(tokens, context);
    };
    const { instance, auth, expireAll } = setUp(server, { refresh, refreshTimeout: 1_000 });
    await auth.setTokens(signIn);
    for (let i = 0; i < 4; i++) await flush();
    expireAll();

    // A page that loads three things at once: its own API (401: the session's refresh), billing and files (their first tokens).
    const calls = [settle(instance.get('/me')), settle(instance.get(`${BILLING}/a`)), settle(instance.get(`${FILES}/b`))];
    for (let i = 0; i < 10; i++) {
      await jest.advanceTimersByTimeAsync(200);
      await flush();
    }
    const outcomes = await Promise.all(calls);

    expect(outcomes.map((outcome) => (outcome.ok ? 'ok' : (outcome.error as { code?: string }).code))).toEqual(['ok', 'ok', 'ok']);
  });
});
