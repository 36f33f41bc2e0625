import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor, type AuthChallenge, type AuthTokens, type RefreshContext } from '../../../src';
import { deferred, flush, settle } from '../../helpers/deferred';
import { BILLING, HOME, RESOURCES, signIn } from '../../helpers/resourceApi';

const STEP_UP = 'Bearer error="insufficient_user_authentication", acr_values="mfa"';

/** An API where billing's /admin takes only a stepped-up token (`strong-*`), and a one-grant auth server. */
function world(onChallenge: (challenge: AuthChallenge) => Promise<AuthTokens | null | undefined | void>) {
  const server = { live: 'rt-0', reuse: 0, presented: [] as string[], n: 0 };
  const refresh = jest.fn(async (tokens: AuthTokens | null, context: RefreshContext): Promise<AuthTokens> => {
    server.presented.push(String(tokens?.refreshToken));
    await flush();
    if (tokens?.refreshToken !== server.live) {
      server.reuse++;
      throw Object.assign(new Error('refused'), { name: 'OAuthError', error: 'invalid_grant' });
    }
    server.live = `rt-${++server.n}`;
    return { accessToken: `at-${server.n}-${context.resource ?? 'home'}`, refreshToken: server.live, expiresIn: 300 };
  });
  const instance = axios.create({ baseURL: HOME });
  const sent: string[] = [];
  let homeValid = 'at-0';
  new MockAdapter(instance).onAny().reply((config) => {
    const auth = String(config.headers?.Authorization);
    sent.push(`${config.url} ${auth}`);
    if (config.url!.endsWith('/admin')) return auth.startsWith('Bearer strong-') ? [200, {}] : [401, '', { 'WWW-Authenticate': STEP_UP }];
    if (config.url!.startsWith(BILLING)) return [200, {}];
    // The sign-in's token until it expires; then what the session's own refresh issued.
    return auth === `Bearer ${homeValid}` || /^Bearer at-\d+-home$/.test(auth) ? [200, {}] : [401, {}];
  });
  const failures: unknown[] = [];
  const auth = createAuthInterceptor(instance, { refresh, resources: RESOURCES, onChallenge, onAuthFailure: (error) => failures.push(error) });
  return { server, refresh, instance, auth, sent, failures, expireHome: () => (homeValid = 'none') };
}

describe('step-up (onChallenge) on a resource', () => {
  test('a refresh token that onChallenge gives for a resource (it spent the one the sign-in held) becomes the one every later request presents', async () => {
    // The app steps up billing with a refresh_token grant asking for more (as MSAL/auth0 do
    // silently), spending the sign-in's refresh token, and hands back what the server gave.
    let env: ReturnType<typeof world>;
    env = world(async () => {
      const { refreshToken } = (await env.auth.getTokens())!;
      env.server.presented.push(String(refreshToken));
      if (refreshToken !== env.server.live) throw new Error('spent');
      env.server.live = 'rt-stepped';
      return { accessToken: 'strong-1', refreshToken: 'rt-stepped', expiresIn: 300 };
    });
    const { auth, instance, server, failures } = env;
    await auth.setTokens(signIn);

    expect((await instance.get(`${BILLING}/admin`)).status).toBe(200); // billing token (rt-0 -> rt-1), then the step-up (rt-1 -> rt-stepped)
    env.expireHome();
    const home = await settle(instance.get('/me')); // the session's own refresh

    expect(server.presented).toEqual(['rt-0', 'rt-1', 'rt-stepped']);
    expect(server.reuse).toBe(0);
    expect(home.ok).toBe(true);
    expect(failures).toEqual([]);
  });

  test("a step-up on a resource that answers after user B signed in does not send user A's stepped-up token", async () => {
    const gate = deferred<AuthTokens>();
    const { auth, instance, sent } = world(() => gate.promise);
    await auth.setTokens(signIn);
    await instance.get(`${BILLING}/warm`);

    const call = settle(instance.get(`${BILLING}/admin`)); // A's step-up prompt is open
    for (let i = 0; i < 4; i++) await flush();
    await auth.setTokens({ accessToken: 'at-B', refreshToken: 'rt-B' }); // B signs in meanwhile
    gate.resolve({ accessToken: 'strong-A', expiresIn: 300 }); // A finishes the prompt
    await call;

    expect(sent.filter((line) => line.includes('strong-A'))).toEqual([]);
  });
});
