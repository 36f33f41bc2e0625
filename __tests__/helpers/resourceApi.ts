/** A fake grant server (one grant, rotating refresh tokens, a token per audience) and an API on it, for the resources suites (unit/resources/). */
import axios, { type AxiosRequestConfig } from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor, type AuthEvent, type AuthInterceptorOptions, type AuthTokens, type RefreshContext, type TokenStorage } from '../../src';
import { deferred, flush, type Deferred } from './deferred';

export const HOME = 'https://api.test';
export const BILLING = 'https://billing.test';
export const FILES = 'https://files.test';
export const RESOURCES = {
  [BILLING]: { resource: BILLING, scope: 'invoices' },
  [FILES]: { resource: 'urn:files', scope: 'files:read' },
};
export const AUDIENCE: Record<string, string> = { [HOME]: '', [BILLING]: BILLING, [FILES]: 'urn:files' };

/**
 * A fake authorization server with one grant: refresh tokens rotate and each works once (a
 * spent one presented again is counted as reuse and refused), and every access token is for one
 * audience. Token requests can be held open (`held`) to see what runs at once.
 */
export function grantServer(granted = [BILLING, 'urn:files']) {
  let n = 0;
  const server = {
    live: 'rt-0',
    reuse: 0,
    running: 0,
    mostAtOnce: 0,
    revoked: false,
    /** whose grant the live refresh token belongs to */
    user: 'A',
    requests: [] as Array<{ resource?: string; scope?: string; presented?: string }>,
    audiences: new Map<string, string>(),
    owners: new Map<string, string>(),
    held: undefined as Array<Deferred<void>> | undefined,
    refresh: jest.fn(async (tokens: AuthTokens | null, context: RefreshContext): Promise<AuthTokens> => {
      server.running++;
      server.mostAtOnce = Math.max(server.mostAtOnce, server.running);
      try {
        const { resource, scope } = context;
        server.requests.push({ resource, scope, presented: tokens?.refreshToken });
        const user = server.user;
        if (server.held) {
          const gate = deferred();
          server.held.push(gate);
          await gate.promise;
        } else await flush();
        if (server.revoked || tokens?.refreshToken !== server.live) {
          if (!server.revoked) server.reuse++;
          throw Object.assign(new Error('refused'), { name: 'OAuthError', error: 'invalid_grant' });
        }
        if (resource !== undefined && !granted.includes(resource)) throw Object.assign(new Error('refused'), { name: 'OAuthError', error: 'invalid_target' });
        server.live = `rt-${++n}`;
        const accessToken = `at-${n}-${resource ?? 'home'}`;
        server.audiences.set(accessToken, resource ?? '');
        server.owners.set(accessToken, user);
        return { accessToken, refreshToken: server.live, expiresIn: 300 };
      } finally {
        server.running--;
      }
    }),
  };
  server.audiences.set('at-0', '');
  server.owners.set('at-0', 'A');
  return server;
}

export type Server = ReturnType<typeof grantServer>;

/** An instance on `HOME` whose three APIs accept only a live token of their own audience; other origins accept anything. */
export function setUp(server: Server, options: Partial<AuthInterceptorOptions> = {}, instance = axios.create({ baseURL: HOME })) {
  const mock = new MockAdapter(instance);
  const sent: Array<{ origin: string; auth: unknown }> = [];
  const revokedAccess = new Set<string>();
  mock.onAny().reply((config: AxiosRequestConfig) => {
    const origin = new URL(config.url!, config.baseURL).origin;
    const auth = config.headers?.Authorization;
    sent.push({ origin, auth });
    if (!(origin in AUDIENCE)) return [200, { origin }];
    // An API that echoes what it was given in its error, for the masking tests.
    if (config.url!.endsWith('/echo')) return [500, { echo: config.params.echo }];
    const token = typeof auth === 'string' ? auth.replace(/^Bearer /, '') : undefined;
    const ok = token !== undefined && !revokedAccess.has(token) && server.audiences.get(token) === (AUDIENCE[origin] ?? 'none');
    return ok ? [200, { origin }] : [401, {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }];
  });
  const events: AuthEvent[] = [];
  const failures: unknown[] = [];
  const auth = createAuthInterceptor(instance, {
    refresh: server.refresh,
    resources: RESOURCES,
    onEvent: (event) => events.push(event),
    onAuthFailure: (error) => failures.push(error),
    ...options,
  });
  /** Every access token issued so far stops working: each audience's next call gets a 401. */
  const expireAll = () => server.audiences.forEach((_, token) => revokedAccess.add(token));
  return { instance, mock, auth, sent, events, failures, expireAll, revokedAccess };
}

export const signIn = { accessToken: 'at-0', refreshToken: 'rt-0', expiresIn: 300 };

/** One storage area shared by tabs, telling the others of each write (as the `storage` event does). */
export function sharedStorage() {
  let stored: AuthTokens | null = null;
  const listeners = new Map<number, (tokens: AuthTokens | null) => void>();
  let tabs = 0;
  return (): TokenStorage => {
    const tab = tabs++;
    const write = (tokens: AuthTokens | null) => {
      stored = tokens && JSON.parse(JSON.stringify(tokens));
      for (const [other, listener] of listeners) if (other !== tab) setImmediate(() => listener(stored && JSON.parse(JSON.stringify(stored))));
    };
    return {
      get: () => stored && JSON.parse(JSON.stringify(stored)),
      set: write,
      clear: () => write(null),
      subscribe(listener) {
        listeners.set(tab, listener);
        return () => listeners.delete(tab);
      },
    };
  };
}
