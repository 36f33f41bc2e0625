import { AuthError } from './errors';

export interface AuthTokens {
  /** Sent as `${scheme} ${accessToken}` on every authenticated call. */
  accessToken: string;
  /** Handed back to your `refresh` function; kept when a refresh result omits it. */
  refreshToken?: string;
  /**
   * When the access token expires, in epoch milliseconds of the server's clock. Filled in from
   * `expiresIn`, or else from the access token's JWT `exp` claim, when absent.
   */
  expiresAt?: number;
  /** Lifetime of the access token in seconds, as OAuth servers return it; converted to `expiresAt` on receipt. */
  expiresIn?: number;
}

interface JwtClaims {
  exp?: unknown;
  iat?: unknown;
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Reads the claims of a JWT without verifying it: they are used for timing only, never trusted
 * for anything else. Anything that is not a JWT (an opaque token) gives `undefined`.
 */
export function jwtClaims(token: string): JwtClaims | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    return typeof claims === 'object' && claims !== null ? claims : undefined;
  } catch {
    return undefined;
  }
}

/** Seconds in a JWT claim as epoch milliseconds, or `undefined`. */
export const claimMs = (value: unknown): number | undefined => (isFiniteNumber(value) ? value * 1000 : undefined);

/**
 * Checks tokens from `setTokens()`, `refresh()` or storage and returns a clean copy whose expiry,
 * if known, is an `expiresAt` on the server's clock (`serverNow`). A missing `refreshToken` is
 * taken from `previous` because many servers do not rotate it. Error messages name the faulty
 * field, never its value: it may be a secret.
 */
export function normalizeTokens(value: unknown, previous: AuthTokens | null, serverNow: number): AuthTokens {
  const fail = (what: string): never => {
    throw new AuthError('ERR_INVALID_TOKENS', `Expected tokens with ${what}`);
  };
  if (typeof value !== 'object' || value === null) return fail('an object, got ' + (value === null ? 'null' : typeof value));
  const { accessToken, refreshToken = previous?.refreshToken, expiresAt, expiresIn } = value as Partial<AuthTokens>;
  if (typeof accessToken !== 'string' || accessToken === '') return fail('a non-empty string `accessToken`');
  if (refreshToken !== undefined && (typeof refreshToken !== 'string' || refreshToken === '')) {
    fail('`refreshToken` a non-empty string or absent');
  }
  if (expiresAt !== undefined && !isFiniteNumber(expiresAt)) fail('`expiresAt` a finite number of epoch milliseconds or absent');
  if (expiresIn !== undefined && !isFiniteNumber(expiresIn)) fail('`expiresIn` a finite number of seconds or absent');

  const tokens: AuthTokens = { accessToken };
  if (refreshToken !== undefined) tokens.refreshToken = refreshToken;
  const expiry = expiresIn !== undefined ? serverNow + expiresIn * 1000 : (expiresAt ?? claimMs(jwtClaims(accessToken)?.exp));
  if (expiry !== undefined) tokens.expiresAt = expiry;
  return tokens;
}
