import { claimMs, jwtClaims, type AuthTokens } from './tokens';

/**
 * How long a token lives in all, which bounds how early it is refreshed: from the `expiresIn` it
 * was `received` with, or its JWT `iat` and `exp`, or else what is left of it at `now` (a token
 * whose issue time is unknown). A token without any expiry lives forever.
 */
export function lifetime(tokens: AuthTokens, received: AuthTokens | undefined, now: number): number {
  if (received?.expiresIn !== undefined) return received.expiresIn * 1000;
  const claims = jwtClaims(tokens.accessToken);
  const issued = claimMs(claims?.iat);
  const expires = claimMs(claims?.exp);
  return issued !== undefined && expires !== undefined ? expires - issued : (tokens.expiresAt ?? Infinity) - now;
}
