import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { inspect } from 'node:util';
import { isAuthError, type RefreshContext } from '../../src';
import { clientCredentialsGrant, refreshTokenGrant, type GrantOptions } from '../../src/oauth';
import { deferred, settle } from '../helpers/deferred';
import { serve } from './servers';

const tokenEndpoint = 'https://id.example.com/oauth/token';
const context = (): RefreshContext => ({ signal: new AbortController().signal, reason: 'manual' });
const previous = { accessToken: 'at-old', refreshToken: 'rt-old' };

/** A grant on its own mocked instance, recording every token request it sends. */
function setup(options: Partial<GrantOptions> = {}, reply: [number, unknown] = [200, { access_token: 'at-new', token_type: 'Bearer', expires_in: 300 }]) {
  const http = axios.create();
  const mock = new MockAdapter(http);
  const sent: Array<{ body: URLSearchParams; headers: Record<string, unknown> }> = [];
  mock.onPost(tokenEndpoint).reply((config) => {
    sent.push({ body: new URLSearchParams(config.data), headers: { ...config.headers } });
    return reply;
  });
  return { http, mock, sent, grant: refreshTokenGrant({ tokenEndpoint, clientId: 'spa', http, ...options }) };
}

describe('requests (RFC 6749)', () => {
  test('a public client sends a form-urlencoded refresh_token grant with its client_id, asking for JSON', async () => {
    const { grant, sent } = setup();

    await grant(previous, context());

    expect([...sent[0]!.body]).toEqual([['grant_type', 'refresh_token'], ['refresh_token', 'rt-old'], ['client_id', 'spa']]);
    expect(sent[0]!.headers).toMatchObject({ Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(sent[0]!.headers.Authorization).toBeUndefined();
  });

  test('client_secret_basic form-urlencodes the id and the secret before base64 (section 2.3.1)', async () => {
    const { grant, sent } = setup({ clientId: 'my app', clientSecret: 'p@ss: +/!' });

    await grant(previous, context());

    expect(sent[0]!.headers.Authorization).toBe(`Basic ${Buffer.from('my+app:p%40ss%3A+%2B%2F%21').toString('base64')}`);
    expect(sent[0]!.body.has('client_id')).toBe(false);
    expect(sent[0]!.body.has('client_secret')).toBe(false);
  });

  test('client_secret_post puts the id and the secret in the body, and no Authorization header', async () => {
    const { grant, sent } = setup({ clientId: 'web', clientSecret: 's3cret', clientAuthentication: 'client_secret_post' });

    await grant(previous, context());

    expect(sent[0]!.body.get('client_id')).toBe('web');
    expect(sent[0]!.body.get('client_secret')).toBe('s3cret');
    expect(sent[0]!.headers.Authorization).toBeUndefined();
  });

  test('scope, each resource (RFC 8707) and extra params go in the body', async () => {
    const { grant, sent } = setup({ scope: 'read write', resource: ['https://a.example.com', 'https://b.example.com'], params: { audience: 'https://api.example.com' } });

    await grant(previous, context());

    expect(sent[0]!.body.get('scope')).toBe('read write');
    expect(sent[0]!.body.getAll('resource')).toEqual(['https://a.example.com', 'https://b.example.com']);
    expect(sent[0]!.body.get('audience')).toBe('https://api.example.com');
  });

  test("the request follows the refresh's signal, so a timed-out refresh stops its request", async () => {
    const controller = new AbortController();
    const hungUp = deferred();
    const server = await serve((res) => {
      res.on('close', () => hungUp.resolve());
      controller.abort();
    });
    const grant = refreshTokenGrant({ tokenEndpoint: `${server.url}/token`, clientId: 'spa' });

    try {
      await expect(grant(previous, { signal: controller.signal, reason: 'manual' })).rejects.toMatchObject({ code: 'ERR_CANCELED' });
      await hungUp.promise;
    } finally {
      await server.close();
    }
  });

  test('without `http`, token requests do not go through the global axios instance and its interceptors', async () => {
    const intercepted = jest.fn((config) => config);
    const id = axios.interceptors.request.use(intercepted);
    const original = axios.defaults.adapter;
    axios.defaults.adapter = async (config) => ({ data: { access_token: 'at-new' }, status: 200, statusText: 'OK', headers: {}, config });
    try {
      await expect(refreshTokenGrant({ tokenEndpoint, clientId: 'spa' })(previous, context())).resolves.toMatchObject({ accessToken: 'at-new' });
      expect(intercepted).not.toHaveBeenCalled();
    } finally {
      axios.interceptors.request.eject(id);
      axios.defaults.adapter = original;
    }
  });

  test('a session without a refresh token ends without a request', async () => {
    const { grant, sent } = setup();

    const result = await settle(grant({ accessToken: 'at-old' }, context()));

    expect(!result.ok && isAuthError(result.error) && result.error.code).toBe('ERR_SESSION_EXPIRED');
    expect(sent).toEqual([]);
  });
});

describe('responses (RFC 6749 section 5.1)', () => {
  test('every field of the token response is mapped, expires_in as it came', async () => {
    const { grant } = setup({}, [200, { access_token: 'at-2', token_type: 'DPoP', expires_in: 60, refresh_token: 'rt-2', scope: 'read' }]);

    await expect(grant(previous, context())).resolves.toEqual({ accessToken: 'at-2', tokenType: 'DPoP', expiresIn: 60, refreshToken: 'rt-2', scope: 'read' });
  });

  test('a response without refresh_token leaves it out, so the session keeps its own', async () => {
    const { grant } = setup({}, [200, { access_token: 'at-2', expires_in: '60' }]);

    await expect(grant(previous, context())).resolves.toStrictEqual({ accessToken: 'at-2', expiresIn: 60 });
  });

  test('a response without access_token is ERR_INVALID_TOKENS naming the keys that came, never their values', async () => {
    const { grant } = setup({}, [200, { accessToken: 'secret-value', refresh_token: 'rt-2' }]);

    const result = await settle(grant(previous, context()));

    expect(!result.ok && result.error).toMatchObject({ code: 'ERR_INVALID_TOKENS', message: expect.stringContaining('accessToken, refresh_token') });
    expect(inspect(!result.ok && result.error)).not.toContain('secret-value');
  });

  test('a client credentials grant drops a refresh_token the server sent anyway (section 4.4.3)', async () => {
    const http = axios.create();
    new MockAdapter(http).onPost(tokenEndpoint).reply(200, { access_token: 'at-2', refresh_token: 'rt-2' });
    const grant = clientCredentialsGrant({ tokenEndpoint, clientId: 'worker', clientSecret: 's', http });

    await expect(grant(null, context())).resolves.toEqual({ accessToken: 'at-2' });
    expect(grant.refreshWithoutTokens).toBe(true);
  });
});

describe('errors (RFC 6749 section 5.2)', () => {
  test('an error response becomes an OAuthError with its code, description, uri and status, and no secret in it', async () => {
    const { grant } = setup({ clientId: 'web', clientSecret: 'the-secret' }, [400, { error: 'invalid_grant', error_description: 'grant revoked', error_uri: 'https://id.example.com/e' }]);

    const result = await settle(grant(previous, context()));

    expect(!result.ok && result.error).toMatchObject({ name: 'OAuthError', error: 'invalid_grant', errorDescription: 'grant revoked', errorUri: 'https://id.example.com/e', status: 400 });
    const shown = inspect(!result.ok && result.error, { depth: Infinity }) + JSON.stringify(!result.ok && result.error);
    for (const secret of ['the-secret', 'rt-old', Buffer.from('web:the-secret').toString('base64')]) expect(shown).not.toContain(secret);
  });

  test('an instance whose validateStatus accepts every status still sees error answers as errors', async () => {
    const { grant, mock, http } = setup({}, [400, { error: 'invalid_grant' }]);
    http.defaults.validateStatus = () => true;

    const refused = await settle(grant(previous, context()));
    mock.resetHandlers();
    mock.onPost(tokenEndpoint).reply(503, 'down');
    const down = await settle(grant(previous, context()));

    expect(!refused.ok && refused.error).toMatchObject({ name: 'OAuthError', error: 'invalid_grant', status: 400 });
    expect(!down.ok && down.error).toMatchObject({ isAxiosError: true, code: 'ERR_BAD_RESPONSE', response: { status: 503 } });
  });

  test('a 503 passes as the axios error with its status, the secret and refresh token masked everywhere', async () => {
    const { grant } = setup({ clientId: 'web', clientSecret: 'the secret/+' }, [503, 'down']);

    const result = await settle(grant({ accessToken: 'at-old', refreshToken: 'rt/old+1' }, context()));

    expect(!result.ok && result.error).toMatchObject({ isAxiosError: true, response: { status: 503 } });
    const shown = inspect(!result.ok && result.error, { depth: Infinity }) + JSON.stringify(!result.ok && result.error);
    const basic = Buffer.from('web:the+secret%2F%2B').toString('base64');
    for (const secret of ['the secret/+', 'the+secret%2F%2B', basic, 'rt/old+1', 'rt%2Fold%2B1']) expect(shown).not.toContain(secret);
  });
});
