import type { AxiosInstance } from 'axios';
import { answersFor } from './answers';
import type { Resources } from './resources';
import { guard } from './route';
import { resolveOptions, type AuthInterceptorOptions } from './options';
import { Session } from './session';
import type { AuthTokens } from './tokens';
import { invalid } from './validation';

declare module 'axios' {
  interface AxiosRequestConfig {
    /** Send this call without a token: it never waits for a refresh and its 401 never starts one. */
    skipAuth?: boolean;
    /** Send this call with the token, but let its 401 through without a refresh or replay. */
    skipAuthRefresh?: boolean;
  }
}

export interface AuthInterceptor {
  /**
   * Replaces the session's tokens, e.g. after sign-in (every resource's token of the sign-in
   * before is forgotten). With `resource` (a key of the `resources` option, or its resource
   * indicator), replaces that resource's token only. Rejects with `ERR_INVALID_TOKENS` or `ERR_STORAGE`.
   */
  setTokens(tokens: AuthTokens, resource?: string): Promise<void>;
  /** The current tokens, or `null` when signed out; with `resource`, that resource's (see `setTokens`). */
  getTokens(resource?: string): Promise<AuthTokens | null>;
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

/** On an instance: the session guarding it. One per instance; shared by every copy of this library. */
const GUARDED = Symbol.for('axios-auth-interceptor.session');

type Guardable = AxiosInstance & { [GUARDED]?: Session };

/**
 * Keeps the calls of `instance` authenticated: attaches the access token when a call is sent,
 * runs one refresh however many calls are refused, holds calls while it runs, and replays them.
 * An instance has one session at most: a second `createAuthInterceptor` on it throws until the
 * first is ejected.
 */
export function createAuthInterceptor(instance: AxiosInstance, options: AuthInterceptorOptions): AuthInterceptor {
  check(instance);
  const session = new Session(resolveOptions(options));
  const answers = answersFor(session);
  const resources = session.options.resources && loadResources(session);
  const detachers = new Set<() => void>();
  const attach = (target: Guardable) => {
    check(target);
    const unguard = guard(session, answers, target, resources);
    target[GUARDED] = session;
    const detach = () => {
      if (detachers.delete(detach)) {
        unguard();
        delete target[GUARDED];
      }
      if (!detachers.size) session.sync.unlisten();
    };
    detachers.add(detach);
    session.sync.listen();
    return detach;
  };
  attach(instance);
  /** One of the `resources`, named by its origin or its resource indicator (an argument is ignored without the option: a callback may be given one). */
  const find = (name: string) => resources!.then((all) => all.find(name));
  return {
    // Without a resource, synchronously up to storage: a call made right after sees the new tokens.
    setTokens: (tokens, resource) => (resource === undefined || !resources ? session.set(tokens) : find(resource).then((one) => one.set(tokens))).catch((error: unknown) => Promise.reject(session.redact(error, tokens))),
    getTokens: (resource) => (resource === undefined || !resources ? session.get() : find(resource).then((one) => one.get())),
    clearTokens: () => session.clear(),
    refresh: () => session.refresh().catch((error: unknown) => Promise.reject(session.redact(error))),
    attach,
    eject: () => detachers.forEach((detach) => detach()),
  };
}

/**
 * The sessions of the `resources` option, loaded from the package's own `/resources` entry (an
 * app without the option carries none of it); each made with this module's `Session`.
 */
function loadResources(session: Session): Promise<Resources> {
  return import('axios-auth-interceptor/resources').then(({ resourceSessions }) => resourceSessions(session, Session, answersFor));
}

function check(instance: Guardable): void {
  if (typeof instance?.interceptors?.request?.use !== 'function' || typeof instance.defaults !== 'object') {
    throw invalid('instance', 'an axios instance (axios.create() or axios itself)', instance);
  }
  if (instance[GUARDED]) {
    throw new TypeError('This axios instance already has an auth interceptor: eject() that one first, or share its session with auth.attach(instance)');
  }
}
