import axios, { getAdapter } from 'axios';
import type { AxiosAdapter, AxiosInstance, InternalAxiosRequestConfig } from 'axios';
import type { Answer } from './answers/answer';
import { runCall, type Guard } from './call';
import { Credentials, type Marked } from './credentials';
import { describeCall } from './describeCall';
import { AuthError } from './errors';
import { createOriginPolicy } from './origins';
import { sendGuarded } from './send';
import type { Session } from './session';

/** Marks our wrappers (holding the adapter they wrap), so a re-sent config is never wrapped twice. */
const WRAPS = Symbol.for('axios-auth-interceptor.wraps');

type Wrapper = AxiosAdapter & { [WRAPS]?: InternalAxiosRequestConfig['adapter'] };
/**
 * On a config a cache handles: routed here before. A string key, so it survives a plugin
 * re-sending the config (axios-retry): the cache's key on a re-sent config was computed on its
 * first pass, after the token was set, and is no sign of a wrong set-up.
 */
const ROUTED = 'axios-auth-interceptor:routed';

type Routed = Marked & { cache?: unknown; id?: unknown; [ROUTED]?: boolean };

const unwrap = (adapter: unknown) => (adapter as Wrapper | undefined)?.[WRAPS] ?? adapter;

/**
 * Whether an adapter is axios's own: chosen by name, or the very function axios gives for a name.
 * Only those have their redirects handed back and followed hop by hop; an app's own function
 * (a stub, a cache) is sent as it is, whatever it is called.
 */
const byName = (adapter: unknown) =>
  typeof adapter !== 'function' ||
  ['fetch', 'http'].some((name) => {
    try {
      return getAdapter(name) === adapter;
    } catch {
      return false; // an adapter this axios or runtime does not have
    }
  });

/**
 * Guards the calls of one axios instance with a session: a request interceptor routes each call
 * through a wrapper around the adapter that really sends it, where the call's life (`runCall`)
 * happens. The token is taken back off the config once the call is done (by the call, or by a
 * response interceptor of ours when others may read it first), so a config re-sent after
 * `eject()`, with `skipAuth` or through another instance carries none. Returns the detacher.
 */
export function guard(session: Session, answers: Answer[], target: AxiosInstance): () => void {
  const { header, scheme } = session.options;
  const credentials = new Credentials(header, scheme, (tokens) => session.bound(tokens));
  const secretHeaders = { alone: [header], withProof: [header, 'DPoP'] };
  const policy = createOriginPolicy(session.options.allowedOrigins);
  let attached = true;
  let warned = false;
  let homeless = false;
  /**
   * Says once what in the set-up defeats the session: to `onEvent` when the app listens, else on
   * the console, where a developer who listens to nothing still sees it.
   */
  const setupProblem = (problem: string) => {
    if (session.options.onEvent) session.emit({ type: 'setup-problem', problem });
    else console.warn(`[axios-auth-interceptor] ${session.redact(problem)}`);
  };
  const responses = target.interceptors.response as { handlers?: unknown[] };
  const requests = target.interceptors.request as { handlers?: unknown[] };
  // Request interceptors set up before this one run after it: only for them (a cache keyed by
  // `Vary: Authorization`) is the token worth putting on in the interceptor already.
  const early = requests.handlers?.some(Boolean) ?? true;
  // Response interceptors set up before this session (a cache keyed by `Vary: Authorization`)
  // run before ours and may read the token off the config; and a token put on by the request
  // interceptor may never meet the wrapper (an interceptor after ours swapped the adapter). Then
  // it is taken back by a response interceptor of ours. Otherwise the call takes it back itself,
  // which saves every call a step through the promise chain.
  const late = early || (responses.handlers?.some(Boolean) ?? true);
  const shared: Guard = { session, answers, credentials, late, secretHeaders, takenLater: () => takenLater() };
  // An instance's calls nearly always use its one adapter: wrap it once, not per call. Only
  // the last one is kept, so per-call adapters cannot pile up.
  let lastAdapter: unknown;
  let lastFetch: unknown;
  let wrapped: Wrapper | undefined;

  const where = (config: InternalAxiosRequestConfig) => policy.target(config, target.defaults);
  // Whether a URL (a redirect's, a response's) may have the token of a call from `home`: one
  // function per home, kept for the next call from the same one.
  let lastHome: string | undefined;
  let lastReceiver = (href: string) => policy.allows(href, undefined);
  const receiverFor = (home: string | undefined) => {
    if (home !== lastHome) {
      lastHome = home;
      lastReceiver = (href: string) => policy.allows(href, home);
    }
    return lastReceiver;
  };

  /** The wrapper around the adapter that really sends. */
  const authenticate = (send: AxiosAdapter, original: InternalAxiosRequestConfig['adapter'], own = byName(original)): AxiosAdapter =>
    async function (config: Routed) {
      // The config leaves with the adapter it came with: a copy of it sent again (through
      // another instance, after eject(), with skipAuth) never reaches this wrapper unrouted.
      config.adapter = original;
      if (!attached || config.skipAuth) {
        credentials.take(config);
        return send(config);
      }
      const destination = where(config);
      if (!destination.allowed) {
        credentials.take(config);
        const { origin } = destination;
        session.emit(() => ({ type: 'token-withheld', ...describeCall(session, config), ...(origin && { origin }), reason: origin ? 'origin' : 'unresolved' }));
        // No baseURL and no page (Node): no origin is the instance's own, so every full URL goes bare.
        if (!homeless && origin && !destination.home && session.tokens) {
          homeless = true;
          setupProblem(`Token withheld from ${origin}: the instance has no baseURL, so no origin is its own. Give it one, or list the origin in allowedOrigins`);
        }
        return send(config);
      }
      if (session.flight.invoking) {
        throw new AuthError('ERR_REFRESH_FAILED', 'refresh() sent a call through an instance this session guards, where it would wait for its own refresh: use another instance, or skipAuth: true', { config });
      }
      return runCall(shared, send, config, destination.origin, receiverFor(destination.home), own);
    };

  /**
   * A function put on this one call in place of the instance's adapter (a cache hit, a stub)
   * gets the token if it is known now, but never waits for or starts a refresh. Should it reach
   * the network after all, its redirects are guarded like any call's, and a bound token carries
   * a proof for the URL it is sent to.
   */
  const standIn = (config: Routed, adapter: AxiosAdapter): Wrapper | AxiosAdapter => {
    const tokens = credentials.recorded(config) ? session.peek() : undefined;
    if (!tokens) return adapter;
    const home = where(config).home;
    const bound = session.bound(tokens);
    const own = byName(adapter);
    const guarded: Wrapper = async (sent: Marked) => {
      try {
        if (bound) {
          const signer = await session.signer();
          credentials.prove(sent, await signer.proof(sent.method ?? 'get', axios.getUri(sent), { accessToken: tokens.accessToken, now: session.now() }));
        }
        return await sendGuarded(adapter, sent, bound ? secretHeaders.withProof : secretHeaders.alone, (href) => policy.allows(href, home), undefined, own);
      } finally {
        if (!takenLater()) credentials.take(sent);
      }
    };
    return Object.assign(guarded, { [WRAPS]: adapter });
  };

  /** The request interceptor: routes the call through the wrapper, with the token already on it when it is known. */
  const route = (config: Routed) => {
    // axios-cache-interceptor keys a call by its headers in its own request interceptor; when
    // that ran before this one, the key cannot know whose call it is.
    if (typeof config.cache === 'object') {
      if (!warned && config.id !== undefined && !config[ROUTED]) {
        warned = true;
        setupProblem('A cache keyed this call before the token was set: call setupCache() before createAuthInterceptor(), or cached answers may go to another user');
      }
      config[ROUTED] = true;
    }
    const adapter = unwrap(config.adapter) as InternalAxiosRequestConfig['adapter'];
    const isStandIn = typeof adapter === 'function' && adapter !== unwrap(target.defaults.adapter);
    // Set now also for interceptors that run later (a cache keyed by `Vary: Authorization`): they
    // see whose call this is. The wrapper sets it again when the call leaves.
    const known = (early || isStandIn) && session.peek();
    if (known && where(config).allowed) credentials.put(config, known, true);
    if (isStandIn) {
      config.adapter = standIn(config, adapter);
      return config;
    }
    // axios builds its fetch adapter from the call's `env.fetch`: that is part of what is wrapped.
    const fetch = (config.env as { fetch?: unknown } | undefined)?.fetch;
    if (!wrapped || adapter !== lastAdapter || fetch !== lastFetch) {
      let send: AxiosAdapter;
      try {
        send = getAdapter(adapter, config);
      } catch {
        // An adapter this axios or runtime cannot build ('fetch' before axios 1.7, 'http' in a
        // worker): axios says so itself when it dispatches the call. Thrown from here, axios
        // before 1.19 would turn its message into a TypeError about its own interceptor.
        return config;
      }
      lastAdapter = adapter;
      lastFetch = fetch;
      wrapped = Object.assign(authenticate(send, adapter), { [WRAPS]: adapter });
    }
    config.adapter = wrapped;
    return config;
  };

  // Synchronous, so axios keeps its fast path when no other request interceptor is async.
  const requestId = target.interceptors.request.use(route, undefined, { synchronous: true, runWhen: (config) => !config.skipAuth });
  const responseId: number | false =
    late &&
    target.interceptors.response.use(
      (response) => {
        credentials.take(response.config);
        return response;
      },
      (error: { config?: Marked }) => {
        credentials.take(error?.config);
        throw error;
      },
    );
  return () => {
    attached = false;
    target.interceptors.request.eject(requestId);
    if (responseId !== false) target.interceptors.response.eject(responseId);
  };

  /** Whether our response interceptor is there to take the token back (`clear()` may have removed it). */
  function takenLater(): boolean {
    return responseId !== false && !!responses.handlers?.[responseId];
  }
}
