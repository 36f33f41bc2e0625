import type { AxiosError } from 'axios';
import type { AuthError } from './errors';
import type { AllowedOrigins } from './origins';
import { memoryStorage } from './storage/memory';
import type { TokenStorage } from './storage/types';
import type { AuthTokens } from './tokens';

export type RefreshReason = 'unauthorized' | 'expiring' | 'manual';

export interface RefreshContext {
  /** Aborted when the refresh times out; pass it to the call that fetches new tokens. */
  signal: AbortSignal;
  /** `'unauthorized'` after a 401, `'expiring'` before a call with a token about to expire, `'manual'` from `auth.refresh()`. */
  reason: RefreshReason;
  /** The 401 that started this refresh, when `reason` is `'unauthorized'`. */
  error?: AxiosError;
}

export interface AuthInterceptorOptions {
  /**
   * Fetches new tokens. Runs at most once at a time however many calls wait for it. Calling the
   * same axios instance from here needs `skipAuth: true`, or the call would wait for this refresh.
   * `tokens` is `null` when the session has none (e.g. the refresh token lives in a cookie).
   */
  refresh: (tokens: AuthTokens | null, context: RefreshContext) => Promise<AuthTokens>;
  /**
   * Where tokens are kept.
   * @default memoryStorage()
   */
  storage?: TokenStorage;
  /**
   * The request header that carries the access token.
   * @default 'Authorization'
   */
  header?: string;
  /**
   * Put before the token in the header, separated by a space. `''` sends the bare token.
   * @default 'Bearer'
   */
  scheme?: string;
  /**
   * Decides whether a failed call means the access token must be refreshed. It sees every error
   * that has a response, with `response.data` already parsed, and replaces the default rule.
   * @default any 401 unless its `WWW-Authenticate` says `error="insufficient_scope"`
   */
  shouldRefresh?: (error: AxiosError) => boolean | Promise<boolean>;
  /**
   * Milliseconds `refresh` may take before every waiting call rejects with `ERR_REFRESH_TIMEOUT`
   * and the refresh's `signal` is aborted.
   * @default 30_000
   */
  refreshTimeout?: number;
  /**
   * How many times one call may be replayed after a refresh. `0` lets every 401 through untouched.
   * @default 1
   */
  maxRetries?: number;
  /**
   * Milliseconds before the access token's expiry (from `expiresAt`, `expiresIn` or its JWT
   * `exp`) at which a call first waits for a refresh with reason `'expiring'`, instead of
   * spending a round trip on a 401. `0` refreshes only once the token has expired.
   * @default 30_000
   */
  refreshLeeway?: number;
  /**
   * Origins that may receive the token besides the instance's own (its `baseURL`'s, or the
   * page's): exact origins such as `'https://files.example.com'`, patterns tested against the
   * origin, or a function of the URL. Calls elsewhere get no token and never refresh.
   * @default []
   */
  allowedOrigins?: AllowedOrigins;
  /** Called once after each successful refresh, with the tokens now in use. */
  onRefreshed?: (tokens: AuthTokens) => void;
  /**
   * Called once per failed refresh (`ERR_SESSION_EXPIRED` when the auth server refused it: the
   * place to send the user back to sign-in), and when stored tokens were malformed (`ERR_STORAGE`).
   */
  onAuthFailure?: (error: AuthError) => void;
}

type Optional = 'onRefreshed' | 'onAuthFailure' | 'shouldRefresh' | 'allowedOrigins';
export type ResolvedOptions = Required<Omit<AuthInterceptorOptions, Optional>> & Pick<AuthInterceptorOptions, Optional>;

const MAX_TIMEOUT = 2 ** 31 - 1; // setTimeout fires at once for anything longer

function expect(ok: boolean, name: string, what: string, value: unknown): void {
  if (!ok) {
    const shown = typeof value === 'function' ? 'a function' : typeof value === 'string' ? JSON.stringify(value) : String(value);
    throw new TypeError(`Expected \`${name}\` to be ${what}, got ${shown}`);
  }
}

const isOrigin = (value: string) => {
  try {
    return new URL(value).origin !== 'null';
  } catch {
    return false;
  }
};

const isOptionalFunction = (value: unknown) => value === undefined || typeof value === 'function';

/** Fills in defaults and rejects options that cannot work, before any call depends on them. */
export function resolveOptions(options: AuthInterceptorOptions): ResolvedOptions {
  expect(typeof options === 'object' && options !== null, 'options', 'an object', options);
  const { refresh, storage = memoryStorage(), header = 'Authorization', scheme = 'Bearer' } = options;
  const { refreshTimeout = 30_000, refreshLeeway = 30_000, maxRetries = 1, allowedOrigins, shouldRefresh, onRefreshed, onAuthFailure } = options;
  expect(typeof refresh === 'function', 'refresh', 'a function', refresh);
  expect(
    typeof storage === 'object' && storage !== null && ['get', 'set', 'clear'].every((m) => typeof storage[m as keyof TokenStorage] === 'function'),
    'storage',
    'an object with get, set and clear methods',
    storage,
  );
  expect(typeof header === 'string' && /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(header), 'header', 'a header name', header);
  expect(typeof scheme === 'string' && !/[\s,]/.test(scheme), 'scheme', 'a string without spaces or commas', scheme);
  expect(
    typeof refreshTimeout === 'number' && refreshTimeout > 0 && refreshTimeout <= MAX_TIMEOUT,
    'refreshTimeout',
    `a positive number of milliseconds up to ${MAX_TIMEOUT}`,
    refreshTimeout,
  );
  expect(Number.isFinite(refreshLeeway) && refreshLeeway >= 0, 'refreshLeeway', 'a finite number of milliseconds >= 0', refreshLeeway);
  expect(Number.isInteger(maxRetries) && maxRetries >= 0, 'maxRetries', 'an integer >= 0', maxRetries);
  expect(
    allowedOrigins === undefined ||
      typeof allowedOrigins === 'function' ||
      (Array.isArray(allowedOrigins) && allowedOrigins.every((o) => o instanceof RegExp || (typeof o === 'string' && isOrigin(o)))),
    'allowedOrigins',
    'an array of origins (like "https://api.example.com") and RegExps, or a function',
    allowedOrigins,
  );
  expect(isOptionalFunction(shouldRefresh), 'shouldRefresh', 'a function', shouldRefresh);
  expect(isOptionalFunction(onRefreshed), 'onRefreshed', 'a function', onRefreshed);
  expect(isOptionalFunction(onAuthFailure), 'onAuthFailure', 'a function', onAuthFailure);
  return { refresh, storage, header, scheme, refreshTimeout, refreshLeeway, maxRetries, allowedOrigins, shouldRefresh, onRefreshed, onAuthFailure };
}
