import { AxiosHeaders, type AxiosError, type AxiosResponse } from 'axios';

export interface AuthChallenge {
  /** The auth scheme as sent, e.g. `Bearer`; compare it case-insensitively. */
  scheme: string;
  /** The token68 form (`Basic abc==`), when the challenge uses it instead of parameters. */
  token68?: string;
  /** Parameters by lower-cased name, quoted strings unescaped (RFC 6750: `error`, `error_description`, `scope`, `realm`). */
  params: Record<string, string>;
}

const TOKEN = "[\\w!#$%&'*+.^`|~-]+";
/**
 * One comma-separated item: an optional auth-scheme, then a parameter (`name = token` or
 * `name = "quoted"`) or a token68. A lone token68 is really a scheme without parameters.
 */
const ITEM = new RegExp(`[\\s,]*(?:(${TOKEN})[ \\t]+(?=[^\\s,]))?(?:(${TOKEN})[ \\t]*=[ \\t]*(?:"((?:[^"\\\\]|\\\\.)*)"|(${TOKEN}))|([\\w.~+/-]+=*))[ \\t]*(?=,|$)`, 'y');

/**
 * Parses a `WWW-Authenticate` header into its challenges (RFC 9110 section 11.6.1): several
 * challenges in one header, parameters with token or quoted-string values, and token68. Parsing
 * stops at the first malformed part and returns the challenges read up to there.
 */
export function parseAuthChallenge(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  ITEM.lastIndex = 0;
  for (let item; (item = ITEM.exec(header)); ) {
    let [, scheme, name, quoted, plain, token68] = item;
    if (!scheme && token68) [scheme, token68] = [token68, undefined];
    if (scheme) challenges.push({ scheme, params: {}, ...(token68 && { token68 }) });
    const challenge = challenges[challenges.length - 1];
    if (!challenge) break;
    if (name) challenge.params[name.toLowerCase()] = quoted?.replace(/\\(.)/g, '$1') ?? plain!;
  }
  return challenges;
}

/** A 401 or 403 whose challenge says `insufficient_scope`: `requiredScope` is its `scope` parameter (`''` when absent). */
export type InsufficientScopeError = AxiosError & { requiredScope: string };

/** The scope an `insufficient_scope` challenge asks for (`''` when it names none), or `undefined` for any other response. */
export function insufficientScope(response: AxiosResponse): string | undefined {
  const header = AxiosHeaders.from(response.headers as AxiosHeaders).get('www-authenticate');
  if (typeof header !== 'string') return undefined;
  const challenge = parseAuthChallenge(header).find((c) => c.params.error === 'insufficient_scope');
  return challenge && (challenge.params.scope ?? '');
}

/**
 * Asked for a step-up: the token is valid but not enough for this call, which a refresh of the
 * same grant cannot change. RFC 6750 section 3.1 `insufficient_scope`; RFC 9470 section 3
 * `insufficient_user_authentication` (a stronger or more recent sign-in); `insufficient_claims`
 * (OpenID Continuous Access Evaluation: claims the token must carry).
 */
const STEP_UP_ERRORS = new Set(['insufficient_scope', 'insufficient_user_authentication', 'insufficient_claims']);

/**
 * The challenges of a 401 or 403 meant for the scheme a call used (RFC 9110 section 11.6.1: a
 * server lists one per scheme it accepts, and `DPoP error="insufficient_scope"` says nothing of a
 * Bearer token). All of them when none names that scheme, or the call used no scheme.
 */
export function challengesFor(response: AxiosResponse, scheme: string): AuthChallenge[] {
  if (response.status !== 401 && response.status !== 403) return [];
  const header = AxiosHeaders.from(response.headers as AxiosHeaders).get('www-authenticate');
  if (typeof header !== 'string') return [];
  const all = parseAuthChallenge(header);
  const lower = scheme.toLowerCase();
  const mine = all.filter((challenge) => challenge.scheme.toLowerCase() === lower);
  return mine.length ? mine : all;
}

/** The step-up challenge for `scheme` of a 401 or 403, or `undefined` when it asks for nothing a step-up gives. */
export function stepUpChallenge(response: AxiosResponse, scheme: string): AuthChallenge | undefined {
  return challengesFor(response, scheme).find((challenge) => STEP_UP_ERRORS.has(challenge.params.error ?? ''));
}
