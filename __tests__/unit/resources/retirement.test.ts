import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor, type AuthChallenge, type AuthTokens, type RefreshContext } from '../../../src';
import { deferred, flush, settle } from '../../helpers/deferred';
import { BILLING, HOME, RESOURCES, signIn } from '../../helpers/resourceApi';

const STEP_UP = 'Bearer error="insufficient_user_authentication", acr_values="mfa"';
const refusedGrant = () => Object.assign(new Error('refused'), { name: 'OAuthError', error: 'invalid_grant' });

/** Two users' grants on one auth server: each refresh token works once, within its own grant. */
function twoGrants() {
  const live = new Map([['A', 'rt-0']]);
  const presented: string[] = [];
  const gates: Array<{ open(): void; refuse(): void }> = [];
  let hold = false;
  let n = 0;
  const refresh = jest.fn(async (tokens: AuthTokens | null, context: RefreshContext): Promise<AuthTokens> => {
    presented.push(`${tokens?.refreshToken} for ${context.resource ?? 'home'}`);
    if (hold) {
      const gate = deferred<boolean>();
      gates.push({ open: () => gate.resolve(true), refuse: () => gate.resolve(false) });
      if (!(await gate.promise)) throw refusedGrant();
    } else await flush();
    const user = [...live].find(([, token]) => token === tokens?.refreshToken)?.[0];
    if (!user) throw refusedGrant();
    live.set(user, `rt-${user}${++n}`);
    return { accessToken: `at-${user}${n}-${context.resource ?? 'home'}`, refreshToken: live.get(user), expiresIn: 300 };
  });
  return { live, presented, gates, refresh, holdNext: (on: boolean) => (hold = on) };
}

describe('retiring a sign-in while its requests are in flight', () => {
  test("a step-up for user A's billing session that answers (with a refresh token) after user B signed in does not give B's session A's refresh token", async () => {
    const gate = deferred<AuthTokens>();
    const grants = twoGrants();
    const instance = axios.create({ baseURL: HOME });
    new MockAdapter(instance).onAny().reply((config) => {
      const header = String(config.headers?.Authorization);
      if (config.url!.endsWith('/admin')) return header.startsWith('Bearer strong-') ? [200, {}] : [401, '', { 'WWW-Authenticate': STEP_UP }];
      return [200, {}];
    });
    const auth = createAuthInterceptor(instance, { refresh: grants.refresh, resources: RESOURCES, onChallenge: (_: AuthChallenge) => gate.promise });
    await auth.setTokens(signIn);
    await instance.get(`${BILLING}/warm`); // A's billing token: rt-0 -> rt-A1

    const call = settle(instance.get(`${BILLING}/admin`)); // A's step-up prompt is open
    for (let i = 0; i < 4; i++) await flush();
    grants.live.set('B', 'rt-B');
    await auth.setTokens({ accessToken: 'at-B', refreshToken: 'rt-B', expiresIn: 300 }); // B signs in meanwhile
    // A finishes the prompt; the app's step-up spent A's refresh token and hands back A's new one.
    grants.live.set('A', 'rt-A-stepped');
    gate.resolve({ accessToken: 'strong-A', refreshToken: 'rt-A-stepped', expiresIn: 300 });
    await call;
    await flush();

    // B's session must keep B's refresh token, not take user A's.
    expect((await auth.getTokens())?.refreshToken).toBe('rt-B');
  });

  test("a resource request of user A's refused after user B signed in is not asked again with B's refresh token (spending it and losing what it rotated to)", async () => {
    const grants = twoGrants();
    const instance = axios.create({ baseURL: HOME });
    new MockAdapter(instance).onAny().reply(200, {});
    const failures: unknown[] = [];
    const auth = createAuthInterceptor(instance, { refresh: grants.refresh, resources: RESOURCES, onAuthFailure: (error) => failures.push(error) });
    await auth.setTokens(signIn);

    grants.holdNext(true);
    const billing = settle(instance.get(`${BILLING}/a`)); // A's billing token request, presenting rt-0, at the server
    for (let i = 0; i < 4; i++) await flush();
    expect(grants.presented).toEqual(['rt-0 for https://billing.test']);

    // A signs out (the app revokes A's grant), B signs in.
    await auth.clearTokens();
    grants.live.delete('A');
    grants.live.set('B', 'rt-B');
    await auth.setTokens({ accessToken: 'at-B', refreshToken: 'rt-B', expiresIn: 300 });
    grants.holdNext(false);
    grants.gates[0]!.refuse(); // the server refuses A's revoked refresh token
    await billing;
    for (let i = 0; i < 4; i++) await flush();

    // Nothing of B's may be presented for A's request; B's session keeps a live refresh token.
    expect({ presented: grants.presented, heldByB: (await auth.getTokens())?.refreshToken, liveForB: grants.live.get('B') }).toEqual({
      presented: ['rt-0 for https://billing.test'],
      heldByB: 'rt-B',
      liveForB: 'rt-B',
    });
  });
});
