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
  /** The OAuth `token_type` as the server sent it (`Bearer`, `DPoP`); `DPoP` tokens are sent with a proof. */
  tokenType?: string;
  /** The OAuth `scope` the token was granted, as the server sent it. */
  scope?: string;
}

/** A session's tokens: `null` when signed out. */
export type Tokens = AuthTokens | null;

interface JwtClaims {
  exp?: unknown;
  iat?: unknown;
}

/** The largest time a `Date` can hold: an expiry beyond it cannot be stored or compared. */
const MAX_TIME = 8.64e15;

const isTime = (value: unknown): value is number => typeof value === 'number' && Math.abs(value) <= MAX_TIME;

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

/**
 * Seconds beyond which a JWT time claim cannot be seconds (the year 5138): a server that writes
 * milliseconds there would otherwise move the session's clock or an expiry by millennia.
 */
const MAX_CLAIM_SECONDS = 1e11;

/** Seconds in a JWT claim as epoch milliseconds, or `undefined` (also for one in milliseconds, or no time at all). */
export const claimMs = (value: unknown): number | undefined => (typeof value === 'number' && Math.abs(value) < MAX_CLAIM_SECONDS ? value * 1000 : undefined);

/** The keys of what came back, to say what to map: names only, a value may be a secret. */
function keysOf(value: object): string {
  const keys = Object.keys(value).slice(0, 8);
  return keys.length ? `keys ${keys.map((k) => JSON.stringify(k)).join(', ')}` : 'no keys';
}

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
  if (typeof value !== 'object' || value === null) {
    throw new AuthError('ERR_INVALID_TOKENS', `Expected tokens to be an object like { accessToken, refreshToken, expiresIn }, got ${value === null ? 'null' : typeof value}`);
  }
  const { accessToken, refreshToken = previous?.refreshToken, expiresAt, expiresIn, tokenType, scope } = value as Partial<AuthTokens>;
  if (typeof accessToken !== 'string' || accessToken === '') {
    const hint = 'access_token' in value || 'data' in value ? '; map the server\'s answer: { accessToken: data.access_token, refreshToken: data.refresh_token, expiresIn: data.expires_in }' : '';
    return fail(`a non-empty string \`accessToken\`, got an object with ${keysOf(value)}${hint}`);
  }
  if (refreshToken !== undefined && (typeof refreshToken !== 'string' || refreshToken === '')) {
    fail('`refreshToken` a non-empty string or absent');
  }
  if (expiresAt !== undefined && !isTime(expiresAt)) fail('`expiresAt` a finite number of epoch milliseconds within the range of a Date, or absent');
  if (expiresIn !== undefined && !isTime(expiresIn * 1000)) fail('`expiresIn` a finite number of seconds within the range of a Date, or absent');
  for (const [name, text] of [['tokenType', tokenType], ['scope', scope]] as const) {
    if (text !== undefined && typeof text !== 'string') fail(`\`${name}\` a string or absent`);
  }

  const tokens: AuthTokens = { accessToken };
  if (refreshToken !== undefined) tokens.refreshToken = refreshToken;
  const expiry = expiresIn !== undefined ? serverNow + expiresIn * 1000 : (expiresAt ?? claimMs(jwtClaims(accessToken)?.exp));
  if (expiry !== undefined) tokens.expiresAt = expiry;
  if (tokenType !== undefined) tokens.tokenType = tokenType;
  if (scope !== undefined) tokens.scope = scope;
  return tokens;
}
