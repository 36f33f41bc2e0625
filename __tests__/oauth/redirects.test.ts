import axios, { type CreateAxiosDefaults } from 'axios';
import { createAuthInterceptor, type AuthError } from '../../src';
import { createDPoP, generateDPoPKeyPair } from '../../src/dpop';
import { clientCredentialsGrant, refreshTokenGrant } from '../../src/oauth';
import { nodeAdapters } from '../helpers/adapters';
import { settle } from '../helpers/deferred';
import { context, json, previous, redirect, routes, serve, type Loopback } from './servers';

const tokens = { access_token: 'at-from-elsewhere-0123', refresh_token: 'rt-from-elsewhere-0123', expires_in: 300 };
const clientSecret = 'web-secret-0123456789';

/** Instances a user may pass as `http`: one as axios makes it, one told to follow redirects and to accept any status. */
const instances: Array<[string, CreateAxiosDefaults]> = [
  ['a default instance', {}],
  ['an instance that follows redirects and accepts any status', { maxRedirects: 10, validateStatus: () => true, fetchOptions: { redirect: 'follow' } }],
];

let servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

/** The token endpoint, answering with `status` and a Location on another origin that would hand out tokens. */
async function redirectingEndpoint(status: number, path = '/token') {
  const elsewhere = await serve(json(200, tokens));
  const endpoint = await serve(redirect(status, `${elsewhere.url}${path}`));
  servers.push(elsewhere, endpoint);
  return { elsewhere, endpoint, tokenEndpoint: `${endpoint.url}/token` };
}

describe.each(nodeAdapters)('the %s adapter', (adapter) => {
  describe.each(instances)('with %s', (_, defaults) => {
    test.each([301, 302, 303, 307, 308])('a %i from the token endpoint fails the refresh, and the other origin receives nothing', async (status) => {
      const { elsewhere, endpoint, tokenEndpoint } = await redirectingEndpoint(status);
      const http = axios.create({ ...defaults, adapter });
      const grant = refreshTokenGrant({ tokenEndpoint, clientId: 'web', clientSecret, clientAuthentication: 'client_secret_post', http });

      const result = await settle(grant(previous, context()));

      expect(!result.ok && result.error).toMatchObject({ code: 'ERR_REFRESH_FAILED', message: expect.stringContaining(`answered ${status}`) });
      expect(endpoint.received).toHaveLength(1);
      expect(elsewhere.received).toEqual([]);
    });
  });

  test('a 307 does not carry the DPoP proof or the client credentials anywhere else', async () => {
    const { elsewhere, tokenEndpoint } = await redirectingEndpoint(307);
    const dpop = createDPoP(await generateDPoPKeyPair());
    const grant = clientCredentialsGrant({ tokenEndpoint, clientId: 'worker', clientSecret, http: axios.create({ adapter }) });

    const result = await settle(grant(null, context(undefined, dpop)));

    expect(!result.ok && result.error).toMatchObject({ code: 'ERR_REFRESH_FAILED' });
    expect(elsewhere.received).toEqual([]);
  });

  test("a redirect is refused before its body is read: a body naming invalid_grant does not end the session", async () => {
    const { elsewhere, tokenEndpoint } = await redirectingEndpoint(302);
    const api = axios.create();
    const failures: AuthError[] = [];
    const auth = createAuthInterceptor(api, {
      refresh: refreshTokenGrant({ tokenEndpoint, clientId: 'spa', http: axios.create({ adapter }) }),
      onAuthFailure: (error) => failures.push(error),
    });
    await auth.setTokens(previous);

    const result = await settle(auth.refresh());

    expect(!result.ok && result.error).toMatchObject({ code: 'ERR_REFRESH_FAILED' });
    expect(failures.map((failure) => failure.code)).toEqual(['ERR_REFRESH_FAILED']);
    expect(await auth.getTokens()).toMatchObject({ accessToken: previous.accessToken, refreshToken: previous.refreshToken });
    expect(elsewhere.received).toEqual([]);
  });

  describe('discovery (RFC 8414 section 3: metadata comes from the issuer itself)', () => {
    /** An issuer whose RFC 8414 location redirects to a copy of its metadata on another origin, naming that origin's token endpoint. */
    async function redirectedMetadata(openid: 'missing' | 'present') {
      const elsewhere = await serve(
        routes({ 'GET /metadata': (res, request) => json(200, { issuer: issuer.url, token_endpoint: `${elsewhere.url}/token` })(res, request), 'POST /token': json(200, tokens) }),
      );
      const issuer = await serve(
        routes({
          'GET /.well-known/oauth-authorization-server': redirect(302, `${elsewhere.url}/metadata`, {}),
          'GET /.well-known/openid-configuration': openid === 'present' ? (res, request) => json(200, { issuer: issuer.url, token_endpoint: `${issuer.url}/token` })(res, request) : json(404, {}),
          'POST /token': json(200, { access_token: 'at-from-issuer-0123' }),
        }),
      );
      servers.push(issuer, elsewhere);
      return { issuer, elsewhere, grant: refreshTokenGrant({ issuer: issuer.url, clientId: 'spa', http: axios.create({ adapter }) }) };
    }

    test("a redirected metadata document is not followed: another origin's token endpoint never receives the refresh token", async () => {
      const { elsewhere, grant } = await redirectedMetadata('missing');

      const result = await settle(grant(previous, context()));

      expect(!result.ok && result.error).toMatchObject({ code: 'ERR_REFRESH_FAILED', message: expect.stringContaining('302') });
      expect(elsewhere.received).toEqual([]);
    });

    test('a redirecting RFC 8414 location counts as no metadata there: the OpenID location is asked next', async () => {
      const { issuer, elsewhere, grant } = await redirectedMetadata('present');

      await expect(grant(previous, context())).resolves.toMatchObject({ accessToken: 'at-from-issuer-0123' });
      expect(issuer.received.map((request) => `${request.method} ${request.path}`)).toEqual([
        'GET /.well-known/oauth-authorization-server',
        'GET /.well-known/openid-configuration',
        'POST /token',
      ]);
      expect(elsewhere.received).toEqual([]);
    });
  });
});

describe('answers from a browser, where the grant cannot stop the redirect itself', () => {
  const answer = (status: number, responseURL: string) =>
    axios.create({ adapter: async (config) => ({ status, statusText: '', data: status ? tokens : '', headers: {}, config, request: { responseURL } }) });

  test("an XHR answer that came from another URL (the browser followed a redirect) is refused: another origin's tokens never become the session's", async () => {
    const grant = refreshTokenGrant({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa', http: answer(200, 'https://elsewhere.example.com/token') });

    await expect(grant(previous, context())).rejects.toMatchObject({ code: 'ERR_REFRESH_FAILED', message: expect.stringContaining('elsewhere.example.com') });
  });

  test("a fetch answer of type opaqueredirect (status 0, what redirect: 'manual' gives a page) is refused", async () => {
    const grant = refreshTokenGrant({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa', http: answer(0, '') });

    await expect(grant(previous, context())).rejects.toMatchObject({ code: 'ERR_REFRESH_FAILED' });
  });
});
