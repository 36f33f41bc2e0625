import axios from 'axios';
import { join } from 'node:path';
import { createAuthInterceptor, type AuthTokens } from '../../src';
import { refreshTokenGrant } from '../../src/oauth';
import { settle } from '../helpers/deferred';
import { startOidc, stillClocks, type Oidc } from '../helpers/oidc';

let oidc: Oidc;
beforeAll(async () => {
  // The server's clock stands still between a test's steps: tokens expire when the test says,
  // never while a burst is on its way, however loaded the machine is.
  oidc = await startOidc({ setup: join(__dirname, '../helpers/serverClock.mjs') });
});
afterEach(() => jest.useRealTimers());
afterAll(() => oidc.close());
beforeEach(() => oidc.clearLog());

test('bursts across three expiries cost one refresh each, spend every refresh token once and meet no 401', async () => {
  // Only `Date` is faked here: both clocks stand still while a burst is on its way.
  const advanceBothClocks = stillClocks(oidc);
  const api = axios.create({ baseURL: oidc.api, adapter: 'http' });
  const refreshed: AuthTokens[] = [];
  const auth = createAuthInterceptor(api, { refresh: refreshTokenGrant({ tokenEndpoint: oidc.tokenEndpoint, clientId: 'spa' }), onRefreshed: (tokens) => refreshed.push(tokens) });
  const signedIn = await oidc.signIn('spa');
  await auth.setTokens({ accessToken: signedIn.access_token, refreshToken: signedIn.refresh_token, expiresIn: signedIn.expires_in });
  const burst = () => Promise.all(Array.from({ length: 10 }, (_, i) => settle(api.get(`/items/${i}`))));
  const results = [];
  while (refreshed.length < 3) {
    results.push(...(await burst()));
    await advanceBothClocks(250); // tokens live 4 s: more than a dozen bursts per token, several within its last second
  }
  results.push(...(await burst()));

  expect(results.every((result) => result.ok)).toBe(true);
  const { token, api: calls } = await oidc.log();
  const refreshes = token.filter((request) => request.grantType === 'refresh_token');
  expect(refreshes).toHaveLength(3);
  expect(refreshes.every((request) => request.status === 200)).toBe(true);
  expect(new Set(refreshes.map((request) => request.refreshToken)).size).toBe(3);
  expect(calls.filter((call) => call.status !== 200)).toEqual([]);
  expect(new Set(calls.map((call) => call.jti)).size).toBe(4);
}, 30_000);
