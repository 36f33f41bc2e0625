import type { AuthErrorCode } from './errors';

/**
 * Why a refresh started: `'unauthorized'` after a 401, `'expiring'` before a call with a token
 * about to expire, `'manual'` from `auth.refresh()`, `'missing'` before a call that found the
 * session empty (with `refreshWithoutTokens`).
 */
export type RefreshReason = 'unauthorized' | 'expiring' | 'manual' | 'missing';

/**
 * What the session did, for logs and metrics. Plain objects that never hold a token, a proof or
 * a query string: `url` is the call's origin and path only.
 */
export type AuthEvent = (
  | { type: 'refresh-start'; reason: RefreshReason }
  | { type: 'refresh-end'; expiresAt?: number }
  /** `late`: the outcome of a refresh that had already timed out. */
  | { type: 'refresh-failed'; code: AuthErrorCode; late?: boolean }
  /** The call waits for a refresh (or for storage) before it is sent. */
  | { type: 'call-held'; method: string; url: string }
  /** The call was refused with `status` and is sent again with the new token. */
  | { type: 'call-replayed'; method: string; url: string; status: number }
  /** A 401 or 403 passed through to the caller: no refresh could fix it, or none was allowed. */
  | { type: 'challenge'; method: string; url: string; status: number; scheme?: string; error?: string }
  /**
   * The call went out without a token: its URL's origin may not receive it (`'origin'`), or the
   * URL could not be resolved to one (`'unresolved'`). Add the origin to `allowedOrigins` if it should.
   */
  | { type: 'token-withheld'; method: string; url: string; origin?: string; reason: 'origin' | 'unresolved' }
  /** Tokens that another tab or process stored were taken over. */
  | { type: 'tokens-adopted' }
  /** The set-up puts something in the way of the session, e.g. a cache that runs before it. Said once per instance. */
  | { type: 'setup-problem'; problem: string }
  /** The session ended: the user must sign in again. */
  | { type: 'session-ended'; code: AuthErrorCode }
) & {
  /** The resource indicator of the `resources` entry whose token this is about; absent for the session's own token. */
  resource?: string;
};

/**
 * An `onEvent` that writes each event as one line, e.g. `onEvent: logAuthEvents()`. Events hold
 * no secrets, so the lines are safe to keep.
 */
export function logAuthEvents(log: (line: string) => void = console.debug): (event: AuthEvent) => void {
  return ({ type, ...details }) => log(`[auth] ${type} ${JSON.stringify(details)}`);
}
