import { parseAuthChallenge } from '../../src';

describe('parseAuthChallenge', () => {
  test('an RFC 6750 expired-token challenge', () => {
    expect(parseAuthChallenge('Bearer realm="example", error="invalid_token", error_description="The access token expired"')).toEqual([
      { scheme: 'Bearer', params: { realm: 'example', error: 'invalid_token', error_description: 'The access token expired' } },
    ]);
  });

  test('several challenges in one header (RFC 9110 example)', () => {
    expect(parseAuthChallenge('Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"')).toEqual([
      { scheme: 'Newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
      { scheme: 'Basic', params: { realm: 'simple' } },
    ]);
  });

  test('token68, bare schemes and odd spacing', () => {
    expect(parseAuthChallenge('  Negotiate abc+/def==,Basic ,  Bearer   error = "insufficient_scope" ,scope="read write"')).toEqual([
      { scheme: 'Negotiate', token68: 'abc+/def==', params: {} },
      { scheme: 'Basic', params: {} },
      { scheme: 'Bearer', params: { error: 'insufficient_scope', scope: 'read write' } },
    ]);
  });

  test('parameter names are case-insensitive, values keep commas inside quotes', () => {
    expect(parseAuthChallenge('BEARER Error="invalid_token", Error_Description="a, b"')).toEqual([
      { scheme: 'BEARER', params: { error: 'invalid_token', error_description: 'a, b' } },
    ]);
  });

  test('a malformed tail keeps what was read before it', () => {
    expect(parseAuthChallenge('Bearer error="invalid_token", "oops')).toEqual([{ scheme: 'Bearer', params: { error: 'invalid_token' } }]);
    expect(parseAuthChallenge('')).toEqual([]);
  });
});

describe('real-world headers', () => {
  test.each([
    [
      'Azure AD',
      'Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token", error_description="The access token is expired"',
      { scheme: 'Bearer', params: { authorization_uri: 'https://login.microsoftonline.com/common/oauth2/authorize', error: 'invalid_token', error_description: 'The access token is expired' } },
    ],
    ['Keycloak', 'Bearer realm="master", error="invalid_token", error_description="Token verification failed"', { scheme: 'Bearer', params: { realm: 'master', error: 'invalid_token', error_description: 'Token verification failed' } }],
    ['a bare scheme', 'Bearer', { scheme: 'Bearer', params: {} }],
    ['scope with spaces and a URL', 'Bearer error="insufficient_scope", scope="openid https://graph.example/read"', { scheme: 'Bearer', params: { error: 'insufficient_scope', scope: 'openid https://graph.example/read' } }],
  ])('%s', (_, header, expected) => {
    expect(parseAuthChallenge(header)).toEqual([expected]);
  });

  test('an API offering Basic and Bearer at once, with a DPoP challenge listing algorithms', () => {
    expect(parseAuthChallenge('Basic realm="legacy", Bearer realm="api", error="invalid_token", DPoP algs="ES256 PS256"')).toEqual([
      { scheme: 'Basic', params: { realm: 'legacy' } },
      { scheme: 'Bearer', params: { realm: 'api', error: 'invalid_token' } },
      { scheme: 'DPoP', params: { algs: 'ES256 PS256' } },
    ]);
  });
});
