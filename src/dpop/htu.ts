type Page = { document?: { baseURI?: string }; location?: { href?: string } };
/**
 * What a relative URL resolves against: the document's base URL, as fetch and xhr resolve it (a
 * page with `<base href>` sends its calls there, not next to itself), or a worker's location.
 */
const page = (): string | undefined => (globalThis as Page).document?.baseURI ?? (globalThis as Page).location?.href;

/**
 * Parses the URL a call goes to; relative URLs resolve against the page, as the browser will
 * send them. Throws a `TypeError` that names the URL's problem, never the URL's query.
 */
export function targetUrl(url: string | URL): URL {
  try {
    return new URL(url, page());
  } catch {
    throw new TypeError('Expected an absolute http(s) URL (or one relative to the page) for a DPoP proof');
  }
}

/**
 * The `htu` claim: the target URI without query and fragment (RFC 9449 section 4.2). The WHATWG
 * URL parser already does what a server's check expects (section 4.3, step 9, by RFC 3986
 * sections 6.2.2 and 6.2.3): it lower-cases scheme and host, drops a default port and userinfo,
 * normalises percent-encoding and dot segments, and gives an empty path as `/`.
 */
export function htu(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}
