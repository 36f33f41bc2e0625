import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor, type AuthTokens, type RefreshContext } from '../../../src';
import { settle } from '../../helpers/deferred';
import { BILLING, FILES, HOME, RESOURCES } from '../../helpers/resourceApi';

describe("errors mask every token in use, however often one resource's token turns over", () => {
  test("after a few refreshes of billing's short-lived token, an error still masks the session's own token and files' token", async () => {
    let n = 0;
    let validBilling = 'none';
    const refresh = jest.fn(async (_: AuthTokens | null, context: RefreshContext): Promise<AuthTokens> => {
      n++;
      if (context.resource === BILLING) validBilling = `AT-${n}-${context.resource}`;
      return { accessToken: `AT-${n}-${context.resource ?? 'home'}`, refreshToken: `RT-${n}`, expiresIn: 300 };
    });
    const instance = axios.create({ baseURL: HOME });
    new MockAdapter(instance).onAny().reply((config) => {
      const token = String(config.headers?.Authorization).slice(7);
      // The API echoes what it received in its error body (a debug page, a proxy's 500).
      if (config.url!.endsWith('/echo')) return [500, { received: token, also: config.params?.also }];
      if (config.url!.startsWith(BILLING) && token !== validBilling) return [401, {}];
      return [200, {}];
    });
    const auth = createAuthInterceptor(instance, { refresh, resources: RESOURCES });
    await auth.setTokens({ accessToken: 'AT-Home-0', refreshToken: 'RT-0', expiresIn: 300 });
    await instance.get(`${FILES}/warm`);
    const filesToken = (await auth.getTokens(FILES))!.accessToken;

    for (let i = 0; i < 5; i++) {
      validBilling = 'none'; // billing's token (minutes-long at most in practice) has expired again
      await instance.get(`${BILLING}/x`); // one refresh each
    }

    const outcome = await settle(instance.get('/echo', { params: { also: filesToken } }));
    const body = JSON.stringify((outcome as { error: { response: { data: unknown } } }).error.response.data);
    expect(body).not.toContain('AT-Home-0');
    expect(body).not.toContain(filesToken);
  });
});
