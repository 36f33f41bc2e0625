import type { InternalAxiosRequestConfig } from 'axios';

/** Origins besides the instance's own that may receive the token. */
export type AllowedOrigins = Array<string | RegExp> | ((url: URL) => boolean);

const ABSOLUTE = /^([a-z][a-z\d+\-.]*:)?\/\//i;

const page = (): string | undefined => (globalThis as { location?: { href: string } }).location?.href;

/**
 * Builds the check `(href, baseURL) => boolean`: may a call to the absolute URL `href` carry the
 * token? Yes when it is on the instance's own origin (its `baseURL`'s, or the page's when
 * `baseURL` is relative) or on one the user allowed. A URL that does not parse may not.
 */
export function createOriginCheck(allowed: AllowedOrigins = []) {
  const origins = typeof allowed === 'function' ? [] : allowed.map((o) => (typeof o === 'string' ? new URL(o).origin : o));
  return (href: string, baseURL?: string): boolean => {
    try {
      const url = new URL(href, page());
      const home = baseURL && ABSOLUTE.test(baseURL) ? baseURL : page();
      if (home && url.origin === new URL(home, page()).origin) return true;
      if (typeof allowed === 'function') return allowed(url);
      return origins.some((o) => (typeof o === 'string' ? o === url.origin : o.test(url.origin)));
    } catch {
      return false;
    }
  };
}

/** The absolute URL a call goes to, or `undefined` when it is relative to the instance's `baseURL` or the page. */
export function absoluteUrl({ url = '', allowAbsoluteUrls }: InternalAxiosRequestConfig): string | undefined {
  return ABSOLUTE.test(url) && allowAbsoluteUrls !== false ? url : undefined;
}
