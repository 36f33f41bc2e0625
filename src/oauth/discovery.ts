import { AuthError } from '../errors';
import type { RefreshContext } from '../options';
import { endpointRequest } from './endpointRequest';
import { checkEndpoint, type ResolvedGrantOptions } from './options';

/**
 * Where an issuer's metadata may be, in the order asked: RFC 8414 section 3.1 inserts the
 * well-known segment between the host and the issuer's path; OpenID Connect Discovery 1.0
 * section 4 appends it to the issuer. For an issuer without a path the two differ only in name.
 */
export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return [`${url.origin}/.well-known/oauth-authorization-server${path}`, `${url.origin}${path}/.well-known/openid-configuration`];
}

/**
 * Fetches the issuer's metadata and returns its `token_endpoint`. A document answered for another
 * issuer is refused (RFC 8414 section 3.3): it would send the client's secret and tokens to a
 * server the app never named. A location that answers with an error, a redirect (never followed:
 * RFC 8414 section 3, the issuer serves its own metadata) or no metadata makes the next one be
 * asked; when none answers, the refresh fails (`ERR_REFRESH_FAILED`) and the session keeps its tokens.
 */
export async function discoverTokenEndpoint(issuer: string, options: ResolvedGrantOptions, context: Pick<RefreshContext, 'signal'>): Promise<string> {
  const failures: string[] = [];
  for (const url of metadataUrls(issuer)) {
    let metadata: unknown;
    try {
      ({ data: metadata } = await endpointRequest(options.http, { method: 'GET', url, headers: { Accept: 'application/json' } }, context.signal));
    } catch (error) {
      if (context.signal.aborted) throw error;
      failures.push(`${url}: ${(error as { response?: { status?: number } }).response?.status ?? (error as Error).message}`);
      continue;
    }
    if (typeof metadata !== 'object' || metadata === null || !('issuer' in metadata)) {
      failures.push(`${url}: no metadata`);
      continue;
    }
    const found = metadata as { issuer: unknown; token_endpoint?: unknown };
    if (found.issuer !== issuer) {
      throw new AuthError('ERR_REFRESH_FAILED', `The metadata at ${url} is for issuer ${JSON.stringify(found.issuer)}, not ${JSON.stringify(issuer)} (RFC 8414 section 3.3); configure the issuer exactly as the server names itself`);
    }
    try {
      return checkEndpoint('token_endpoint', found.token_endpoint, options.allowInsecureRequests);
    } catch (cause) {
      throw new AuthError('ERR_REFRESH_FAILED', `The metadata of ${issuer} has no usable token_endpoint`, { cause });
    }
  }
  throw new AuthError('ERR_REFRESH_FAILED', `No authorization server metadata found for ${issuer} (${failures.join('; ')})`);
}

/** Where a grant's token requests go: the configured endpoint, or the issuer's discovered one. */
export type TokenEndpoint = (context: Pick<RefreshContext, 'signal'>) => Promise<string>;

/**
 * The token endpoint of one grant: the configured one, or the issuer's, discovered on first
 * use and kept. A discovery that failed is forgotten, so the next refresh asks again.
 */
export function tokenEndpointOf(options: ResolvedGrantOptions): TokenEndpoint {
  const { issuer, tokenEndpoint } = options;
  if (tokenEndpoint !== undefined) return async () => tokenEndpoint;
  let discovered: Promise<string> | undefined;
  return (context) => {
    discovered ??= discoverTokenEndpoint(issuer!, options, context).catch((error: unknown) => {
      discovered = undefined;
      throw error;
    });
    return discovered;
  };
}
