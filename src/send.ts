import axios, { AxiosError, AxiosHeaders, isAxiosError } from 'axios';
import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { DETOURED, isOneShot, LANDED, type Detoured, type Hops, type Landed, type Resign } from './hops';

/** Fetch standard, HTTP-redirect fetch: the statuses that redirect. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Fetch standard: what a redirect that turns the method into GET drops with the body. */
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];
/** What undici drops on a hop to another origin: credentials the new origin must not see. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];
/** Fetch standard's redirect limit, for a call that sets no `maxRedirects`. */
const FETCH_MAX_REDIRECTS = 20;

type FetchRequestLike = { url: string; redirect: string };
/** Who turns a redirect into a response handed back here: fetch with `redirect: 'manual'`, or the http adapter with `maxRedirects: 0`. */
type Manual = 'fetch' | 'http';

const OURS = Symbol('axios-auth-interceptor.beforeRedirect');
type BeforeRedirect = NonNullable<InternalAxiosRequestConfig['beforeRedirect']> & { [OURS]?: InternalAxiosRequestConfig['beforeRedirect'] };

/**
 * Sends `config`, keeping the token's headers (`names`: the token's, and the DPoP proof's) off every redirect hop to an origin that
 * `mayReceive` refuses, whichever adapter follows the redirects:
 * - Node's http adapter (follow-redirects) drops only `Authorization` and `Cookie` on a hop to
 *   another host; a `beforeRedirect` hook drops our header too.
 * - Node's fetch (undici) drops `Authorization` but forwards any other header to any origin, and
 *   tells no hook. Outside a page, axios's fetch adapter is sent with `redirect: 'manual'` and
 *   the hops are followed here as the fetch standard does (method, body and header rules, the
 *   redirect limit), so each hop is judged. Each hop gets the call's `timeout` afresh.
 * - A call with a DPoP proof (`resign`) has its hops followed here with either adapter: each hop
 *   that may have the token gets a proof of its own (RFC 9449 section 4.3: `htu` is the hop's
 *   URL, and no `jti` is sent twice), which no synchronous hook could sign.
 * - In a page the browser follows redirects itself and asks no one first (see the README for
 *   what that allows): the browser build has `send.browser.ts` in this module's place.
 * `byName`: axios chose the adapter by name; an app's own adapter function is never taken for
 * axios's fetch or http adapter, whatever it is called.
 * Only the hook stays on the config (a re-sent config has it replaced, not nested).
 */
export function sendGuarded(send: AxiosAdapter, config: InternalAxiosRequestConfig, names: readonly string[], mayReceive: (href: string) => boolean, resign?: Resign, byName = false): Promise<AxiosResponse> {
  const hook = config.beforeRedirect as BeforeRedirect | undefined;
  const own = hook && OURS in hook ? hook[OURS] : hook;
  if ((config as Detoured)[DETOURED]) (config as Detoured)[DETOURED] = false;
  const guarded: BeforeRedirect = (options, ...rest) => {
    if (!mayReceive(options.href)) {
      (config as Detoured)[DETOURED] = true;
      const lower = names.map((name) => name.toLowerCase());
      for (const key of Object.keys(options.headers)) if (lower.includes(key.toLowerCase())) delete options.headers[key];
    }
    own?.(options, ...rest);
  };
  guarded[OURS] = own;
  config.beforeRedirect = guarded;
  const hops = { names, mayReceive, resign };
  const manual = byName ? manualFor(send, config, !!resign) : undefined;
  return manual ? followRedirects(send, config, hops, manual) : send(config);
}

/**
 * Whether the hops are followed here, and how the adapter is told to hand them back: only
 * outside a page, and when the call has not chosen its own redirect handling.
 */
function manualFor(send: AxiosAdapter, config: InternalAxiosRequestConfig, proved: boolean): Manual | undefined {
  if ((globalThis as { location?: unknown }).location !== undefined || config.maxRedirects === 0) return undefined;
  // axios's fetch adapter is named 'fetch' (axios < 1.12) or nothing (from `getFetch`).
  if (send.name === 'fetch' || send.name === '') {
    const redirect = (config.fetchOptions as { redirect?: unknown } | undefined)?.redirect;
    return redirect === undefined || redirect === 'follow' ? 'fetch' : undefined;
  }
  return proved && (send.name === 'http' || send.name === 'httpAdapter') ? 'http' : undefined;
}

/** Sends with redirects handed back and follows each hop here; the config's own options are put back afterwards. */
async function followRedirects(send: AxiosAdapter, config: InternalAxiosRequestConfig, hops: Hops, manual: Manual): Promise<AxiosResponse> {
  const key = manual === 'fetch' ? 'fetchOptions' : 'maxRedirects';
  const had = Object.prototype.hasOwnProperty.call(config, key);
  const own = config[key];
  const limit = config.maxRedirects ?? FETCH_MAX_REDIRECTS;
  if (manual === 'fetch') config.fetchOptions = { ...config.fetchOptions, redirect: 'manual' } as typeof config.fetchOptions;
  else config.maxRedirects = 0;
  try {
    return await follow(send, config, hops, manual, limit);
  } finally {
    if (had) (config as unknown as Record<string, unknown>)[key] = own;
    else delete config[key];
  }
}

async function follow(send: AxiosAdapter, config: InternalAxiosRequestConfig, { names, mayReceive, resign }: Hops, manual: Manual, limit: number): Promise<AxiosResponse> {
  let hop = config;
  let at = axios.getUri(config);
  for (let hops = 0; ; hops++) {
    let response: AxiosResponse | undefined;
    let failure: unknown;
    try {
      response = await send(hop);
    } catch (error) {
      failure = error;
      response = isAxiosError(error) ? error.response : undefined;
    }
    const request = response?.request as FetchRequestLike | undefined;
    const handedBack = manual === 'http' || request?.redirect === 'manual';
    const location = response && REDIRECTS.has(response.status) && handedBack ? response.headers?.location : undefined;
    if (typeof location !== 'string') {
      if (hops && response) (response as Landed)[LANDED] = at;
      if (failure === undefined) {
        response!.config = config;
        return response!;
      }
      if (isAxiosError(failure)) {
        failure.config = config;
        if (failure.response) failure.response.config = config;
      }
      throw failure;
    }
    discard(response!.data);
    let next: URL;
    try {
      next = new URL(location, at);
    } catch {
      throw new AxiosError('Redirected to a URL that cannot be parsed', AxiosError.ERR_BAD_RESPONSE, config, request, response);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new AxiosError(`Redirected to a ${next.protocol} URL, which fetch does not follow`, AxiosError.ERR_BAD_RESPONSE, config, request, response);
    }
    if (hops >= limit) throw new AxiosError('Maximum number of redirects exceeded', 'ERR_FR_TOO_MANY_REDIRECTS', config, request, response);
    // Fetch standard: a body that was a stream cannot be sent again.
    if (!becomesGet(response!.status, hop.method) && hop.data != null && isOneShot(hop.data)) {
      throw new AxiosError('Cannot follow a redirect that resends a stream body', AxiosError.ERR_BAD_REQUEST, config, request, response);
    }
    const tokenAllowed = mayReceive(next.href);
    if (!tokenAllowed) (config as Detoured)[DETOURED] = true;
    hop = nextHop(hop, response!.status, new URL(at), next, names, tokenAllowed);
    at = next.href;
    if (resign && tokenAllowed) await resign(hop, at);
  }
}

/** The fetch standard's HTTP-redirect fetch, steps 11-13, for one hop: method, body, and the credentials another origin must not get. */
function nextHop(hop: InternalAxiosRequestConfig, status: number, from: URL, to: URL, names: readonly string[], tokenAllowed: boolean): InternalAxiosRequestConfig {
  const headers = new AxiosHeaders(hop.headers);
  let method = hop.method ?? 'get';
  let data = hop.data;
  if (becomesGet(status, method)) {
    method = 'get';
    data = undefined;
    headers.delete(BODY_HEADERS);
  }
  const crossOrigin = to.origin !== from.origin;
  if (crossOrigin) headers.delete(CREDENTIAL_HEADERS);
  if (!tokenAllowed) headers.delete(names as string[]);
  return {
    ...hop,
    url: to.href,
    baseURL: undefined,
    allowAbsoluteUrls: true,
    params: undefined,
    method,
    data,
    headers,
    auth: crossOrigin ? undefined : hop.auth,
  };
}

/** Fetch standard: 303 turns any method but HEAD into GET, 301 and 302 turn POST into GET. */
function becomesGet(status: number, method = 'get'): boolean {
  const m = method.toLowerCase();
  return (status === 303 && m !== 'get' && m !== 'head') || ((status === 301 || status === 302) && m === 'post');
}

/** A redirect's body that was handed over as a stream is never read: release it. */
function discard(data: unknown): void {
  if (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream) data.cancel().catch(() => {});
  else if (typeof (data as { destroy?: unknown } | null)?.destroy === 'function') (data as { destroy(): void }).destroy();
}
