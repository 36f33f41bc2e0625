import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface TokenRequest {
  grantType?: string;
  refreshToken?: string;
  resource?: string | string[];
  /** Whether the request carried a DPoP proof. */
  dpop?: boolean;
  status: number;
  /** The RFC 6749 `error` code of a refused request. */
  error?: string;
  at: number;
}

export interface ApiCall {
  path: string;
  /** Whether the call carried a token at all. */
  authenticated: boolean;
  status: number;
  /** Why a token was refused, as jose said it. */
  reason?: string;
  sub?: string;
  jti?: string;
  at: number;
}

export interface OidcOptions {
  /** Seconds an access token for the API lives. @default 4 */
  accessTokenTTL?: number;
  /** Deep-merged into oidc-provider's configuration (JSON only: it crosses a process boundary). */
  overrides?: Record<string, unknown>;
  /** Absolute path of an ES module whose default export adjusts the provider and the API in the server process. */
  setup?: string;
  /** Handed to the `setup` module's `configure` and default export as `options` (JSON only). */
  setupOptions?: Record<string, unknown>;
}

export interface Oidc {
  /** The provider's issuer identifier (and URL). */
  issuer: string;
  tokenEndpoint: string;
  /** The API's origin. */
  api: string;
  /** The API's resource indicator, the audience of its tokens. */
  resource: string;
  /**
   * Signs `sub` in as `clientId` (with `clientSecret` for confidential clients) and returns the
   * token response; `dpopJkt` binds the tokens to that key's thumbprint, `acr` goes into the access token.
   */
  signIn(clientId: string, options?: { sub?: string; clientSecret?: string; dpopJkt?: string; acr?: string }): Promise<{ access_token: string; refresh_token: string; expires_in: number; token_type: string }>;
  /** Revokes a refresh token at the revocation endpoint (RFC 7009), as a sign-out elsewhere would. */
  revoke(refreshToken: string, clientId: string): Promise<void>;
  /** The next token requests answer these statuses, one each, instead of working. */
  failToken(...statuses: number[]): Promise<void>;
  /** Token requests and API calls so far. */
  log(): Promise<{ token: TokenRequest[]; api: ApiCall[] }>;
  clearLog(): Promise<void>;
  /** Runs a command a `setup` module added to the server. */
  command<T>(name: string, ...args: unknown[]): Promise<T>;
  close(): Promise<void>;
}

/**
 * oidc-provider and an API that verifies its JWT access tokens with jose, running in a child
 * process (both are ES modules only, which jest's CommonJS runtime cannot load). Each call starts
 * a fresh provider on free ports of 127.0.0.1; `close()` stops it.
 */
/**
 * Real time, for the real server's real token lifetimes: paces the load between bursts (100 ms;
 * the outcome is decided by the server, not by this delay) or waits out an expiry.
 */
export const pause = (ms = 100) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * For a server started with a clock that stands still (`helpers/serverClock.mjs`): fakes only this
 * process's `Date`, so both clocks stand still while a burst is on its way, and returns the step
 * that moves both by `ms` between two bursts. Pair with `afterEach(() => jest.useRealTimers())`.
 */
export function stillClocks(oidc: Oidc): (ms: number) => Promise<void> {
  jest.useFakeTimers({
    now: Date.now(),
    doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
  });
  return async (ms) => {
    await oidc.command('advanceClock', ms);
    jest.setSystemTime(Date.now() + ms);
  };
}

export async function startOidc(options: OidcOptions = {}): Promise<Oidc> {
  const child: ChildProcess = fork(join(__dirname, '../oidc/server.mjs'), [JSON.stringify(options)], {
    execArgv: [],
    // oidc-provider warns on stderr about Node 20; keep the output for a failure's report only.
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let next = 0;
  const ready = new Promise<{ issuer: string; api: string; resource: string }>((resolve, reject) => {
    child.on('message', (message: { ready?: boolean; id?: number; result?: unknown; error?: string; issuer: string; api: string; resource: string }) => {
      if (message.ready) return resolve(message);
      const call = pending.get(message.id!);
      pending.delete(message.id!);
      if (message.error) call?.reject(new Error(message.error));
      else call?.resolve(message.result);
    });
    child.once('exit', (code) => {
      const error = new Error(`The OIDC server exited with ${code}: ${stderr}`);
      reject(error);
      for (const call of pending.values()) call.reject(error);
    });
  });
  const { issuer, api, resource } = await ready;
  const command = <T>(name: string, ...args: unknown[]) =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, command: name, args });
    });
  const form = async (path: string, fields: Record<string, string>, clientSecret?: string, clientId?: string) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
    const body = new URLSearchParams(fields);
    if (clientSecret) headers.Authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId!)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
    else if (clientId) body.set('client_id', clientId);
    const response = await fetch(`${issuer}${path}`, { method: 'POST', headers, body });
    const text = await response.text();
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  return {
    issuer,
    tokenEndpoint: `${issuer}/token`,
    api,
    resource,
    signIn: (clientId, { sub = 'alice', clientSecret, dpopJkt, acr } = {}) =>
      form('/token', { grant_type: 'urn:test:sign-in', sub, ...(dpopJkt && { dpop_jkt: dpopJkt }), ...(acr && { acr }) }, clientSecret, clientId),
    revoke: async (refreshToken, clientId) => void (await form('/token/revocation', { token: refreshToken, token_type_hint: 'refresh_token' }, undefined, clientId)),
    failToken: (...statuses) => command('failToken', ...statuses),
    log: () => command('log'),
    clearLog: () => command('clearLog'),
    command,
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}
