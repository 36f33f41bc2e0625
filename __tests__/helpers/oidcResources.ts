import { join } from 'node:path';
import { startOidc, type Oidc } from './oidc';

export type ResourceName = 'home' | 'billing' | 'files';

/** A resource server of the set-up, as the provider knows it. */
export interface ResourceServer {
  /** Where it listens: `http://127.0.0.1:<port>`. */
  origin: string;
  /** Its resource indicator (RFC 8707), the `aud` of its tokens: `<origin>/` (home), the origin (billing), `urn:files` (files). */
  resource: string;
  /** Every scope the provider knows for it. */
  scope: string;
  /** The scopes the sign-in grants for it; the first is the one the server asks of a token. */
  granted: string;
  /** Seconds its access tokens live: 4 (home), 6 (billing), 8 (files). */
  ttl: number;
}

/** One request to the token endpoint, as the provider answered it. */
export interface ResourceTokenRequest {
  /** Arrival order. */
  seq: number;
  grantType?: string;
  /** The `resource` asked for (an array when several were). */
  resource?: string | string[];
  /** The `scope` asked for. */
  scope?: string;
  /** The refresh token presented. */
  refreshToken?: string;
  status: number;
  error?: string;
  errorDescription?: string;
  /** What a 200 gave: `audience` is the access token's `aud` (absent for an opaque one). */
  issued?: { accessToken: string; refreshToken?: string; scope?: string; expiresIn: number; audience?: string | string[] };
  /** Whether this request spent (rotated away) the refresh token it presented. */
  spent: boolean;
  /** Whether it presented a refresh token another request had spent: a client bug, and the end of the grant. */
  reused: boolean;
  /** Whether another token request was in flight while it was. */
  overlapped: boolean;
}

/** One call to a resource server, with the token it carried. */
export interface ResourceCall {
  server: ResourceName;
  path: string;
  token?: string;
  /** The token's `aud`, decoded without verification (absent when it is no JWT). */
  audience?: string | string[];
  /** 200, 401 `invalid_token` (signature, issuer, audience or expiry), or 403 `insufficient_scope`. */
  status: number;
  reason?: string;
  sub?: string;
  scope?: string;
}

export interface OidcResources extends Oidc {
  /** The three resource servers, by name. */
  servers: Record<ResourceName, ResourceServer>;
  /** A resource indicator the provider knows but the sign-in never grants. */
  ungranted: string;
  /**
   * Signs `sub` in as the public client `app`, granting `granted` (all three by default):
   * the refresh token carries every one of them, the access token is for home (or the first).
   */
  signInToResources(options?: { sub?: string; granted?: ResourceName[] }): Promise<{ access_token: string; refresh_token: string; expires_in: number; token_type: string; scope: string }>;
  /** Token requests (in the order they ended) and resource server calls since the last `clearLog()`. */
  resourceLog(): Promise<{ token: ResourceTokenRequest[]; calls: ResourceCall[] }>;
  /** Moves the server's clock (tokens are issued, stamped and judged on it): see `stillClocks`. */
  advanceClock(ms: number): Promise<number>;
}

/**
 * oidc-provider with resource indicators for three resource servers that verify their tokens
 * with jose, in a child process, on a clock that stands still between a test's steps
 * (`oidc/resourcesSetup.mjs` says what each server is). `rotation: 'keep-on-invalid-target'`
 * (the default) rotates the refresh token on every refresh except one refused `invalid_target`;
 * `'always'` is oidc-provider's plain `rotateRefreshToken: true`, which spends it before checking
 * the resource.
 */
export async function startOidcResources(options: { rotation?: 'keep-on-invalid-target' | 'always' } = {}): Promise<OidcResources> {
  const oidc = await startOidc({ setup: join(__dirname, '../oidc/resourcesSetup.mjs'), setupOptions: options });
  const servers = await oidc.command<Record<ResourceName, ResourceServer>>('resourceServers');
  return Object.assign(oidc, {
    servers,
    ungranted: 'urn:admin',
    async signInToResources({ sub = 'alice', granted = ['home', 'billing', 'files'] as ResourceName[] } = {}) {
      const body = new URLSearchParams({ grant_type: 'urn:test:sign-in-resources', client_id: 'app', sub, granted: granted.join(' ') });
      const response = await fetch(oidc.tokenEndpoint, { method: 'POST', headers: { Accept: 'application/json' }, body });
      if (!response.ok) throw new Error(`The sign-in answered ${response.status}: ${await response.text()}`);
      return response.json();
    },
    resourceLog: () => oidc.command<{ token: ResourceTokenRequest[]; calls: ResourceCall[] }>('resourceLog'),
    advanceClock: (ms: number) => oidc.command<number>('advanceClock', ms),
  });
}

/** The calls that carried a token for another resource than the server's: a token that went astray. */
export function strayTokens(servers: Record<ResourceName, ResourceServer>, calls: ResourceCall[]): ResourceCall[] {
  return calls.filter((call) => call.token && ![call.audience].flat().includes(servers[call.server].resource));
}
