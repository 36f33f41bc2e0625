import axios, { AxiosError, type AxiosResponse } from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor, type AuthInterceptorOptions, type AuthTokens, type RefreshLock, type TokenStorage } from '../../src';
import { deferred, type Deferred } from './deferred';

/** An in-process stand-in for `navigator.locks`: one holder at a time, in order of asking. */
export function mutexLock(): RefreshLock {
  let tail = Promise.resolve();
  return {
    withLock(fn) {
      const turn = tail.then(fn);
      tail = turn.then(
        () => {},
        () => {},
      );
      return turn;
    },
  };
}

/**
 * Browser tabs in one process: each has its own axios instance and session, all share one
 * storage area that tells the other tabs of changes (as the `storage` event does, in a later
 * task), and one fake auth server whose refresh tokens work exactly once.
 */
export function tabs(options: Partial<AuthInterceptorOptions> = {}) {
  let stored: AuthTokens | null = { accessToken: 'at-1', refreshToken: 'rt-1' };
  const listeners = new Map<number, (tokens: AuthTokens | null) => void>();
  let gate: Deferred<void> | undefined;
  const server = {
    valid: 'at-1',
    refreshToken: 'rt-1',
    issued: 1,
    /** Refresh tokens presented after they were spent. */
    reuses: 0,
    unauthorized: 0,
    /** The next refresh waits until the returned deferred resolves. */
    hold() {
      gate = deferred();
      return gate;
    },
    stored: () => stored,
    refresh: jest.fn(async (tokens: AuthTokens | null): Promise<AuthTokens> => {
      const wait = gate;
      gate = undefined;
      await wait?.promise;
      if (tokens?.refreshToken !== server.refreshToken) {
        server.reuses++;
        throw new AxiosError('invalid_grant', 'ERR_BAD_REQUEST', undefined, undefined, { status: 400 } as AxiosResponse);
      }
      const n = ++server.issued;
      server.valid = `at-${n}`;
      server.refreshToken = `rt-${n}`;
      return { accessToken: server.valid, refreshToken: server.refreshToken };
    }),
  };

  const storageFor = (tab: number, hears: boolean): TokenStorage => {
    const write = (tokens: AuthTokens | null) => {
      stored = tokens;
      for (const [other, listener] of listeners) if (other !== tab) setImmediate(() => listener(stored));
    };
    return {
      get: () => stored,
      set: write,
      clear: () => write(null),
      ...(hears && {
        subscribe(listener: (tokens: AuthTokens | null) => void) {
          listeners.set(tab, listener);
          return () => listeners.delete(tab);
        },
      }),
    };
  };

  let opened = 0;
  /** A tab; with `hears: false` it is not told of other tabs' changes (storage without events). */
  const open = ({ hears = true } = {}) => {
    const tab = opened++;
    const instance = axios.create({ baseURL: 'https://api.test' });
    const sent: string[] = [];
    new MockAdapter(instance).onAny().reply((config) => {
      const auth = String(config.headers?.Authorization);
      sent.push(auth);
      if (auth === `Bearer ${server.valid}`) return [200, { url: config.url }];
      server.unauthorized++;
      return [401, {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }];
    });
    const auth = createAuthInterceptor(instance, { refresh: server.refresh, storage: storageFor(tab, hears), ...options });
    return { instance, auth, sent, listening: () => listeners.has(tab) };
  };
  return { server, open };
}
