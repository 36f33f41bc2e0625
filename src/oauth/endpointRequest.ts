import { AxiosError, isAxiosError, type AxiosInstance, type AxiosProgressEvent, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { AuthError } from '../errors';

/**
 * The most an authorization server's answer may hold: 1 MiB. A token response is a handful of
 * short fields (RFC 6749 section 5.1; JWT access and ID tokens rarely pass 10 kB) and a metadata
 * document a few kB. Anything larger is a broken or hostile server, and reading it whole would
 * let that server fill the app's memory on every refresh.
 */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * Sends one request to an authorization server's endpoint (the token endpoint, or an issuer's
 * metadata) and returns its 2xx answer; any other status rejects as an axios error with its
 * `response`, as axios does by default. These per-request options replace the instance's:
 * - No redirect is followed (`maxRedirects: 0`; `fetchOptions.redirect: 'manual'` for the fetch
 *   adapter). The token endpoint is the one URL the client was configured with or discovered
 *   (RFC 6749 section 3.2) and metadata comes from the issuer's own URL (RFC 8414 section 3):
 *   following a redirect would re-send the client's secret, the refresh token and the DPoP proof
 *   elsewhere (a 307, maybe to plain http), or take another origin's answer as this one's. A 3xx,
 *   an opaque redirect (status 0, a browser's fetch) or an XHR answer from another URL (a
 *   browser's XHR follows redirects before axios sees them) rejects with `ERR_REFRESH_FAILED`,
 *   whatever the instance's `validateStatus`, and its body is never looked at (a redirect's
 *   `{"error":"invalid_grant"}` must not end the session).
 * - The answer is cut off after `MAX_RESPONSE_BYTES` (`maxContentLength`, and, for adapters that
 *   ignore it, as soon as `onDownloadProgress` reports more): `ERR_REFRESH_FAILED`.
 * - `signal` follows the given one.
 */
export async function endpointRequest(http: AxiosInstance, config: AxiosRequestConfig & { url: string }, signal: AbortSignal): Promise<AxiosResponse> {
  const guard = sizeGuard(signal);
  let response: AxiosResponse;
  try {
    response = await http.request({
      ...config,
      maxRedirects: 0,
      fetchOptions: { redirect: 'manual' },
      maxContentLength: MAX_RESPONSE_BYTES,
      onDownloadProgress: guard.progress,
      signal: guard.signal,
    });
  } catch (error) {
    if (guard.exceeded() || (isAxiosError(error) && /maxContentLength/.test(error.message))) throw tooLarge(config.url);
    if (isAxiosError(error) && error.response) refuseRedirect(error.response, config.url);
    throw error;
  } finally {
    guard.release();
  }
  refuseRedirect(response, config.url);
  if (response.status >= 200 && response.status < 300) return response;
  // The instance's validateStatus let an error through: it is reported as axios would by default.
  const code = response.status < 500 ? AxiosError.ERR_BAD_REQUEST : AxiosError.ERR_BAD_RESPONSE;
  throw new AxiosError(`Request failed with status code ${response.status}`, code, response.config, response.request, response);
}

/** Throws `ERR_REFRESH_FAILED` for an answer that is a redirect, or that a redirect already led to. */
function refuseRedirect(response: AxiosResponse, url: string): void {
  const { status } = response;
  const elsewhere = answeredFrom(response, url);
  if (status !== 0 && (status < 300 || status > 399) && !elsewhere) return;
  const location: unknown = response.headers?.location;
  const target = typeof location === 'string' ? originOf(location, url) : '';
  const what = elsewhere ? `was answered from ${elsewhere}, a redirect` : `answered ${status || 'with an opaque redirect'}${target ? ` (to ${target})` : ''}`;
  throw new AuthError('ERR_REFRESH_FAILED', `${url} ${what}, which is never followed: token and metadata requests go only to the URL configured or discovered (RFC 6749 section 3.2, RFC 8414 section 3)`);
}

/** Where an XHR answer came from (its `responseURL`) when that is not `url`: the browser followed a redirect. */
function answeredFrom(response: AxiosResponse, url: string): string {
  const responseURL: unknown = (response.request as { responseURL?: unknown } | undefined)?.responseURL;
  if (typeof responseURL !== 'string' || responseURL === '') return '';
  try {
    const from = new URL(responseURL);
    const asked = new URL(url);
    return from.origin === asked.origin && from.pathname === asked.pathname ? '' : from.origin;
  } catch {
    return '';
  }
}

/** The origin a Location points to, or '' when it is not a URL: it says where without repeating a path or query that may hold anything. */
function originOf(location: string, base: string): string {
  try {
    return new URL(location, base).origin;
  } catch {
    return '';
  }
}

function tooLarge(url: string): AuthError {
  return new AuthError('ERR_REFRESH_FAILED', `The answer of ${url} was larger than 1 MiB and was cut off: no token response or metadata document is that large`);
}

/**
 * The request's own signal: it follows `signal`, and aborts once the adapter reports more than
 * `MAX_RESPONSE_BYTES` received, for adapters that ignore `maxContentLength` (a browser's XHR;
 * axios's fetch adapter before 1.16). They report progress a few times a second, so a little
 * more may arrive first; `maxContentLength` stops the others at the byte.
 */
function sizeGuard(signal: AbortSignal) {
  const controller = new AbortController();
  let exceeded = false;
  const follow = () => controller.abort(signal.reason);
  if (signal.aborted) follow();
  else signal.addEventListener('abort', follow, { once: true });
  return {
    signal: controller.signal,
    exceeded: () => exceeded,
    progress({ loaded }: AxiosProgressEvent) {
      if (loaded <= MAX_RESPONSE_BYTES || exceeded) return;
      exceeded = true;
      controller.abort();
    },
    release: () => signal.removeEventListener('abort', follow),
  };
}
