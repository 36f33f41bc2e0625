import type { AxiosResponse } from 'axios';
import { DETOURED, LANDED, type Detoured, type Landed } from './hops';


/**
 * The URL the response came from, when the adapter tells and it may differ from the one
 * requested: after the http adapter's redirects (`res.responseUrl`), xhr's `responseURL`, and
 * the fetch adapter's request when `sendGuarded` followed the hops. `undefined` when it cannot
 * be known (the browser's fetch follows redirects unseen) or nothing was sent.
 */
export function finalUrl(response: Pick<AxiosResponse, 'request'> | undefined): string | undefined {
  const landed = (response as Landed | undefined)?.[LANDED];
  if (landed !== undefined) return landed;
  const request = response?.request as { res?: { responseUrl?: unknown }; responseURL?: unknown; url?: unknown; redirect?: unknown } | undefined;
  if (typeof request !== 'object' || request === null) return undefined;
  const followed = request.res?.responseUrl;
  if (typeof followed === 'string') return followed;
  if (typeof request.responseURL === 'string') return request.responseURL || undefined;
  if (typeof request.url === 'string' && typeof request.redirect === 'string') return request.redirect === 'follow' ? undefined : request.url;
  return undefined;
}

/**
 * Whether `response` came from an origin that may not receive the token, reached through
 * redirects from the call's own `origin`: its 401 must start no refresh and its `Date` must not
 * set the session's clock. A response whose URL is unknown, or relative (stub adapters report
 * the config's `url`), or a call whose own origin is unknown (a path sent over a `socketPath`),
 * counts as the call's own.
 */
export function isForeign(response: (Pick<AxiosResponse, 'request'> & { config?: unknown }) | undefined, origin: string | undefined, mayReceive: (href: string) => boolean): boolean {
  // An origin that could not have the token may still send the call back home, bare: what
  // comes back then is that origin's doing, whatever URL it ends on.
  if ((response?.config as Detoured | undefined)?.[DETOURED]) return true;
  const landed = finalUrl(response);
  if (landed === undefined || origin === undefined) return false;
  let from: string;
  try {
    from = new URL(landed).origin;
  } catch {
    return false;
  }
  return from !== origin && !mayReceive(landed);
}

