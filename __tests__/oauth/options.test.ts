import { clientCredentialsGrant, refreshTokenGrant, type GrantOptions } from '../../src/oauth';

const grant = (options: Partial<GrantOptions>) => () => refreshTokenGrant({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa', ...options } as GrantOptions);

test('options that cannot work throw a TypeError at once, saying what to pass', () => {
  expect(() => refreshTokenGrant({ clientId: 'spa' })).toThrow('Expected either `issuer` (to discover the token endpoint) or `tokenEndpoint`');
  expect(grant({ issuer: 'https://id.example.com' })).toThrow('not both');
  expect(grant({ clientId: '' })).toThrow('Expected `clientId` to be the non-empty client identifier');
  expect(grant({ clientAuthentication: 'client_secret_basic' })).toThrow("Expected a `clientSecret` with `clientAuthentication: 'client_secret_basic'`");
  expect(grant({ clientSecret: 's', clientAuthentication: 'none' })).toThrow("Expected no `clientSecret` with `clientAuthentication: 'none'`");
  expect(grant({ clientAuthentication: 'private_key_jwt' as 'none' })).toThrow("Expected `clientAuthentication` to be 'client_secret_basic', 'client_secret_post' or 'none'");
  expect(grant({ resource: 'https://api.example.com#x' })).toThrow('Expected `resource` to be an absolute URI without a fragment');
  expect(grant({ resource: ['/relative'] })).toThrow('Expected `resource` to be an absolute URI');
  expect(grant({ params: { grant_type: 'password' } })).toThrow('Expected `params` without `grant_type`');
  expect(grant({ params: { n: 1 as unknown as string } })).toThrow('Expected `params` to be an object of string form fields');
  expect(grant({ http: {} as never })).toThrow('Expected `http` to be an axios instance');
  expect(() => clientCredentialsGrant({ tokenEndpoint: 'https://id.example.com/token', clientId: 'worker' })).toThrow('Expected a `clientSecret` for the client credentials grant');
});

test('a secret of the wrong kind is described, never shown', () => {
  expect(grant({ clientSecret: 12345678 as unknown as string })).toThrow('got number');
  expect(grant({ clientSecret: 12345678 as unknown as string })).not.toThrow(/12345678/);
});

test('plain http is refused except for loopback hosts, unless allowInsecureRequests is set', () => {
  expect(grant({ tokenEndpoint: 'http://id.example.com/token' })).toThrow('Expected `tokenEndpoint` to be an absolute https URL');
  expect(grant({ tokenEndpoint: undefined, issuer: 'http://id.example.com' })).toThrow('Expected `issuer` to be an absolute https URL without a query');
  expect(grant({ tokenEndpoint: 'http://127.0.0.1.example.com/token' })).toThrow(TypeError);
  for (const tokenEndpoint of ['http://localhost:8080/token', 'http://127.0.0.1:8080/token', 'http://[::1]:8080/token']) expect(grant({ tokenEndpoint })).not.toThrow();
  expect(grant({ tokenEndpoint: 'http://keycloak:8080/token', allowInsecureRequests: true })).not.toThrow();
});

test('an issuer with a query or fragment is refused (RFC 8414 section 2)', () => {
  expect(grant({ tokenEndpoint: undefined, issuer: 'https://id.example.com?tenant=a' })).toThrow('without a query');
});

test('clientAuthentication defaults to basic with a secret and none without', () => {
  expect(grant({ clientSecret: 's' })).not.toThrow();
  expect(grant({})).not.toThrow();
  expect(clientCredentialsGrant({ tokenEndpoint: 'https://id.example.com/token', clientId: 'worker', clientAuthentication: 'none' }).refreshWithoutTokens).toBe(true);
});
