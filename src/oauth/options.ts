import axios, { type AxiosInstance } from 'axios';
import { check, checkKeys, invalid } from '../validation';

/** How the client proves its identity at the token endpoint (RFC 6749 section 2.3, OpenID Connect Core section 9). */
export type ClientAuthentication = 'client_secret_basic' | 'client_secret_post' | 'none';

/** Options shared by every grant. Give `issuer` or `tokenEndpoint`, not both. */
export interface GrantOptions {
  /**
   * The authorization server's issuer identifier, e.g. `'https://id.example.com'`. Its
   * `token_endpoint` is discovered on the first refresh: RFC 8414
   * `/.well-known/oauth-authorization-server`, then OpenID `/.well-known/openid-configuration`.
   * @default none: give `tokenEndpoint` instead
   */
  issuer?: string;
  /**
   * The token endpoint's URL, used as is (no discovery).
   * @default discovered from `issuer`
   */
  tokenEndpoint?: string;
  /** The client identifier the authorization server issued (RFC 6749 section 2.2). */
  clientId: string;
  /**
   * The client secret of a confidential client. Leave it out for a public client (a browser or
   * mobile app), which cannot keep one.
   * @default none
   */
  clientSecret?: string;
  /**
   * How `clientId` and `clientSecret` reach the token endpoint: in an HTTP Basic `Authorization`
   * header, in the form body, or `clientId` alone in the body (a public client, or mutual TLS
   * configured on `http`).
   * @default 'client_secret_basic' with a `clientSecret`, else 'none'
   */
  clientAuthentication?: ClientAuthentication;
  /**
   * Space-separated scopes to ask for (RFC 6749 section 3.3). On a refresh they may only narrow
   * what was granted (section 6).
   * @default none: the server's default, or what was granted
   */
  scope?: string;
  /**
   * Where the token will be used (RFC 8707): an absolute URI without a fragment, or several.
   * Sent as one `resource` field each.
   * @default none
   */
  resource?: string | string[];
  /**
   * Extra form fields for every token request, e.g. `{ audience: 'https://api.example.com' }`
   * for Auth0. They cannot replace the fields the grant sets itself.
   * @default {}
   */
  params?: Record<string, string>;
  /**
   * The axios instance that sends token and discovery requests. Never pass the instance the
   * interceptor is attached to: its limiters, queues and this interceptor would hold the refresh
   * behind the very calls that wait for it. Each request the grant sends sets `maxRedirects: 0`,
   * `fetchOptions.redirect: 'manual'`, `maxContentLength`, `onDownloadProgress` and `signal`
   * itself, whatever the instance says: no redirect is followed and no answer over 1 MiB read.
   * @default a fresh `axios.create()` of this grant's own
   */
  http?: AxiosInstance;
  /**
   * Allows `http:` URLs for endpoints other than loopback ones. RFC 6749 sections 2.3.1 and
   * 3.2 require TLS wherever secrets and tokens travel, so only a network you trust end to end
   * (a test rig, a service mesh that adds TLS itself) should turn this on.
   * @default false: `https:` everywhere, `http:` only for localhost, 127.0.0.0/8 and [::1]
   */
  allowInsecureRequests?: boolean;
}

export interface ResolvedGrantOptions {
  issuer?: string;
  tokenEndpoint?: string;
  clientId: string;
  clientSecret?: string;
  clientAuthentication: ClientAuthentication;
  scope?: string;
  resource: string[];
  params: Record<string, string>;
  http: AxiosInstance;
  allowInsecureRequests: boolean;
}

/** Every option's name: a `Record` over the interface's keys, so the compiler notices one left out. */
const GRANT_OPTIONS: Record<keyof GrantOptions, true> = {
  issuer: true,
  tokenEndpoint: true,
  clientId: true,
  clientSecret: true,
  clientAuthentication: true,
  scope: true,
  resource: true,
  params: true,
  http: true,
  allowInsecureRequests: true,
};

/** Form fields a grant sets itself, which `params` must not replace. */
const RESERVED = ['grant_type', 'refresh_token', 'client_id', 'client_secret', 'scope', 'resource'];

const isString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * Loopback hosts, where plain http never leaves the machine (RFC 8252 section 8.3). Judged on the
 * URL parser's hostname, so `http://127.0.0.1.evil.example` is not one.
 */
const isLoopback = (hostname: string) => hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);

/** Throws unless `value` is an absolute https URL (or http where allowed), without a fragment. */
export function checkEndpoint(name: string, value: unknown, allowInsecureRequests: boolean, query = true): string {
  let url: URL | undefined;
  try {
    url = new URL(String(value));
  } catch {
    // reported below
  }
  const secure = url?.protocol === 'https:' || (url?.protocol === 'http:' && (allowInsecureRequests || isLoopback(url.hostname)));
  if (typeof value !== 'string' || !url || !secure || url.hash || (!query && url.search)) {
    const what = `an absolute https URL${query ? '' : ' without a query'} and without a fragment (http only for loopback hosts, or with \`allowInsecureRequests: true\`)`;
    throw invalid(name, what, value);
  }
  return value;
}

/** Fills in defaults and rejects options that cannot work, when the grant is created. */
export function resolveGrantOptions(options: GrantOptions): ResolvedGrantOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'an object with `clientId` and `issuer` or `tokenEndpoint`', options);
  checkKeys(options, Object.keys(GRANT_OPTIONS));
  const { issuer, tokenEndpoint, clientId, clientSecret, scope, resource = [], params = {}, http, allowInsecureRequests = false } = options;
  check('allowInsecureRequests', allowInsecureRequests, typeof allowInsecureRequests === 'boolean', 'a boolean');
  if ((issuer === undefined) === (tokenEndpoint === undefined)) {
    throw new TypeError('Expected either `issuer` (to discover the token endpoint) or `tokenEndpoint`, not both and not neither');
  }
  // RFC 8414 section 2: an issuer is an https URL with no query or fragment.
  if (issuer !== undefined) checkEndpoint('issuer', issuer, allowInsecureRequests, false);
  if (tokenEndpoint !== undefined) checkEndpoint('tokenEndpoint', tokenEndpoint, allowInsecureRequests);
  check('clientId', clientId, isString(clientId), 'the non-empty client identifier the authorization server issued');
  // A secret's value is never shown, only what kind of thing came.
  if (clientSecret !== undefined && !isString(clientSecret)) {
    throw new TypeError(`Expected \`clientSecret\` to be a non-empty string or absent, got ${clientSecret === '' ? 'an empty string' : typeof clientSecret}`);
  }
  const clientAuthentication = options.clientAuthentication ?? (clientSecret ? 'client_secret_basic' : 'none');
  check('clientAuthentication', clientAuthentication, ['client_secret_basic', 'client_secret_post', 'none'].includes(clientAuthentication), "'client_secret_basic', 'client_secret_post' or 'none'");
  if ((clientAuthentication === 'none') === !!clientSecret) {
    throw new TypeError(
      clientSecret
        ? "Expected no `clientSecret` with `clientAuthentication: 'none'`: remove the secret, or choose 'client_secret_basic' or 'client_secret_post'"
        : `Expected a \`clientSecret\` with \`clientAuthentication: '${clientAuthentication}'\`: pass the secret, or choose 'none' for a public client`,
    );
  }
  check('scope', scope, scope === undefined || typeof scope === 'string', 'a string of space-separated scopes');
  const resources = Array.isArray(resource) ? resource : [resource];
  // RFC 8707 section 2: an absolute URI, no fragment; a query is allowed though discouraged.
  for (const item of resources) {
    let absolute = false;
    try {
      absolute = typeof item === 'string' && !new URL(item).hash;
    } catch {
      // not absolute
    }
    check('resource', item, absolute, 'an absolute URI without a fragment, or an array of them');
  }
  const paramsValid = typeof params === 'object' && params !== null && Object.values(params).every((value) => typeof value === 'string');
  check('params', params, paramsValid, 'an object of string form fields');
  const taken = Object.keys(params).find((key) => RESERVED.includes(key));
  if (taken) throw new TypeError(`Expected \`params\` without \`${taken}\`, which the grant sets itself: use the option for it instead`);
  check('http', http, http === undefined || typeof http?.request === 'function', 'an axios instance');
  return {
    ...(issuer !== undefined && { issuer }),
    ...(tokenEndpoint !== undefined && { tokenEndpoint }),
    clientId,
    ...(clientSecret !== undefined && { clientSecret }),
    clientAuthentication,
    ...(scope !== undefined && { scope }),
    resource: resources,
    params: { ...params },
    http: http ?? axios.create(),
    allowInsecureRequests,
  };
}
