import axios, { getAdapter } from 'axios';
import type { AxiosAdapter, AxiosInstance, InternalAxiosRequestConfig } from 'axios';
import type { Answer } from './answers/answer';
import { runCall, type Guard } from './call';
import { Credentials, type Marked } from './credentials';
import { describeCall } from './describeCall';
import { AuthError } from './errors';
import { createOriginPolicy, type OriginPolicy, type Target } from './origins';
import { sendGuarded } from './send';
import { setupProblems } from './setupProblems';
import type { Resources } from './resources';
import type { Session } from './session';
import type { AuthTokens } from './tokens';

/** Marks our wrappers (holding the adapter they wrap), so a re-sent config is never wrapped twice. */
const WRAPS = Symbol.for('axios-auth-interceptor.wraps');

type Wrapper = AxiosAdapter & { [WRAPS]?: InternalAxiosRequestConfig['adapter'] };
type Routed = Marked;

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
 * A function put on one call in place of the instance's adapter (a cache hit, a stub) gets the
 * token if it is known now (`tokens`), but never waits for or starts a refresh. Should it reach
 * the network after all, its redirects are guarded like any call's, and a bound token carries a
 * proof for the URL it is sent to.
 */
function standIn({ session, credentials, secretHeaders, takenLater }: Guard, adapter: AxiosAdapter, tokens: AuthTokens, mayReceive: (href: string) => boolean): Wrapper {
  const bound = session.bound(tokens);
  const own = byName(adapter);
  const guarded: Wrapper = async (sent: Marked) => {
    try {
      if (bound) {
        const signer = await session.signer();
        credentials.prove(sent, await signer.proof(sent.method ?? 'get', axios.getUri(sent), { accessToken: tokens.accessToken, now: session.now() }));
      }
      return await sendGuarded(adapter, sent, bound ? secretHeaders.withProof : secretHeaders.alone, mayReceive, undefined, own);
    } finally {
      if (!takenLater()) credentials.take(sent);
    }
  };
  return Object.assign(guarded, { [WRAPS]: adapter });
}

/** What the wrapper of one instance's adapter needs: the call's shared state, and where calls go. */
interface Routing extends Guard {
  /** False once detached: a config still routed here goes out as it came. */
  attached: boolean;
  where(config: InternalAxiosRequestConfig): Target;
  receiverFor(home: string | undefined): (href: string) => boolean;
  problems: ReturnType<typeof setupProblems>;
  /** The sessions of the `resources` option, by the origin their calls go to. */
  resources: Promise<Resources> | undefined;
}

/**
 * Whether a URL (a redirect's, a response's) may have the token of a call from `home`: one
 * function per home, kept for the next call from the same one.
 */
function receivers(policy: OriginPolicy): (home: string | undefined) => (href: string) => boolean {
  let lastHome: string | undefined;
  let last = (href: string) => policy.allows(href, undefined);
  return (home) => {
    if (home !== lastHome) {
      lastHome = home;
      last = (href: string) => policy.allows(href, home);
    }
    return last;
  };
}

/**
 * The wrapper of the adapter a call names. An instance's calls nearly always use its one
 * adapter: it is wrapped once, not per call, and only the last one is kept, so per-call
 * adapters cannot pile up.
 */
function wrappers(routing: Routing): (adapter: InternalAxiosRequestConfig['adapter'], config: InternalAxiosRequestConfig) => Wrapper | undefined {
  let lastAdapter: unknown;
  let lastFetch: unknown;
  let wrapped: Wrapper | undefined;
  return (adapter, config) => {
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
        return undefined;
      }
      lastAdapter = adapter;
      lastFetch = fetch;
      wrapped = Object.assign(authenticate(routing, send, adapter), { [WRAPS]: adapter });
    }
    return wrapped;
  };
}

/** The wrapper around the adapter that really sends: calls that may carry the token live their life in `runCall`. */
function authenticate(routing: Routing, send: AxiosAdapter, original: InternalAxiosRequestConfig['adapter'], own = byName(original)): AxiosAdapter {
  const { session, credentials } = routing;
  return async function (config: Routed) {
    // The config leaves with the adapter it came with: a copy of it sent again (through
    // another instance, after eject(), with skipAuth) never reaches this wrapper unrouted.
    config.adapter = original;
    if (!routing.attached || config.skipAuth) {
      credentials.take(config);
      return send(config);
    }
    const destination = routing.where(config);
    const { origin } = destination;
    const toResource = routing.resources && Object.hasOwn(session.options.resources!, origin!);
    if ((toResource || destination.allowed) && session.flight.invoking) {
      throw new AuthError('ERR_REFRESH_FAILED', 'refresh() called an instance this session guards, so the call would wait for its own refresh: use another instance, or skipAuth: true', { config });
    }
    // A resource's origin: its own session and token, and nothing of it to any other origin.
    const resource = toResource && (await routing.resources!).guardFor(origin!, config);
    if (resource) return runCall({ ...routing, ...resource }, send, config, origin, resource.receives, own);
    if (!destination.allowed) {
      credentials.take(config);
      session.emit(() => ({ type: 'token-withheld', ...describeCall(session, config), ...(origin && { origin }), reason: origin ? 'origin' : 'unresolved' }));
      routing.problems.withheld(destination);
      return send(config);
    }
    return runCall(routing, send, config, destination.origin, routing.receiverFor(destination.home), own);
  };
}

/**
 * Guards the calls of one axios instance with a session: a request interceptor routes each call
 * through a wrapper around the adapter that really sends it, where the call's life (`runCall`)
 * happens. The token is taken back off the config once the call is done (by the call, or by a
 * response interceptor of ours when others may read it first), so a config re-sent after
 * `eject()`, with `skipAuth` or through another instance carries none. Returns the detacher.
 */
export function guard(session: Session, answers: Answer[], target: AxiosInstance, resources?: Promise<Resources>): () => void {
  const { header, scheme } = session.options;
  const credentials = new Credentials(header, scheme, (tokens) => session.bound(tokens));
  const secretHeaders = { alone: [header], withProof: [header, 'DPoP'] };
  const policy = createOriginPolicy(session.options.allowedOrigins, session.options.resources);
  const problems = setupProblems(session);
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
  const where = (config: InternalAxiosRequestConfig) => policy.target(config, target.defaults);
  const receiverFor = receivers(policy);
  const routing: Routing = { session, answers, credentials, late, secretHeaders, takenLater: () => takenLater(), attached: true, where, receiverFor, problems, resources };
  const wrapperFor = wrappers(routing);

  /** The request interceptor: routes the call through the wrapper, with the token already on it when it is known. */
  const route = (config: Routed) => {
    problems.routed(config);
    const adapter = unwrap(config.adapter) as InternalAxiosRequestConfig['adapter'];
    const isStandIn = typeof adapter === 'function' && adapter !== unwrap(target.defaults.adapter);
    // Set now also for interceptors that run later (a cache keyed by `Vary: Authorization`): they
    // see whose call this is. The wrapper sets it again when the call leaves.
    const known = (early || isStandIn) && session.peek();
    const destination = known ? where(config) : undefined;
    if (known && destination!.allowed) credentials.put(config, known, true);
    if (isStandIn) {
      config.adapter = known && credentials.recorded(config) ? standIn(routing, adapter, known, receiverFor(destination!.home)) : adapter;
      return config;
    }
    // An adapter this axios or runtime cannot build is left for axios to say so itself.
    config.adapter = wrapperFor(adapter, config) ?? adapter;
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
    routing.attached = false;
    target.interceptors.request.eject(requestId);
    if (responseId !== false) target.interceptors.response.eject(responseId);
  };

  /** Whether our response interceptor is there to take the token back (`clear()` may have removed it). */
  function takenLater(): boolean {
    return responseId !== false && !!responses.handlers?.[responseId];
  }
}
