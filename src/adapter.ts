import axios, { getAdapter, isAxiosError } from 'axios';
import type { AxiosAdapter, AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { describeCall } from './describeCall';
import { AuthError } from './errors';
import { createOriginPolicy } from './origins';
import { isForeign, isOneShot, sendGuarded } from './redirects';
import { challenged, shouldRefresh, withParsedData } from './refusal';
import { stepUpChallenge } from './stepUp';
import { wait } from './wait';
import type { DPoP } from './dpop/createDPoP';
import type { Session, Tokens } from './session';

/** Marks our wrappers (holding the adapter they wrap), so a re-sent config is never wrapped twice. */
const WRAPS = Symbol.for('axios-auth-interceptor.wraps');
/** On a config: the header value this library put there, to take back after the call. */
const PUT = Symbol('put');
/** On a config: the name under which `PUT` went into the headers (the case they already had). */
const PUT_AT = Symbol('put at');
/** On a config: the DPoP proof this library put there, likewise. */
const PROOF = Symbol('proof');
/**
 * On a config: the session epoch (a counter, no secret) its last replay was sent in. A string key,
 * so it survives a plugin re-sending the config (axios-retry keeps its own state the same way):
 * a re-sent call refused again with those same tokens passes its 401 through instead of
 * refreshing once per re-send.
 */
const REPLAYED = 'axios-auth-interceptor';

type Wrapper = AxiosAdapter & { [WRAPS]?: InternalAxiosRequestConfig['adapter'] };
type Routed = InternalAxiosRequestConfig & { [PUT]?: string; [PUT_AT]?: string; [PROOF]?: string; [REPLAYED]?: number; cache?: unknown; id?: unknown };

/**
 * Guards the calls of one axios instance with a session: a request interceptor routes each call
 * through a wrapper around the adapter that really sends it. The token is taken back off the
 * config once the call is done (by the wrapper, or by a response interceptor of ours when others
 * may read it first), so a config re-sent after `eject()`, with `skipAuth` or through another
 * instance carries none.
 */
export function guard(session: Session, target: AxiosInstance) {
  const { header, scheme } = session.options;
  const lower = header.toLowerCase();
  // What a redirect to an origin that may not have the token must lose: the token, and its DPoP proof.
  const alone = [header];
  const withProof = [header, 'DPoP'];
  const policy = createOriginPolicy(session.options.allowedOrigins);
  let attached = true;
  let warned = false;
  const responses = target.interceptors.response as { handlers?: unknown[] };
  const requests = target.interceptors.request as { handlers?: unknown[] };
  // Request interceptors set up before this one run after it: only for them (a cache keyed by
  // `Vary: Authorization`) is the token worth putting on in the interceptor already.
  const early = requests.handlers?.some(Boolean) ?? true;
  // Response interceptors set up before this session (a cache keyed by `Vary: Authorization`)
  // run before ours and may read the token off the config; and a token put on by the request
  // interceptor may never meet the wrapper (an interceptor after ours swapped the adapter). Then
  // it is taken back by a response interceptor of ours. Otherwise the wrapper takes it back
  // itself, which saves every call a step through the promise chain.
  const late = early || (responses.handlers?.some(Boolean) ?? true);
  // An instance's calls nearly always use its one adapter: wrap it once, not per call. Only
  // the last one is kept, so per-call adapters cannot pile up.
  let lastAdapter: unknown;
  let lastFetch: unknown;
  let wrapped: Wrapper | undefined;

  // The header value for the last tokens seen: built once per token, not once per call.
  let lastTokens: Tokens = null;
  let lastValue = '';
  /**
   * Puts the token header on a config (its value is then `lastValue`) and returns the name it
   * went under. `record`: also note both on the config, for whoever takes them back later (a
   * response interceptor, a stand-in adapter).
   */
  const put = (config: Routed, tokens: Tokens, record: boolean): string | undefined => {
    if (!tokens) return void take(config);
    if (tokens !== lastTokens) {
      lastTokens = tokens;
      lastValue = session.bound(tokens) ? `DPoP ${tokens.accessToken}` : scheme ? `${scheme} ${tokens.accessToken}` : tokens.accessToken;
    }
    const at = setHeader(config.headers, header, lower, lastValue);
    if (record) {
      config[PUT] = lastValue;
      config[PUT_AT] = at;
    }
    return at;
  };
  /** Takes back what `put` (and the DPoP proof) put on a config; a value the app set itself stays. */
  const take = (config: Routed | undefined) => {
    const headers = config?.headers as Record<string, unknown> | undefined;
    if (!config || !headers) return;
    // Written only when set: adding properties to every config would cost every call.
    if (config[PUT] !== undefined) {
      if (headers[config[PUT_AT]!] === config[PUT]) delete headers[config[PUT_AT]!];
      config[PUT] = undefined;
    }
    if (config[PROOF] !== undefined) {
      if (headers.DPoP === config[PROOF]) delete headers.DPoP;
      config[PROOF] = undefined;
    }
  };
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

  /** The wrapper around the adapter that really sends: attach, wait, replay. */
  const authenticate = (send: AxiosAdapter, original: InternalAxiosRequestConfig['adapter']): AxiosAdapter =>
    async function (config: Routed) {
      // The config leaves with the adapter it came with: a copy of it sent again (through
      // another instance, after eject(), with skipAuth) never reaches this wrapper unrouted.
      config.adapter = original;
      if (!attached || config.skipAuth) {
        take(config);
        return send(config);
      }
      const destination = where(config);
      if (!destination.allowed) {
        take(config);
        const { origin } = destination;
        session.emit(() => ({ type: 'token-withheld', ...describeCall(session, config), ...(origin && { origin }), reason: origin ? 'origin' : 'unresolved' }));
        return send(config);
      }
      if (session.flight.invoking) {
        throw new AuthError('ERR_REFRESH_FAILED', 'refresh() called an axios instance this session guards without skipAuth: true; the call would wait for the refresh it belongs to. Give it skipAuth: true, or use another instance', { config });
      }
      const mayReceive = receiverFor(destination.home);
      let sent: string | undefined;
      let failure: AxiosError | undefined;
      let signer: DPoP | undefined;
      let href: string | undefined;
      let nonceReplayed = false;
      let steppedUp = false;
      let putAt: string | undefined;
      let value: string | undefined;
      try {
        for (let replays = 0; ; replays++) {
          const pending = failure ? session.renew(sent, failure) : session.current();
          if (pending instanceof Promise) session.emit(() => ({ type: 'call-held', ...describeCall(session, config) }));
          const tokens = pending instanceof Promise ? await wait(pending, config, failure) : pending;
          sent = tokens?.accessToken;
          if (!tokens) putAt = unput(config, putAt, value);
          putAt = put(config, tokens, late || config[PUT] !== undefined);
          value = putAt && lastValue;
          signer = tokens && session.bound(tokens) ? await session.signer() : undefined;
          if (signer) {
            // RFC 9449 section 4.3: a fresh proof for every send, replays included, bound to this token.
            href ??= axios.getUri(config);
            const proof = await signer.proof(config.method ?? 'get', href, { accessToken: sent, now: session.now() });
            config.headers.DPoP = config[PROOF] = proof;
          }
          if (failure) {
            const { status } = failure.response!;
            config[REPLAYED] = session.epoch;
            session.emit(() => ({ type: 'call-replayed', ...describeCall(session, config), status }));
          }
          try {
            const response = await sendGuarded(send, config, signer ? withProof : alone, mayReceive);
            if (!isForeign(response, destination.origin, mayReceive)) {
              session.clock.observe(response.headers);
              signer?.observe(href!, response.headers);
            }
            return response;
          } catch (error) {
            const response = isAxiosError(error) ? error.response : undefined;
            // An origin a redirect reached, that may not have the token, does not steer the session.
            if (isForeign(response, destination.origin, mayReceive)) throw error;
            session.clock.observe(response?.headers);
            if (signer && response) {
              // RFC 9449 section 9: a server may ask for a nonce on any call. Answered by one
              // replay with it: never a refresh, never counted against maxRetries, never a loop.
              signer.observe(href!, response.headers);
              const problem = signer.problem(response);
              if (problem?.error === 'use_dpop_nonce' && problem.nonce && !nonceReplayed && !isOneShot(config.data)) {
                nonceReplayed = true;
                replays--;
                failure = undefined;
                session.emit(() => ({ type: 'call-replayed', ...describeCall(session, config), status: response.status }));
                continue;
              }
              // Section 7.1: a proof the server refuses is not fixed by signing the same again; nor
              // is a nonce asked for again (or without one to send) fixed by a new token.
              if (problem?.error === 'invalid_dpop_proof' || problem?.error === 'use_dpop_nonce') throw error;
            }
            const asked = response && !steppedUp && session.options.onChallenge && !config.skipAuthRefresh && !isOneShot(config.data) ? stepUpChallenge(response) : undefined;
            if (asked && response) {
              // Answered by a step-up, not a refresh: one replay of its own, outside maxRetries.
              steppedUp = true;
              const answered = session.stepUps.answer(asked, sent, withParsedData(error as AxiosError), session.options.onChallenge!);
              if (!(await wait(answered, config, error as AxiosError))) throw error;
              replays--;
              failure = undefined;
              session.emit(() => ({ type: 'call-replayed', ...describeCall(session, config), status: response.status }));
              continue;
            }
            const spent = replays >= session.options.maxRetries || (!replays && config[REPLAYED] === session.epoch);
            if (spent || config.skipAuthRefresh || isOneShot(config.data) || !(await shouldRefresh(session, error))) throw error;
            failure = error as AxiosError;
          }
        }
      } catch (error) {
        if (isAxiosError(error) && error.response) challenged(session, config, error as AxiosError & { response: AxiosResponse });
        const proof = config[PROOF];
        putAt = release(config, putAt, value);
        throw session.redact(error, [sent, proof]);
      } finally {
        release(config, putAt, value);
      }
    };

  /** Takes the token back off the config before anyone else sees it, unless a response interceptor of ours will. */
  const release = (config: Routed, at: string | undefined, value: string | undefined): undefined => {
    if (takenLater()) return;
    unput(config, at, value);
    take(config);
  };

  /** The request interceptor: routes the call through the wrapper, with the token already on it when it is known. */
  const route = (config: Routed) => {
    // axios-cache-interceptor keys a call by its headers in its own request interceptor; when
    // that ran before this one, the key cannot know whose call it is.
    if (!warned && typeof config.cache === 'object' && config.id !== undefined) {
      warned = true;
      session.emit({ type: 'setup-problem', problem: 'A cache keyed this call before the token was set: call setupCache() before createAuthInterceptor(), or cached answers may go to another user' });
    }
    const adapter = unwrap(config.adapter) as InternalAxiosRequestConfig['adapter'];
    // A function put on this one call in place of the instance's adapter (a cache hit, a stub)
    // gets the token if it is known now, but never waits for or starts a refresh. Should it
    // reach the network after all, its redirects are guarded like any call's.
    const standIn = typeof adapter === 'function' && adapter !== unwrap(target.defaults.adapter);
    // Set now also for interceptors that run later (a cache keyed by `Vary: Authorization`): they
    // see whose call this is. The wrapper sets it again when the call leaves.
    const known = (early || standIn) && session.peek();
    if (known && where(config).allowed) put(config, known, true);
    if (standIn) {
      const home = config[PUT] === undefined ? undefined : where(config).home;
      const guarded: Wrapper = (sent) => sendGuarded(adapter, sent, alone, (href) => policy.allows(href, home)).finally(() => takenLater() || take(sent));
      config.adapter = config[PUT] === undefined ? adapter : Object.assign(guarded, { [WRAPS]: adapter });
      return config;
    }
    // axios builds its fetch adapter from the call's `env.fetch`: that is part of what is wrapped.
    const fetch = (config.env as { fetch?: unknown } | undefined)?.fetch;
    if (!wrapped || adapter !== lastAdapter || fetch !== lastFetch) {
      lastAdapter = adapter;
      lastFetch = fetch;
      wrapped = Object.assign(authenticate(getAdapter(adapter, config), adapter), { [WRAPS]: adapter });
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
        take(response.config);
        return response;
      },
      (error: { config?: Routed }) => {
        take(error?.config);
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

const unwrap = (adapter: unknown) => (adapter as Wrapper | undefined)?.[WRAPS] ?? adapter;

/** Takes back the header a wrapper put under `at`, if it still holds what was put. */
function unput(config: InternalAxiosRequestConfig, at: string | undefined, value: string | undefined): undefined {
  const headers = config.headers as Record<string, unknown>;
  if (at && headers[at] === value) delete headers[at];
  return undefined;
}

/**
 * What `AxiosHeaders.set` does for one valid name and a string value: replace the header under
 * whatever case it already has, else add it. Doing only that keeps the cost per call within the
 * benchmark's budget; the general `set` checks and normalises far more on every call.
 */
function setHeader(headers: Record<string, unknown>, name: string, lower: string, value: string): string {
  for (const key in headers) {
    if (key.length === name.length && Object.prototype.hasOwnProperty.call(headers, key) && key.toLowerCase() === lower) {
      headers[key] = value;
      return key;
    }
  }
  headers[name] = value;
  return name;
}
