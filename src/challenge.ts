import { AxiosHeaders, type AxiosError, type AxiosResponse } from 'axios';

export interface AuthChallenge {
  /** The auth scheme as sent, e.g. `Bearer`; compare it case-insensitively. */
  scheme: string;
  /** The token68 form (`Basic abc==`), when the challenge uses it instead of parameters. */
  token68?: string;
  /** Parameters by lower-cased name, quoted strings unescaped (RFC 6750: `error`, `error_description`, `scope`, `realm`). */
  params: Record<string, string>;
}

const TOKEN = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]+";
// `name = value` where value is a token or a quoted-string (RFC 9110 section 5.6.4).
const PARAM = new RegExp(`(${TOKEN})[ \\t]*=[ \\t]*(?:(${TOKEN})|"((?:[^"\\\\]|\\\\.)*)")[ \\t]*(?:,|$)`, 'y');
const TOKEN68 = /([A-Za-z0-9\-._~+/]+=*)[ \t]*(?:,|$)/y;
const SCHEME = new RegExp(`(${TOKEN})(?:[ \\t]+|[ \\t]*(?:,|$))`, 'y');
const SEPARATORS = /[ \t,]*/y;

function match(pattern: RegExp, input: string, at: number): RegExpExecArray | null {
  pattern.lastIndex = at;
  return pattern.exec(input);
}

/**
 * Parses a `WWW-Authenticate` header into its challenges (RFC 9110 section 11.6.1): several
 * challenges in one header, parameters with token or quoted-string values, and token68. Parsing
 * stops at the first malformed part and returns the challenges read up to there.
 */
export function parseAuthChallenge(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let at = match(SEPARATORS, header, 0)![0].length;
  while (at < header.length) {
    const scheme = match(SCHEME, header, at);
    if (!scheme) break;
    const challenge: AuthChallenge = { scheme: scheme[1]!, params: {} };
    challenges.push(challenge);
    at = scheme.index + scheme[0].length;
    const token68 = !scheme[0].endsWith(',') && !match(PARAM, header, at) && match(TOKEN68, header, at);
    if (token68) {
      challenge.token68 = token68[1];
      at += token68[0].length;
    } else {
      for (let param; (param = match(PARAM, header, at)); ) {
        challenge.params[param[1]!.toLowerCase()] = param[2] ?? param[3]!.replace(/\\(.)/g, '$1');
        at += param[0].length;
        at += match(SEPARATORS, header, at)![0].length;
      }
    }
    at += match(SEPARATORS, header, at)![0].length;
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
