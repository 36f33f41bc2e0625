import { tokenEndpointOf } from './discovery';
import { resolveGrantOptions, type GrantOptions } from './options';
import type { GrantFunction } from './refreshTokenGrant';
import { tokenRequest } from './tokenRequest';

/**
 * The client credentials grant (RFC 6749 section 4.4): a confidential client asks for a token
 * in its own name, with no user. The returned function has `refreshWithoutTokens: true`, so a
 * session with no token yet (or none left) makes its calls wait for one grant, shared by all of
 * them, instead of sending them without a token. A `refresh_token` in the answer is dropped
 * (section 4.4.3: there is nothing to refresh; the next grant is the way to a new token).
 *
 * It needs a `clientSecret` (section 4.4.2: the client must authenticate) unless
 * `clientAuthentication: 'none'` is given explicitly, for a client that authenticates by mutual
 * TLS configured on `http` (RFC 8705).
 *
 * @example
 * createAuthInterceptor(api, {
 *   refresh: clientCredentialsGrant({ tokenEndpoint: 'https://id.example.com/oauth/token', clientId: 'worker', clientSecret }),
 * });
 */
export function clientCredentialsGrant(options: GrantOptions): GrantFunction {
  const resolved = resolveGrantOptions(options);
  if (resolved.clientSecret === undefined && options.clientAuthentication !== 'none') {
    throw new TypeError("Expected a `clientSecret` for the client credentials grant (or `clientAuthentication: 'none'` with mutual TLS on `http`)");
  }
  const endpoint = tokenEndpointOf(resolved);
  const grant: GrantFunction = async (_tokens, context) => {
    const { refreshToken, ...tokens } = await tokenRequest(endpoint, [['grant_type', 'client_credentials']], resolved, context);
    return tokens;
  };
  grant.refreshWithoutTokens = true;
  return grant;
}
