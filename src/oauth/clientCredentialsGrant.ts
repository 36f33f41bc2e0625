import { isAxiosError } from 'axios';
import { AuthError, isAuthError } from '../errors';
import { tokenEndpointOf } from './discovery';
import { isOAuthError } from './errors';
import { resolveGrantOptions, type GrantOptions } from './options';
import type { GrantFunction } from './refreshTokenGrant';
import { tokenRequest } from './tokenRequest';

/**
 * The client credentials grant (RFC 6749 section 4.4): a confidential client asks for a token
 * in its own name, with no user. The returned function has `refreshWithoutTokens: true`, so a
 * session with no token yet (or none left) makes its calls wait for one grant, shared by all of
 * them, instead of sending them without a token. A `refresh_token` in the answer is dropped
 * (section 4.4.3: there is nothing to refresh; the next grant is the way to a new token).
 * Its failures never end the session: each rejects the calls waiting for it with
 * `ERR_REFRESH_FAILED` (an `OAuthError` as `cause` when the server named an RFC 6749 code), and
 * the next call tries a new grant.
 *
 * With `context.resource` it asks for a token for that resource server (RFC 8707 section 2.2)
 * instead of the configured `resource`; `context.scope` takes precedence over the configured
 * `scope`, which is sent otherwise. A resource the server will not issue a token for is an
 * `OAuthError` `invalid_target` in `cause`: only that resource's calls can fail for it.
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
    try {
      const { refreshToken, ...tokens } = await tokenRequest(endpoint, [['grant_type', 'client_credentials']], resolved, context);
      return tokens;
    } catch (cause) {
      // The grant's own errors (a redirect, an oversized or malformed answer) already keep the session.
      if (isAuthError(cause)) throw cause;
      // No refusal ends this session, not even `invalid_grant` or a bare 400/401 (which end a
      // user's): it has no refresh token to lose and no user to sign in, and the next grant is
      // the way back once the server or its configuration is fixed. So the failure reaches the
      // core as ERR_REFRESH_FAILED, which keeps the session; each later call asks again.
      throw new AuthError('ERR_REFRESH_FAILED', `The client credentials grant failed: ${failureOf(cause)}; the next call asks again`, { cause });
    }
  };
  grant.refreshWithoutTokens = true;
  return grant;
}

/** What went wrong, by status and RFC 6749 code when the server answered: the server's own text stays in `cause`. */
function failureOf(cause: unknown): string {
  if (isOAuthError(cause)) return `the token endpoint answered ${cause.status} ${cause.error}`;
  if (isAxiosError(cause) && cause.response) return `the token endpoint answered ${cause.response.status}`;
  return cause instanceof Error ? cause.message : String(cause);
}
