import { parseAuthChallenge } from '../challenge';
import { readHeader, responseNonce } from './nonce';

/**
 * What a refused call or token request says about DPoP:
 * - `use_dpop_nonce`: send the call once more with `nonce` in a fresh proof (sections 8 and 9).
 *   With no valid `nonce` there is nothing better to send: do not replay.
 * - `invalid_dpop_proof`: the proof itself was refused (sections 5 and 7.1). Signing the same
 *   way again will not help; it points at the clock, the key or the URL.
 * - `invalid_token`: a resource server refused the DPoP-bound token itself (section 7.1): refresh
 *   as for a Bearer token.
 * Other `error` values of a `DPoP` challenge (e.g. `insufficient_scope`) come through as sent.
 */
export interface DPoPProblem {
  error: string;
  /** The response's `DPoP-Nonce`, when it has a valid one. */
  nonce?: string;
  /** `resource` for a 401 `WWW-Authenticate: DPoP` challenge, `token` for a token endpoint's 400 body. */
  from: 'resource' | 'token';
  /** The JWS algorithms the resource server accepts (`algs`, section 7.1), when it says. */
  algs?: string[];
}

/** The parts of a response this reads: axios's, or the same fields from any other client. */
export interface ResponseLike {
  status: number;
  headers?: unknown;
  data?: unknown;
}

const TOKEN_ERRORS = new Set(['use_dpop_nonce', 'invalid_dpop_proof']);

/**
 * Reads a response for a DPoP problem; `undefined` when it has none (e.g. a `Bearer` challenge,
 * or a token endpoint's `invalid_grant`, which are not about the proof). A resource server answers
 * 401 with a `DPoP` challenge (sections 7.1 and 9); a token endpoint answers 400 with a JSON body
 * (sections 5 and 8, RFC 6749 section 5.2). The body may still be unparsed text or bytes, as an
 * axios adapter returns it before the response transforms run.
 */
export function dpopProblem(response: ResponseLike): DPoPProblem | undefined {
  const headers = response.headers as Parameters<typeof readHeader>[0];
  const nonce = responseNonce(headers);
  if (response.status === 401) {
    const header = readHeader(headers, 'WWW-Authenticate');
    const challenge = typeof header === 'string' ? parseAuthChallenge(header).find((c) => c.scheme.toLowerCase() === 'dpop' && c.params.error) : undefined;
    if (!challenge) return undefined;
    const { error, algs } = challenge.params;
    return { error: error!, from: 'resource', ...(nonce && { nonce }), ...(algs && { algs: algs.split(' ').filter(Boolean) }) };
  }
  if (response.status === 400) {
    const error = bodyError(response.data);
    return error && TOKEN_ERRORS.has(error) ? { error, from: 'token', ...(nonce && { nonce }) } : undefined;
  }
  return undefined;
}

function bodyError(data: unknown): string | undefined {
  let body = data;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) body = new TextDecoder().decode(body as ArrayBuffer | ArrayBufferView);
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const error = (body as { error?: unknown } | null)?.error;
  return typeof error === 'string' ? error : undefined;
}
