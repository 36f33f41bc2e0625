import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { isAuthError, type RefreshContext } from '../../src';
import { clientCredentialsGrant, isOAuthError, refreshTokenGrant, type GrantOptions } from '../../src/oauth';
import { settle } from '../helpers/deferred';

// RFC 8707 section 2.2: a token for one resource server, asked for at the token endpoint with
// `resource` (and a `scope`), by the refresh-token grant and client credentials alike.

const tokenEndpoint = 'https://id.example.com/oauth/token';
const previous = { accessToken: 'at-old', refreshToken: 'rt-old' };
const context = (extra: Partial<RefreshContext> = {}): RefreshContext => ({ signal: new AbortController().signal, reason: 'manual', ...extra });

/** Both grants on one mocked instance, recording the form of every token request. */
function setup(options: Partial<GrantOptions> = {}, reply: [number, unknown] = [200, { access_token: 'at-new', token_type: 'Bearer', expires_in: 60 }]) {
  const http = axios.create();
  const forms: URLSearchParams[] = [];
  new MockAdapter(http).onPost(tokenEndpoint).reply((config) => {
    forms.push(new URLSearchParams(config.data));
    return reply;
  });
  return {
    forms,
    refresh: refreshTokenGrant({ tokenEndpoint, clientId: 'spa', http, ...options }),
    credentials: clientCredentialsGrant({ tokenEndpoint, clientId: 'worker', clientSecret: 'worker-secret', http, ...options }),
  };
}

describe('what a token request asks for', () => {
  test("a refresh for a resource sends that resource and its scope with the session's refresh token", async () => {
    const { refresh, forms } = setup();

    await refresh(previous, context({ resource: 'https://billing.example.com', scope: 'invoices:read invoices:write' }));

    expect([...forms[0]!]).toEqual([
      ['grant_type', 'refresh_token'],
      ['refresh_token', 'rt-old'],
      ['client_id', 'spa'],
      ['scope', 'invoices:read invoices:write'],
      ['resource', 'https://billing.example.com'],
    ]);
  });

  test('client credentials for a resource send that resource and its scope', async () => {
    const { credentials, forms } = setup();

    await credentials(null, context({ resource: 'urn:files', scope: 'files:read' }));

    expect(forms[0]!.get('grant_type')).toBe('client_credentials');
    expect(forms[0]!.getAll('resource')).toEqual(['urn:files']);
    expect(forms[0]!.getAll('scope')).toEqual(['files:read']);
  });

  test("the context's scope takes precedence over the configured one, for both grants", async () => {
    const { refresh, credentials, forms } = setup({ scope: 'openid api:read' });

    await refresh(previous, context({ scope: 'api:read' }));
    await credentials(null, context({ scope: 'api:read' }));

    expect(forms.map((form) => form.getAll('scope'))).toEqual([['api:read'], ['api:read']]);
  });

  test("a resource's request names that resource alone; without a scope of its own a refresh asks for none (all that was granted for it), client credentials for the configured one", async () => {
    const { refresh, credentials, forms } = setup({ scope: 'api:read files:read', resource: ['https://api.example.com/', 'https://other.example.com/'] });

    await refresh(previous, context({ resource: 'urn:files' }));
    await credentials(null, context({ resource: 'urn:files' }));

    expect(forms.map((form) => form.getAll('resource'))).toEqual([['urn:files'], ['urn:files']]);
    expect(forms.map((form) => form.getAll('scope'))).toEqual([[], ['api:read files:read']]);
  });

  test('without a resource or scope in the context, the request carries the configured ones, or none', async () => {
    const configured = setup({ scope: 'api:read', resource: 'https://api.example.com/' });
    const bare = setup();

    await configured.refresh(previous, context());
    await bare.refresh(previous, context());
    await bare.credentials(null, context());

    expect(configured.forms[0]!.getAll('scope')).toEqual(['api:read']);
    expect(configured.forms[0]!.getAll('resource')).toEqual(['https://api.example.com/']);
    for (const form of bare.forms) {
      expect(form.has('scope')).toBe(false);
      expect(form.has('resource')).toBe(false);
    }
  });
});

describe('a refused resource (invalid_target)', () => {
  const refusal: [number, unknown] = [400, { error: 'invalid_target', error_description: 'resource indicator is missing, or unknown' }];

  test('the refresh-token grant rejects with an OAuthError whose error is invalid_target, not invalid_grant', async () => {
    const { refresh } = setup({}, refusal);

    const result = await settle(refresh(previous, context({ resource: 'urn:unknown' })));

    expect(!result.ok && result.error).toMatchObject({ name: 'OAuthError', error: 'invalid_target', status: 400, errorDescription: 'resource indicator is missing, or unknown' });
    expect(!result.ok && isAuthError(result.error)).toBe(false);
  });

  test('the client credentials grant keeps the session and names invalid_target in its cause', async () => {
    const { credentials } = setup({}, refusal);

    const result = await settle(credentials(null, context({ resource: 'urn:unknown' })));

    expect(!result.ok && result.error).toMatchObject({ code: 'ERR_REFRESH_FAILED', message: expect.stringContaining('400 invalid_target') });
    const cause = !result.ok && (result.error as { cause?: unknown }).cause;
    expect(isOAuthError(cause) && cause.error).toBe('invalid_target');
  });
});
