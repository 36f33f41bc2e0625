import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';

/**
 * Stable machine-readable reasons a call or the session failed.
 * - `ERR_REFRESH_FAILED`: `refresh()` threw or rejected, or `onChallenge` threw; `cause` holds what was thrown.
 * - `ERR_REFRESH_TIMEOUT`: `refresh()` did not settle within `refreshTimeout`.
 * - `ERR_INVALID_TOKENS`: tokens given to `setTokens()` or returned by `refresh()` have no
 *   non-empty string `accessToken` (or a malformed `refreshToken` / expiry).
 * - `ERR_STORAGE`: the token storage threw or rejected (`cause` holds what it threw), or held
 *   malformed tokens, which are then ignored.
 * - `ERR_SESSION_EXPIRED`: the auth server refused the refresh itself (a 400 or 401, such as
 *   `invalid_grant`), or the user signed out in another tab or process: the tokens were cleared
 *   and the user must sign in again.
 * - `ERR_RESOURCE_REFUSED`: the auth server refused a token for one of `resources`
 *   (`invalid_target`, RFC 8707 section 2): that resource's calls reject with it until the next
 *   sign-in; the session and the other resources carry on.
 * - `ERR_LOCK`: the `lock` option's lock could not be taken (`cause` holds why), or
 *   `webLocks()` was called where the Web Locks API is missing.
 */
export type AuthErrorCode =
  | 'ERR_REFRESH_FAILED'
  | 'ERR_REFRESH_TIMEOUT'
  | 'ERR_INVALID_TOKENS'
  | 'ERR_STORAGE'
  | 'ERR_SESSION_EXPIRED'
  | 'ERR_LOCK'
  | 'ERR_RESOURCE_REFUSED';

export interface AuthErrorOptions {
  cause?: unknown;
  config?: InternalAxiosRequestConfig;
  response?: AxiosResponse;
}

// A registered symbol is the same in every realm (iframes, vm contexts, duplicate bundles),
// which `instanceof` is not.
const brand = Symbol.for('axios-auth-interceptor.AuthError');

export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code: AuthErrorCode;
  /** The call this error rejected, when it concerns a call. */
  declare config?: InternalAxiosRequestConfig;
  /** The 401 response that made the call wait for the failed refresh, if there was one. */
  declare response?: AxiosResponse;

  constructor(code: AuthErrorCode, message: string, options: AuthErrorOptions = {}) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.code = code;
    if (options.config) this.config = options.config;
    if (options.response) this.response = options.response;
    Object.defineProperty(this, brand, { value: true });
  }
}

/** True for any `AuthError`, also one created by another copy of this library or another realm. */
export function isAuthError(value: unknown): value is AuthError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/** The session's error, re-issued for one call so the caller sees its own `config` and 401 `response`. */
export function forCall(error: AuthError, config: InternalAxiosRequestConfig, response?: AxiosResponse): AuthError {
  return new AuthError(error.code, error.message, { ...('cause' in error && { cause: error.cause }), config, response });
}
