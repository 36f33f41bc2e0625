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
 * With `context.resource` it asks for a token for that resource server (RFC 8707 section 2.2)
 * instead of the configured `resource`, with `context.scope` or else no scope at all: the
 * configured `scope` is the session's own API's (without one, servers give every scope granted
 * for that resource). One refresh token serves every resource the sign-in granted,
 * and the rotated one that comes back is the one the next request, for any resource, must
 * present. How the server's refusals (`OAuthError`) read:
 * - `invalid_grant` (RFC 6749 section 5.2): the refresh token or its grant is expired, revoked
 *   or reused. Every token the session holds is lost: it ends.
 * - `invalid_target` (RFC 8707 section 2): this resource cannot be had with this grant (not
 *   granted at sign-in, unknown, or several asked for at once). The grant stands: reject that
 *   resource's calls and keep the session. A server that spends the refresh token before it
 *   checks the resource (oidc-provider with `rotateRefreshToken: true`) answers the next
 *   refresh `invalid_grant`.
 * - `invalid_scope` (RFC 6749 section 6): the scope asked for exceeds what was granted.
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
    // A resource's token without a scope of its own asks for none (RFC 6749 section 6: then the
    // scope granted, which servers narrow to that resource), not the configured scope: that one
    // names the session's own API, and narrowed to another resource it would leave nothing.
    const scoped = context.resource !== undefined && context.scope === undefined ? { ...resolved, scope: undefined } : resolved;
    return tokenRequest(endpoint, [['grant_type', 'refresh_token'], ['refresh_token', refreshToken]], scoped, context, [refreshToken]);
  };
}
