import { isAxiosError, type AxiosResponse } from 'axios';
import { AuthError } from '../errors';
import type { RefreshContext } from '../options';
import { redact } from '../redact';
import type { AuthTokens } from '../tokens';
import { clientCredentials, formEncode } from './clientAuthentication';
import type { TokenEndpoint } from './discovery';
import { endpointRequest } from './endpointRequest';
import { OAuthError } from './errors';
import type { ResolvedGrantOptions } from './options';

/** Tokens as a grant returns them; `tokenType` and `scope` are kept as the server sent them. */
export type GrantTokens = AuthTokens & { tokenType?: string; scope?: string };

/**
 * Sends one token request (RFC 6749 section 3.2): a form-urlencoded POST (Appendix B) asking
 * for JSON, with the grant's fields, the client's authentication, `scope`, each `resource`
 * (RFC 8707 section 2.2) and `params`, to the endpoint alone (`endpointRequest`: no redirect is
 * followed, no answer over 1 MiB read). With `context.dpop` the request carries a DPoP proof
 * (RFC 9449 section 5), and a 400 `use_dpop_nonce` is answered by one retry with the nonce it
 * hands out (section 8).
 *
 * `context.scope` takes precedence over the configured `scope`; `context.resource` replaces the
 * configured `resource` (see below).
 *
 * Every error that leaves here has the secrets masked: the client's (every spelling),
 * `spent` (the grant's own, a refresh token, as it is and form-encoded) and the proofs sent.
 * That includes the server's own words: an `error_description` or `error_uri` may echo what it
 * was sent, and the app logs them.
 */
export async function tokenRequest(
  endpoint: TokenEndpoint,
  grant: Array<[string, string]>,
  options: ResolvedGrantOptions,
  context: Pick<RefreshContext, 'signal' | 'dpop' | 'resource' | 'scope'>,
  spent: string[] = [],
): Promise<GrantTokens> {
  const client = clientCredentials(options);
  const body = new URLSearchParams([...grant, ...client.body]);
  // RFC 6749 section 3.3 (section 6 on a refresh: within what was granted; a rotated refresh
  // token keeps the scope of the one it replaces, so asking for less never shrinks the grant).
  const scope = context.scope ?? options.scope;
  if (scope) body.set('scope', scope);
  // RFC 8707 section 2.2 (a token request, of either grant): a token for one resource server
  // names that resource alone, not the configured ones besides: servers may refuse several at
  // the token endpoint (oidc-provider answers `invalid_target`: one audience per token).
  for (const resource of context.resource === undefined ? options.resource : [context.resource]) body.append('resource', resource);
  for (const [name, value] of Object.entries(options.params)) body.set(name, value);
  const proofs: string[] = [];
  try {
    return await send(await endpoint(context), body.toString(), client.headers, options, context, proofs);
  } catch (error) {
    throw redact(error, [...client.secrets, ...spent, ...spent.map(formEncode), ...proofs]);
  }
}

/** Posts the token request, retrying once for a DPoP nonce; `proofs` collects the proofs sent. */
async function send(
  endpoint: string,
  body: string,
  clientHeaders: Record<string, string>,
  options: ResolvedGrantOptions,
  { signal, dpop }: Pick<RefreshContext, 'signal' | 'dpop'>,
  proofs: string[],
): Promise<GrantTokens> {
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { ...clientHeaders, Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' };
    // Section 4.3: a fresh proof for each request, the nonce's retry included; no `ath`, no token is sent.
    if (dpop) proofs.push((headers.DPoP = await dpop.proof('POST', endpoint)));
    let response: AxiosResponse;
    try {
      response = await endpointRequest(options.http, { method: 'POST', url: endpoint, data: body, headers }, signal);
    } catch (error) {
      const answer = isAxiosError(error) ? error.response : undefined;
      if (dpop && answer) {
        dpop.observe(endpoint, answer.headers);
        const problem = dpop.problem(answer);
        // Section 8: one retry with the nonce given; a second demand means something else is wrong.
        if (problem?.error === 'use_dpop_nonce' && problem.nonce && attempt === 0) continue;
      }
      const refusal = answer?.data as { error?: unknown } | undefined;
      // RFC 6749 section 5.2: an error response is JSON with a string `error` code.
      if (answer && typeof refusal?.error === 'string') throw new OAuthError(refusal as { error: string }, answer.status);
      // Anything else (a 5xx, a 429, the network) passes as axios reported it, so the core can
      // tell a transient failure by its status.
      throw error;
    }
    // Section 8.2: the server may hand out the next nonce with a success.
    dpop?.observe(endpoint, response.headers);
    return toTokens(response.data);
  }
}

/**
 * Maps a successful token response (RFC 6749 section 5.1) to tokens. `expires_in` is returned
 * as it came: the core turns it into an expiry on the server's clock. An absent `refresh_token`
 * is left out, so the core keeps the one it has (section 6: the server may not rotate it).
 */
export function toTokens(data: unknown): GrantTokens {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new AuthError('ERR_INVALID_TOKENS', `Expected a JSON object from the token endpoint, got ${data === null ? 'null' : typeof data}`);
  }
  const fields = data as Record<string, unknown>;
  const { access_token, token_type, scope } = fields;
  // Section 5.1 leaves out a field that does not apply; servers that serialise every field send
  // `null` instead, which means the same (a null `token_type` or `scope` is not a string: left out too).
  const expires_in = fields.expires_in ?? undefined;
  const refresh_token = fields.refresh_token ?? undefined;
  // Keys only, never values: the body may hold tokens.
  const keys = () => Object.keys(data).slice(0, 20).join(', ') || 'none';
  if (typeof access_token !== 'string' || access_token === '') {
    throw new AuthError('ERR_INVALID_TOKENS', `Expected \`access_token\` in the token response; its keys were: ${keys()}`);
  }
  // Some servers send the number as a string; anything that is not a count of seconds is refused.
  const expiresIn = typeof expires_in === 'string' && /^\d+$/.test(expires_in) ? Number(expires_in) : expires_in;
  if (expiresIn !== undefined && !(typeof expiresIn === 'number' && expiresIn >= 0 && expiresIn < Infinity)) {
    throw new AuthError('ERR_INVALID_TOKENS', 'Expected `expires_in` in the token response to be a number of seconds');
  }
  if (refresh_token !== undefined && (typeof refresh_token !== 'string' || refresh_token === '')) {
    throw new AuthError('ERR_INVALID_TOKENS', 'Expected `refresh_token` in the token response to be a non-empty string');
  }
  const tokens: GrantTokens = { accessToken: access_token };
  if (typeof token_type === 'string') tokens.tokenType = token_type;
  if (expiresIn !== undefined) tokens.expiresIn = expiresIn;
  if (refresh_token !== undefined) tokens.refreshToken = refresh_token;
  if (typeof scope === 'string') tokens.scope = scope;
  return tokens;
}
