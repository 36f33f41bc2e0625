import { AuthError } from '../errors';
import type { RefreshContext } from '../options';
import type { AuthTokens } from '../tokens';
import { tokenEndpointOf } from './discovery';
import { resolveGrantOptions, type GrantOptions } from './options';
import { tokenRequest, type GrantTokens } from './tokenRequest';

/** A function to pass as the interceptor's `refresh` option. */
export type GrantFunction = ((tokens: AuthTokens | null, context: RefreshContext) => Promise<GrantTokens>) & { refreshWithoutTokens?: boolean };

/**
 * The refresh-token grant (RFC 6749 section 6): spends the session's refresh token for new
 * tokens. A rotated `refresh_token` in the answer replaces the old one; without one the old one
 * is kept. A session without a refresh token ends (`ERR_SESSION_EXPIRED`): only a new sign-in
 * can give one.
 *
 * @example
 * createAuthInterceptor(api, { refresh: refreshTokenGrant({ issuer: 'https://id.example.com', clientId: 'spa' }) });
 */
export function refreshTokenGrant(options: GrantOptions): GrantFunction {
  const resolved = resolveGrantOptions(options);
  const endpoint = tokenEndpointOf(resolved);
  return async (tokens, context) => {
    const refreshToken = tokens?.refreshToken;
    if (!refreshToken) throw new AuthError('ERR_SESSION_EXPIRED', 'The session has no refresh token to spend; sign in again');
    return tokenRequest(endpoint, [['grant_type', 'refresh_token'], ['refresh_token', refreshToken]], resolved, context, [refreshToken]);
  };
}
