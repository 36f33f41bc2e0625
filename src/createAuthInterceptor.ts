import { getAdapter, type AxiosAdapter, type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import { authenticate } from './adapter';
import { resolveOptions, type AuthInterceptorOptions } from './options';
import { Session } from './session';
import type { AuthTokens } from './tokens';

declare module 'axios' {
  interface AxiosRequestConfig {
    /** Send this call without a token: it never waits for a refresh and its 401 never starts one. */
    skipAuth?: boolean;
    /** Send this call with the token, but let its 401 through without a refresh or replay. */
    skipAuthRefresh?: boolean;
  }
}

export interface AuthInterceptor {
  /** Replaces the session's tokens, e.g. after sign-in. Rejects with `ERR_INVALID_TOKENS` or `ERR_STORAGE`. */
  setTokens(tokens: AuthTokens): Promise<void>;
  /** The current tokens, or `null` when signed out. */
  getTokens(): Promise<AuthTokens | null>;
  /** Forgets the tokens, e.g. on sign-out. Later calls go out without a token. */
  clearTokens(): Promise<void>;
  /** Refreshes now, or joins the refresh already running, and resolves with the new tokens. */
  refresh(): Promise<AuthTokens>;
  /**
   * Puts this same session (tokens, the one refresh, waiting calls) on another axios instance.
   * Returns a function that detaches it again.
   */
  attach(instance: AxiosInstance): () => void;
  /**
   * Detaches from every instance: later calls carry no token, and the session stops following
   * other tabs' or processes' tokens. Calls already waiting still settle.
   */
  eject(): void;
}

/**
 * Keeps the calls of `instance` authenticated: attaches the access token when a call is sent,
 * runs one refresh however many calls are refused, holds calls while it runs, and replays them.
 */
export function createAuthInterceptor(instance: AxiosInstance, options: AuthInterceptorOptions): AuthInterceptor {
  const session = new Session(resolveOptions(options));
  const detachers = new Set<() => void>();
  const attach = (target: AxiosInstance) => {
    // An instance's calls nearly always use its one adapter: wrap it once, not per call. Only
    // the last one is kept, so per-call adapters cannot pile up.
    let lastAdapter: unknown;
    let wrapped: AxiosAdapter | undefined;
    const route = (config: InternalAxiosRequestConfig) => {
      if (!wrapped || config.adapter !== lastAdapter) {
        lastAdapter = config.adapter;
        wrapped = authenticate(session, getAdapter(config.adapter));
      }
      config.adapter = wrapped;
      return config;
    };
    // Synchronous, so axios keeps its fast path when no other request interceptor is async.
    const id = target.interceptors.request.use(route, undefined, { synchronous: true, runWhen: (config) => !config.skipAuth });
    const detach = () => {
      if (detachers.delete(detach)) target.interceptors.request.eject(id);
      if (!detachers.size) session.unlisten();
    };
    detachers.add(detach);
    session.listen();
    return detach;
  };
  attach(instance);
  return {
    setTokens: (tokens) => session.set(tokens),
    getTokens: () => session.get(),
    clearTokens: () => session.clear(),
    refresh: () => session.refresh(),
    attach,
    eject: () => detachers.forEach((detach) => detach()),
  };
}
