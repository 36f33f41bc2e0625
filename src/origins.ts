import type { InternalAxiosRequestConfig } from 'axios';

/** Origins besides the instance's own that may receive the token. */
export type AllowedOrigins = Array<string | RegExp> | ((url: URL) => boolean);

/** Where one call goes, judged from the URL the network will request. */
export interface Target {
  /** The origin the call reaches (`'null'` for `data:` and the like); `undefined` when its URL cannot be resolved. */
  readonly origin: string | undefined;
  /** The instance's own origin for this call: its absolute `baseURL`'s, or else the page's. */
  readonly home: string | undefined;
  /** Whether the token may go with the call. */
  readonly allowed: boolean;
}

export interface OriginPolicy {
  /**
   * Where `config` goes and whether it may carry the token. `defaults` are the instance's own
   * (`instance.defaults`): a call that clears `baseURL` to send an absolute URL, as generated
   * OpenAPI clients do, still counts the instance's `baseURL` origin as its own.
   */
  target(config: Pick<InternalAxiosRequestConfig, 'url' | 'baseURL' | 'allowAbsoluteUrls'>, defaults?: { baseURL?: unknown }): Target;
  /** May the absolute URL `href` (a redirect's `Location`, a response's URL) receive the token of a call whose own origin is `home`? */
  allows(href: string, home: string | undefined): boolean;
}

/** axios's `isAbsoluteURL`: whether `baseURL` is left out. */
const AXIOS_ABSOLUTE = /^([a-z][a-z\d+\-.]*:)?\/\//i;
/**
 * The start of an absolute URL whose first characters alone decide its origin: a scheme, `//`,
 * a plain host (or IPv6 literal) and port, then the end or a path, query or fragment. Nothing
 * the URL parser strips, rewrites or reads as userinfo fits in it; every other URL is parsed whole.
 */
const PLAIN_AUTHORITY = /^[a-z][a-z\d+\-.]*:\/\/(?:[a-z\d\-.]+|\[[a-f\d:.]+\])(?::\d*)?(?=[/?#]|$)/i;
/** A path from the root whose next character cannot turn it into `//host` (`/\`, or `/<tab>/` once the parser drops the tab). */
const ROOTED_PATH = /^\/(?![/\\\t\n\r])/;
/** Distinct bases and hosts remembered; a program that makes up more starts over rather than grow. */
const CACHE_LIMIT = 256;

const CLOSED: Target = Object.freeze({ origin: undefined, home: undefined, allowed: false });

type Page = { document?: { baseURI?: string }; location?: { href?: string; origin?: string } };
/** What relative URLs resolve against: the document's base URL (fetch and xhr use it), or a worker's location. */
const pageUrl = (): string | undefined => (globalThis as Page).document?.baseURI ?? (globalThis as Page).location?.href;
const pageOrigin = (): string | undefined => (globalThis as Page).location?.origin;

function parseOrigin(href: string, base?: string): string | undefined {
  try {
    return new URL(href, base).origin;
  } catch {
    return undefined;
  }
}

/** axios's `combineURLs`. */
function combine(base: string, url: string): string {
  if (!url) return base;
  let end = base.length;
  while (end > 0 && base.charCodeAt(end - 1) === 47) end--;
  return `${base.slice(0, end)}/${url.replace(/^\/+/, '')}`;
}

/**
 * Besides home, `allowed` decides whether `origin` may receive the token; a function sees the
 * whole URL, built only when it is asked. A stateful RegExp (`g` or `y`) is copied without those
 * flags, so the same origin always gets the same answer.
 */
function allowedBy(allowed: AllowedOrigins): (origin: string, base: string | undefined, url: string) => boolean {
  const test = typeof allowed === 'function' ? allowed : undefined;
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  if (Array.isArray(allowed)) {
    for (const entry of allowed) {
      if (typeof entry === 'string') exact.add(new URL(entry).origin);
      else patterns.push(new RegExp(entry.source, entry.flags.replace(/[gy]/g, '')));
    }
  }
  return (origin, base, url) => {
    if (exact.has(origin) || patterns.some((pattern) => pattern.test(origin))) return true;
    if (!test) return false;
    try {
      return test(new URL(base ? combine(base, url) : url, pageUrl())) === true;
    } catch {
      return false; // the app's rule failed: the token stays home
    }
  };
}

/**
 * The origin every relative URL on a base reaches (`null`: the URL after it decides, e.g. for
 * `/`), remembered per base. When the base ends in an authority the appended `/` closes
 * (`https://api.example.com/v1`), nothing after it can change the origin: parse once per base.
 */
function baseOrigins(): (base: string) => string | null {
  const bases = new Map<string, string | null>();
  let lastBase: string | undefined;
  let lastOrigin: string | null = null;
  return (base) => {
    // Nearly every call of an instance has the same base: one comparison, no hashing.
    if (base === lastBase) return lastOrigin;
    let origin = bases.get(base);
    if (origin === undefined) {
      if (bases.size >= CACHE_LIMIT) bases.clear();
      const closed = combine(base, '.').slice(0, -1);
      origin = parseOrigin(closed) ?? null;
      if (origin === 'null') origin = null;
      bases.set(base, origin);
    }
    lastBase = base;
    lastOrigin = origin;
    return origin;
  };
}

/**
 * The origin `href` reaches once resolved against the page, as the URL parser reads it; an
 * absolute URL with a plain authority is parsed once per host prefix.
 */
function hrefOrigins(): (href: string, page: string | undefined) => string | undefined {
  const hosts = new Map<string, string | undefined>();
  return (href, page) => {
    const plain = PLAIN_AUTHORITY.exec(href);
    if (plain) {
      const prefix = plain[0];
      if (hosts.has(prefix)) return hosts.get(prefix);
      if (hosts.size >= CACHE_LIMIT) hosts.clear();
      const origin = parseOrigin(prefix);
      hosts.set(prefix, origin);
      return origin;
    }
    if (page === undefined) return parseOrigin(href);
    return ROOTED_PATH.test(href) ? parseOrigin('/', page) : parseOrigin(href, page);
  };
}

/**
 * The origin policy of one session: the instance's own origin and `allowed`. A URL that cannot
 * be resolved, and an opaque origin (`data:`, `javascript:`, `file:`), never receives the token;
 * nor does an origin in `others` (the `resources` option's: they get tokens of their own), not
 * even the instance's own or one `allowed` lets through.
 */
export function createOriginPolicy(allowed: AllowedOrigins = [], others: object = {}): OriginPolicy {
  const extra = allowedBy(allowed);
  const baseOrigin = baseOrigins();
  const resolve = hrefOrigins();

  /** Whether `origin` is one of `others`: asked on every call, so not at all when there are none. */
  const other = Object.keys(others).length ? (origin: string) => Object.hasOwn(others, origin) : () => false;
  const judge = (origin: string | undefined, home: string | undefined, base: string | undefined, url: string): boolean =>
    origin !== undefined && origin !== 'null' && !other(origin) && (origin === home || extra(origin, base, url));

  /** The origin a `baseURL` decides; `null` when it decides none (relative, empty, or not a string). */
  const originOf = (base: unknown): string | null => (typeof base === 'string' && base ? baseOrigin(base) : null);
  /** The instance's absolute `baseURL`; without one, the call's; without either, the page. */
  const homeOf = (instanceBase: unknown, callBase: unknown): string | undefined => originOf(instanceBase) ?? originOf(callBase) ?? pageOrigin();

  /** The answer for a call on its own origin, the common case: no new object per call. */
  let lastHome: Target = CLOSED;
  const atHome = (origin: string): Target => {
    if (lastHome.origin !== origin) lastHome = Object.freeze({ origin, home: origin, allowed: true });
    return lastHome;
  };

  /** Where the full URL `href` goes, once resolved against the page if there is one. */
  const locate = (href: string, home: string | undefined, base: string | undefined, url: string): Target => {
    const page = pageUrl();
    // With no page (Node), a path alone names no host: it goes where the call's transport sends
    // paths (a `socketPath`, a stub adapter), or axios refuses it. Any other relative form that
    // the URL parser could read as `//host` does not resolve, and gets no token.
    if (page === undefined && ROOTED_PATH.test(href)) return { origin: undefined, home, allowed: true };
    const origin = resolve(href, page);
    return { origin, home, allowed: judge(origin, home, base, url) };
  };

  return {
    target({ url: given, baseURL, allowAbsoluteUrls }, defaults) {
      // With the instance's defaults at hand, a call's own `baseURL` never makes its origin home:
      // `get('/x', { baseURL: 'https://evil.example' })` must not carry what `get('https://evil.example/x')` would not.
      const home = defaults ? homeOf(defaults.baseURL, undefined) : homeOf(baseURL, baseURL);
      const url = given === undefined ? '' : typeof given === 'string' ? given : (given as unknown) instanceof URL ? (given as unknown as URL).href : undefined;
      if (url === undefined) return CLOSED; // neither axios nor the URL parser reads it as we would
      const absolute = AXIOS_ABSOLUTE.test(url);
      if (!baseURL || (absolute && allowAbsoluteUrls !== false)) return locate(url, home, undefined, url);
      if (typeof baseURL !== 'string') return CLOSED; // axios cannot combine it either
      const origin = baseOrigin(baseURL);
      const combined =
        origin === null ? locate(combine(baseURL, url), home, baseURL, url) : origin === home && !other(origin) ? atHome(origin) : { origin, home, allowed: judge(origin, home, baseURL, url) };
      // axios before 1.8 ignores `allowAbsoluteUrls: false` and requests the absolute URL as it
      // is; 1.8 and later put the base in front. Both readings must be allowed.
      if (absolute && combined.allowed && !locate(url, home, undefined, url).allowed) return { ...combined, allowed: false };
      return combined;
    },
    allows(href, home) {
      return judge(resolve(href, pageUrl()), home, undefined, href);
    },
  };
}
