import axios from 'axios';
import { createAuthInterceptor, type AuthError } from '../../src';
import { refreshTokenGrant } from '../../src/oauth';
import { nodeAdapters } from '../helpers/adapters';
import { settle } from '../helpers/deferred';
import { startOidc, type Oidc } from '../helpers/oidc';
import { redirect, serve, type Loopback } from '../oauth/servers';

let oidc: Oidc;
let proxy: Loopback;
beforeAll(async () => {
  oidc = await startOidc();
  // A proxy in front of the token endpoint that sends every request on with a 307, as a
  // misconfigured ingress (or an attacker who took the configured host) would.
  proxy = await serve(redirect(307, oidc.tokenEndpoint, {}));
});
afterAll(() => Promise.all([oidc.close(), proxy.close()]));

test.each(nodeAdapters)(
  'with the %s adapter, a token endpoint that answers 307 to the real one fails the refresh, the session keeps its tokens, and the real one never receives the refresh token',
  async (adapter) => {
    const api = axios.create({ baseURL: oidc.api, adapter: 'http' });
    const failures: AuthError[] = [];
    const auth = createAuthInterceptor(api, {
      refresh: refreshTokenGrant({ tokenEndpoint: `${proxy.url}/token`, clientId: 'web', clientSecret: 'web-secret', http: axios.create({ adapter }) }),
      onAuthFailure: (error) => failures.push(error),
    });
    const signedIn = await oidc.signIn('web', { clientSecret: 'web-secret' });
    await auth.setTokens({ accessToken: signedIn.access_token, refreshToken: signedIn.refresh_token, expiresIn: signedIn.expires_in });
    await oidc.clearLog();
    proxy.received.length = 0;

    const result = await settle(auth.refresh());

    expect(!result.ok && result.error).toMatchObject({ code: 'ERR_REFRESH_FAILED', message: expect.stringContaining('answered 307') });
    expect(failures.map((failure) => failure.code)).toEqual(['ERR_REFRESH_FAILED']);
    expect(await auth.getTokens()).toMatchObject({ accessToken: signedIn.access_token, refreshToken: signedIn.refresh_token });
    expect(new URLSearchParams(proxy.received[0]!.body).get('refresh_token')).toBe(signedIn.refresh_token);
    expect((await oidc.log()).token).toEqual([]);
    await expect(api.get('/me')).resolves.toMatchObject({ status: 200 });
  },
);
