import { AuthError } from './errors';

export interface AuthTokens {
  /** Sent as `${scheme} ${accessToken}` on every authenticated call. */
  accessToken: string;
  /** Handed back to your `refresh` function; kept when a refresh result omits it. */
  refreshToken?: string;
  /** When the access token expires, in epoch milliseconds. */
  expiresAt?: number;
  /** Lifetime of the access token in seconds, as OAuth servers return it; converted to `expiresAt` on receipt. */
  expiresIn?: number;
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Checks tokens from `setTokens()` or `refresh()` and returns a clean copy. A missing
 * `refreshToken` is taken from `previous` because many servers do not rotate it. Error messages
 * name the faulty field, never its value: it may be a secret.
 */
export function normalizeTokens(value: unknown, previous: AuthTokens | null, now: number): AuthTokens {
  const fail = (what: string): never => {
    throw new AuthError('ERR_INVALID_TOKENS', `Expected tokens with ${what}`);
  };
  if (typeof value !== 'object' || value === null) return fail('an object, got ' + (value === null ? 'null' : typeof value));
  const { accessToken, refreshToken = previous?.refreshToken, expiresAt, expiresIn } = value as Partial<AuthTokens>;
  if (typeof accessToken !== 'string' || accessToken === '') fail('a non-empty string `accessToken`');
  if (refreshToken !== undefined && (typeof refreshToken !== 'string' || refreshToken === '')) {
    fail('`refreshToken` a non-empty string or absent');
  }
  if (expiresAt !== undefined && !isFiniteNumber(expiresAt)) fail('`expiresAt` a finite number of epoch milliseconds or absent');
  if (expiresIn !== undefined && !isFiniteNumber(expiresIn)) fail('`expiresIn` a finite number of seconds or absent');

  const tokens: AuthTokens = { accessToken: accessToken as string };
  if (refreshToken !== undefined) tokens.refreshToken = refreshToken;
  const expiry = expiresIn !== undefined ? now + expiresIn * 1000 : expiresAt;
  if (expiry !== undefined) tokens.expiresAt = expiry;
  return tokens;
}
