import type { AxiosError } from 'axios';
import type { AuthChallenge } from './challenge';
import type { AuthError } from './errors';
import type { DPoP } from './dpop/createDPoP';
import type { AuthEvent, RefreshReason } from './events';
import type { RefreshLock } from './locks/types';
import type { AllowedOrigins } from './origins';
import { check, checkKeys, invalid } from './validation';
import { memoryStorage } from './storage/memory';
import type { TokenStorage } from './storage/types';
import type { AuthTokens } from './tokens';
import type { CryptoKeyPair } from './webTypes';

/**
 * Answers challenges a refresh cannot fix. The app's `onChallenge` returns tokens that can
 * (after a step-up sign-in, with more scopes or claims). Runs are shared by challenge, so ten
 * calls refused alike cost one prompt, not ten.
 */
export type ChallengeHandler = (challenge: AuthChallenge, error: AxiosError) => Promise<AuthTokens | null | undefined | void>;

/**
 * The DPoP key pair, or a function that gives the one in use now: called before each proof, so
 * a sign-in that binds its tokens to a new key (after `keys.clear()` at sign-out) is followed.
 */
export type DPoPKeyPairSource = CryptoKeyPair | (() => CryptoKeyPair | Promise<CryptoKeyPair>);

export interface RefreshContext {
  /** Aborted when the refresh times out; pass it to the call that fetches new tokens. */
  signal: AbortSignal;
  /** Why it runs: see `RefreshReason`. */
  reason: RefreshReason;
  /** The 401 that started this refresh, when `reason` is `'unauthorized'`. */
  error?: AxiosError;
  /**
   * With the `dpop` option: the session's DPoP signer, to sign token requests
   * (`DPoP: await context.dpop.proof('POST', tokenEndpoint)`). The grants of
   * `axios-auth-interceptor/oauth` use it themselves.
   */
  dpop?: DPoP;
  /**
   * The resource indicator (RFC 8707 section 2) of the token this refresh is for: an absolute
   * URI such as `'https://billing.example.com'` or `'urn:files'`. Absent for the session's own token.
   */
  resource?: string;
  /**
   * The space-separated scope to ask for with it (RFC 6749 section 3.3). Absent: the refresh
   * function's own (the `/oauth` grants send their configured `scope`, if any).
   */
  scope?: string;
}

/**
 * Fetches new tokens. A function may carry `refreshWithoutTokens: true` (the grants of
 * `axios-auth-interceptor/oauth` that need no user do) to be the default of that option.
 */
export type RefreshFunction = ((tokens: AuthTokens | null, context: RefreshContext) => Promise<AuthTokens>) & { refreshWithoutTokens?: boolean };

/** An API that gets access tokens of its own from the session's grant (RFC 8707 resource indicators). */
export interface ResourceServer {
  /** The resource indicator its tokens are asked for with (RFC 8707 section 2): an absolute URI, often the API's origin. */
  resource: string;
  /**
   * The scope asked for with it.
   * @default none: the server gives every scope the sign-in granted for that resource
   */
  scope?: string;
}

export interface AuthInterceptorOptions {
  /**
   * Fetches new tokens. Runs at most once at a time however many calls wait for it. Send its
   * request through an axios instance of its own (or use a grant of
   * `axios-auth-interceptor/oauth`), never the guarded one: a call from here through a guarded
   * instance fails the refresh at once with a message that says so. `tokens` is `null` when the
   * session has none (e.g. the refresh token lives in an httpOnly cookie: set `refreshWithoutTokens`).
   */
  refresh: RefreshFunction;
  /**
   * When the session holds no tokens, a call first waits for one refresh (reason `'missing'`)
   * instead of leaving without a token: for client credentials, and for a refresh token in an
   * httpOnly cookie after a reload. Once the auth server refused a refresh, calls reject with
   * `ERR_SESSION_EXPIRED` until tokens are set again.
   * @default refresh.refreshWithoutTokens ?? false
   */
  refreshWithoutTokens?: boolean;
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
   * @default any 401 unless its `WWW-Authenticate` asks for a step-up (`insufficient_scope`, `insufficient_user_authentication`, `insufficient_claims`)
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
   * spending a round trip on a 401. Never more than a quarter of the token's lifetime (from
   * `expiresIn`, the JWT's `iat` and `exp`, or its receipt), so a token living 2 s is refreshed
   * 0.5 s before it expires, not at once. `0` refreshes only once the token has expired.
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
  /**
   * Makes refreshes exclusive across tabs (`webLocks()`) or processes (a Redis lock). Inside it
   * the session re-reads `storage` and adopts tokens another holder already refreshed, so a
   * rotating refresh token is spent once. Without it, one session never refreshes twice at
   * once, but separate tabs or processes may.
   * @default none
   */
  lock?: RefreshLock;
  /** Called once after each successful refresh by this session, with the tokens now in use. */
  onRefreshed?: (tokens: AuthTokens) => void;
  /**
   * Called once per failed refresh (`ERR_SESSION_EXPIRED` when the auth server refused it: the
   * place to send the user back to sign-in), when another tab or process signed out through a
   * shared `storage` (`ERR_SESSION_EXPIRED`), and when stored tokens were malformed (`ERR_STORAGE`).
   */
  onAuthFailure?: (error: AuthError) => void;
  /**
   * Binds tokens to this key pair (DPoP, RFC 9449): tokens whose `tokenType` is `DPoP` go out as
   * `Authorization: DPoP <token>` with a fresh proof per send, and `refresh` gets a signer for
   * its token requests in `context.dpop`. Make one with `generateDPoPKeyPair()` from
   * `axios-auth-interceptor/dpop` (loaded only when this is set), or pass the `CryptoKeyPair`
   * another library made at sign-in. When the key changes with the sign-in, pass a function
   * that returns the pair in use now (`dpop: () => keyPair`): it is asked before each proof, and
   * a new pair gets a new signer. Without it, a `DPoP` token type is ignored.
   * @default none
   */
  dpop?: DPoPKeyPairSource;
  /**
   * Answers a 401 or 403 whose challenge a refresh cannot fix: `insufficient_scope`,
   * `insufficient_user_authentication` (RFC 9470: sign in again, more strongly or more recently)
   * or `insufficient_claims`, with any scheme. Resolve the tokens that satisfy it (e.g. after a
   * step-up sign-in): they become the session's tokens and the call is replayed once. Calls
   * refused with the same challenge while it runs share one run. Resolve nothing to let the
   * error through as it came (with `requiredScope`). If it throws, the call rejects with
   * `ERR_REFRESH_FAILED` (`cause`: what it threw) and the session keeps its tokens.
   * @default none: such errors pass through, and never start a refresh
   */
  onChallenge?: ChallengeHandler;
  /**
   * Other APIs this sign-in reaches, each with access tokens of its own, by origin:
   * `{ 'https://files.example.com': { resource: 'urn:files', scope: 'files:read' } }`. A call to
   * one of these origins carries that resource's token and nothing else, asked for through
   * `refresh` (with `context.resource` and `context.scope`) before its first call; each token
   * has its own expiry, refresh and step-up, and every token request presents the one refresh
   * token in turn. An origin here is allowed by being here; calls elsewhere keep the session's
   * own token. `getTokens(origin)` and `setTokens(tokens, origin)` reach one resource's tokens.
   * @default none
   */
  resources?: Record<string, ResourceServer>;
  /**
   * Told what the session does: refreshes, held and replayed calls, challenges passed through,
   * tokens withheld from an origin. Events never hold a token; `logAuthEvents()` prints them.
   */
  onEvent?: (event: AuthEvent) => void;
}

type Optional = 'onRefreshed' | 'onAuthFailure' | 'onEvent' | 'onChallenge' | 'shouldRefresh' | 'allowedOrigins' | 'lock' | 'dpop' | 'resources';
export type ResolvedOptions = Required<Omit<AuthInterceptorOptions, Optional>> & Pick<AuthInterceptorOptions, Optional>;

const MAX_TIMEOUT = 2 ** 31 - 1; // setTimeout fires at once for anything longer

const DEFAULTS = { header: 'Authorization', scheme: 'Bearer', refreshTimeout: 30_000, refreshLeeway: 30_000, maxRetries: 1 };

const isFunction = (value: unknown) => typeof value === 'function';
const isNumber = (value: unknown): value is number => typeof value === 'number';
const optional = (test: (value: any) => boolean) => (value: unknown) => value === undefined || test(value);
const isString = (value: unknown) => typeof value === 'string';
/** An absolute URI without a fragment (RFC 8707 section 2): `https://api.example.com`, `urn:files`. */
const isUri = (value: unknown) => typeof value === 'string' && /^[a-z][\w+.-]*:[^#\s]+$/i.test(value);
const isOrigin = (value: unknown) => {
  try {
    return typeof value === 'string' && new URL(value).origin !== 'null';
  } catch {
    return false;
  }
};

/** Each option, what it must satisfy, and how to say so. */
const RULES: Array<[keyof AuthInterceptorOptions, (value: any) => boolean, string]> = [
  ['refresh', isFunction, 'a function'],
  ['storage', (s) => !(s instanceof Map) && ['get', 'set', 'clear'].every((m) => isFunction(s?.[m])), 'a TokenStorage ({ get, set, clear })'],
  ['header', (h) => /^[!#$%&'*+\-.^`|~\w]+$/.test(h), 'a header name'],
  ['scheme', (s) => typeof s === 'string' && !/[\s,]/.test(s), 'a string without spaces or commas'],
  ['refreshTimeout', (n) => isNumber(n) && n > 0 && n <= MAX_TIMEOUT, `a positive number of milliseconds up to ${MAX_TIMEOUT}`],
  ['refreshLeeway', (n) => isNumber(n) && n >= 0 && n < Infinity, 'a finite number of milliseconds >= 0'],
  ['maxRetries', (n) => Number.isInteger(n) && n >= 0, 'an integer >= 0'],
  [
    'allowedOrigins',
    optional((o) => isFunction(o) || (Array.isArray(o) && o.every((item) => item instanceof RegExp || isOrigin(item)))),
    'an array of origins (like "https://api.example.com") and RegExps, or a function',
  ],
  ['resources', optional((r) => Object(r) === r), 'an object of resource servers by origin'],
  ['lock', optional((l) => isFunction(l?.withLock)), 'an object with a withLock method'],
  ['shouldRefresh', optional(isFunction), 'a function'],
  ['onRefreshed', optional(isFunction), 'a function'],
  ['onAuthFailure', optional(isFunction), 'a function'],
  ['onEvent', optional(isFunction), 'a function'],
  ['onChallenge', optional(isFunction), 'an async function (challenge, error) => tokens or nothing'],
  [
    'dpop',
    optional((pair) => isFunction(pair) || (pair?.privateKey?.type === 'private' && pair?.publicKey?.type === 'public')),
    "a CryptoKeyPair (from generateDPoPKeyPair() of 'axios-auth-interceptor/dpop') or a function returning one",
  ],
  ['refreshWithoutTokens', (b) => typeof b === 'boolean', 'a boolean'],
];

/** Each key of `resources` written as the origin it is (so no two keys name one origin), to a resource server. */
function checkResources(resources: Record<string, ResourceServer>): void {
  for (const [key, server] of Object.entries(resources)) {
    checkKeys(Object(server), ['resource', 'scope']);
    const origin = isOrigin(key) && new URL(key).origin;
    const like = origin ? `"${origin}"` : 'like "https://api.example.com"';
    check(`resources[${JSON.stringify(key)}]`, server, origin === key && isUri(server?.resource) && optional(isString)(server.scope), `{ resource: an absolute URI (RFC 8707), scope?: a string } under its origin, ${like}`);
  }
}

/** What to pass instead of the storage-like values people try first. */
function storageHint(value: unknown): string {
  if (typeof (value as Storage | undefined)?.getItem === 'function') return '; wrap it: webStorage(localStorage)';
  if (value instanceof Map) return '; use memoryStorage(), or webStorage(localStorage) to survive reloads';
  return '; pass memoryStorage(), webStorage(localStorage) or indexedDBStorage(), or an object with those three methods';
}

/** Fills in defaults and rejects options that cannot work, before any call depends on them. */
export function resolveOptions(options: AuthInterceptorOptions): ResolvedOptions {
  // axios-auth-refresh's signature is (instance, refreshFunction): say how ours differs.
  if (typeof options !== 'object' || options === null) throw invalid('options', 'an object with at least `refresh`', options, '; pass { refresh: yourFunction }');
  checkKeys(options, RULES.map(([name]) => name));
  const resolved: Record<string, unknown> = { ...options };
  for (const [name, value] of Object.entries(DEFAULTS)) resolved[name] ??= value;
  resolved.storage ??= memoryStorage();
  resolved.refreshWithoutTokens ??= (options.refresh as RefreshFunction | undefined)?.refreshWithoutTokens ?? false;
  for (const [name, test, what] of RULES) {
    const value = resolved[name];
    if (!test(value)) throw invalid(name, what, value, name === 'storage' ? storageHint(value) : '');
  }
  const { lock, refreshTimeout, resources } = resolved as ResolvedOptions;
  if (resources) {
    checkResources(resources);
    // Read once: an origin added or removed later would leave the routing and the sessions apart.
    resolved.resources = Object.freeze(Object.fromEntries(Object.entries(resources).map(([origin, server]) => [origin, Object.freeze({ ...server })])));
  }
  // A lock that expires while its holder still refreshes would let a second process in.
  if (lock?.ttl !== undefined && !(refreshTimeout < lock.ttl)) {
    throw invalid('refreshTimeout', `shorter than the lock's ttl (${lock.ttl} ms)`, refreshTimeout);
  }
  return resolved as ResolvedOptions;
}
