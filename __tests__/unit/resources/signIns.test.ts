import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor, type AuthTokens, type RefreshContext } from '../../../src';
import { flush, settle } from '../../helpers/deferred';
import { BILLING, grantServer, HOME, RESOURCES, setUp, signIn } from '../../helpers/resourceApi';

const userB = { accessToken: 'at-B', refreshToken: 'rt-B', expiresIn: 300 };

describe('a sign-in while a resource token request is in flight', () => {
  test("a call held for user A's first billing token is not sent with it after user B signed in", async () => {
    const server = grantServer();
    server.held = [];
    const { instance, auth, sent } = setUp(server);
    await auth.setTokens(signIn);

    const call = settle(instance.get(`${BILLING}/invoices`));
    await flush();
    expect(server.held).toHaveLength(1); // A's billing token request is at the server

    // User B signs in while it runs.
    server.audiences.set('at-B', '');
    server.owners.set('at-B', 'B');
    await auth.setTokens(userB);
    server.held[0]!.resolve(); // the server answers with a billing token of A's grant
    await call;
    await flush();

    const owners = sent.filter(({ origin }) => origin === BILLING).map(({ auth: header }) => server.owners.get(String(header).slice(7)));
    // No billing call leaves with user A's token once B is signed in.
    expect(owners).not.toContain('A');
  });

  test("the same after a sign-out: a held billing call is not sent with A's token after clearTokens()", async () => {
    const server = grantServer();
    server.held = [];
    const { instance, auth, sent } = setUp(server);
    await auth.setTokens(signIn);

    const call = settle(instance.get(`${BILLING}/invoices`));
    await flush();
    await auth.clearTokens();
    server.held[0]!.resolve();
    await call;

    expect(sent.filter(({ origin, auth: header }) => origin === BILLING && header !== undefined)).toEqual([]);
  });

  test("the session's own refresh waiting its turn behind a resource request does not spend user B's refresh token and throw away what it rotated to", async () => {
    // Two grants on one auth server: each refresh token works once, within its own grant.
    const live = new Map([['A', 'rt-0']]);
    const gates: Array<() => void> = [];
    const presented: string[] = [];
    let n = 0;
    const refresh = jest.fn(async (tokens: AuthTokens | null, context: RefreshContext): Promise<AuthTokens> => {
      presented.push(`${tokens?.refreshToken} for ${context.resource ?? 'home'}`);
      await new Promise<void>((resolve) => gates.push(resolve));
      const user = [...live].find(([, token]) => token === tokens?.refreshToken)?.[0];
      if (!user) throw Object.assign(new Error('refused'), { name: 'OAuthError', error: 'invalid_grant' });
      live.set(user, `rt-${user}${++n}`);
      return { accessToken: `at-${user}${n}-${context.resource ?? 'home'}`, refreshToken: live.get(user), expiresIn: 300 };
    });
    const instance = axios.create({ baseURL: HOME });
    const mock = new MockAdapter(instance);
    mock.onAny().reply((config) => (String(config.headers?.Authorization).includes('at-0') && !config.url!.startsWith('http') ? [401, {}] : [200, {}]));
    const auth = createAuthInterceptor(instance, { refresh, resources: RESOURCES });
    await auth.setTokens(signIn);

    const billing = settle(instance.get(`${BILLING}/a`)); // A's billing token request, held at the server
    await flush();
    const home = settle(instance.get('/me')); // 401: the session's own refresh waits for its turn
    await flush();
    await flush();
    expect(presented).toEqual(['rt-0 for https://billing.test']);

    // User B signs in meanwhile.
    live.set('B', 'rt-B');
    await auth.setTokens({ accessToken: 'at-B', refreshToken: 'rt-B', expiresIn: 300 });
    for (let i = 0; i < 6; i++) {
      gates.splice(0).forEach((open) => open());
      await flush();
    }
    await Promise.all([billing, home]);

    // The refresh that waited its turn belonged to A's session: it must not spend B's refresh token.
    expect((await auth.getTokens())?.refreshToken).toBe(live.get('B'));
  });
});
