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
 * The default refresh rule: a 401 means the access token was not accepted, unless the server
 * says the token is fine but lacks a scope (RFC 6750 `insufficient_scope`), which a new token
 * of the same grant would not fix.
 */
export function isExpiredTokenResponse(response: AxiosResponse): boolean {
  return response.status === 401 && insufficientScope(response) === undefined;
}
