import { isAxiosError, type AxiosError } from 'axios';
import type { DPoP } from './dpop/createDPoP';
import { AuthError, isAuthError } from './errors';
import type { AuthEvent, RefreshReason } from './events';
import type { ResolvedOptions } from './options';
import type { AuthTokens, Tokens } from './tokens';
import type { WaitTimers } from './waitTimers';

/** What the flight needs of its session (the `Session` class), named here so neither module imports the other. */
export interface RefreshHost {
  readonly options: Pick<ResolvedOptions, 'refresh' | 'refreshTimeout' | 'lock' | 'dpop'>;
  readonly epoch: number;
  readonly tokens: Tokens | undefined;
  readonly timers: WaitTimers;
  readonly sync: { read(): Promise<AuthTokens | null> };
  adopt(stored: unknown): boolean;
  signedOut(): AuthError;
  signer(): Promise<DPoP>;
  now(): number;
  emit(event: AuthEvent): void;
  notifyFailure(error: AuthError): void;
  accept(result: unknown, previous: Tokens): Promise<AuthTokens>;
  end(): Promise<void>;
  failed(failure: AuthError): void;
  redact<T>(value: T, secrets?: Tokens | Array<string | undefined>): T;
}

/**
 * The token endpoint's error codes: RFC 6749 section 5.2's, RFC 8707's `invalid_target` (section
 * 2), RFC 9449's DPoP ones (section 7.1, 8) and the transient ones servers also send there. Only `invalid_grant` says the grant itself
 * is dead; the others are faults of the client's configuration or of the moment, which a new
 * sign-in would not fix.
 */
const TOKEN_ERRORS = /^(invalid_(request|client|grant|scope|target|dpop_proof)|unauthorized_client|unsupported_grant_type|use_dpop_nonce|server_error|temporarily_unavailable|slow_down)$/;

/**
 * The RFC 6749 `error` code of what `refresh` threw: an `OAuthError`'s (the grants of
 * `axios-auth-interceptor/oauth` throw those), or one a token endpoint put in a JSON body.
 */
export function oauthCode(cause: unknown): string | undefined {
  const record = cause as { name?: unknown; error?: unknown } | null;
  if (record?.name === 'OAuthError' && typeof record.error === 'string') return record.error;
  const body = isAxiosError(cause) ? (cause.response?.data as { error?: unknown } | undefined) : undefined;
  return typeof body?.error === 'string' && TOKEN_ERRORS.test(body.error) ? body.error : undefined;
}

/** Whether the auth server refused the grant itself: `invalid_grant`, or a 400/401 that names no RFC 6749 code. */
export function refused(cause: unknown): boolean {
  const code = oauthCode(cause);
  const status = isAxiosError(cause) ? cause.response?.status : undefined;
  return (code ? code === 'invalid_grant' : status === 400 || status === 401) || (isAuthError(cause) && cause.code === 'ERR_SESSION_EXPIRED');
}

/** Resolves once every one of `attempts` has settled, or after `ms`, whichever comes first. */
function settledWithin(attempts: Array<Promise<unknown>>, ms: number, timers: WaitTimers): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([Promise.allSettled(attempts), new Promise((resolve) => (timer = timers.start(ms, () => resolve(undefined))))]).finally(() => timers.stop(timer));
}

/** One refresh's own state, from its start to its outcome, however late that comes. */
interface Attempt {
  readonly reason: RefreshReason;
  readonly error: AxiosError | undefined;
  /** The session's `epoch` when it started: an outcome acts only while nothing has replaced the tokens since. */
  readonly epoch: number;
  readonly previous: Tokens;
  readonly controller: AbortController;
  timedOut: boolean;
  /** What `refresh` gives, as the session takes it; kept after a timeout, as a late outcome. */
  outcome?: Promise<Tokens>;
  /** Proofs signed for its token requests: masked in what it fails with. */
  readonly proofs: string[];
}

/**
 * The one refresh a session may run at a time, and the single owner of what happens to its
 * outcome, whenever that arrives: in time, after `refreshTimeout`, or after the app or a newer
 * refresh replaced the tokens. An outcome only acts on the state it was started from.
 */
export class RefreshFlight {
  /** The refresh calls wait for, until it settles or times out. */
  running: Promise<Tokens> | undefined;
  reason: RefreshReason | undefined;
  /**
   * True only while `refresh` itself runs synchronously: a call reaching the session then was
   * made by `refresh` through an instance this session guards, without `skipAuth`.
   */
  invoking = false;
  /** Refreshes that timed out and have not answered yet: one may still bring the only live refresh token. */
  readonly #late = new Set<Promise<Tokens>>();

  readonly #session: RefreshHost;

  constructor(session: RefreshHost) {
    this.#session = session;
  }

  start(reason: RefreshReason, error?: AxiosError): Promise<Tokens> {
    const session = this.#session;
    const { lock } = session.options;
    const attempt: Attempt = { reason, error, epoch: session.epoch, previous: session.tokens ?? null, controller: new AbortController(), timedOut: false, proofs: [] };
    // A lock that throws instead of rejecting has failed all the same.
    const exclusive = async () => {
      try {
        return await lock!.withLock(() => this.#timed(attempt));
      } catch (cause) {
        throw isAuthError(cause) ? cause : new AuthError('ERR_LOCK', 'The refresh lock could not be taken', { cause });
      }
    };

    session.emit({ type: 'refresh-start', reason });
    this.reason = reason;
    // Recorded as running before `refresh` is invoked (a microtask later), so a call it makes
    // finds the refresh in progress instead of starting another.
    const flight: Promise<Tokens> = Promise.resolve()
      .then(lock ? exclusive : () => this.#timed(attempt))
      .catch((failure: AuthError) => {
        session.failed(failure);
        throw failure;
      })
      .finally(() => {
        if (this.running === flight) this.running = undefined;
      });
    this.running = flight;
    return flight;
  }

  /**
   * Runs the attempt against `refreshTimeout`. The clock starts once this session may refresh,
   * and stopping it settles the attempt, so a lock is released on time even when `refresh`
   * ignores its signal. How long waiting for the lock takes is the lock's to bound: every holder
   * leaves within `refreshTimeout`.
   */
  #timed(attempt: Attempt): Promise<Tokens> {
    const { timers, options } = this.#session;
    const { refreshTimeout } = options;
    return new Promise<Tokens>((resolve, reject) => {
      const timer = timers.start(refreshTimeout, () => {
        attempt.timedOut = true;
        const failure = new AuthError(
          'ERR_REFRESH_TIMEOUT',
          `refresh() did not settle within ${refreshTimeout} ms; if it calls an axios instance this session guards, give that call skipAuth: true`,
        );
        attempt.controller.abort(failure);
        reject(failure);
        const late = attempt.outcome!;
        this.#late.add(late);
        const drop = () => this.#late.delete(late);
        late.then(drop, drop);
      });
      attempt.outcome = this.#run(attempt);
      attempt.outcome.then(resolve, reject).finally(() => timers.stop(timer));
    });
  }

  /** Calls `refresh` and decides what its outcome, in time or late, does to the session. */
  async #run(attempt: Attempt): Promise<Tokens> {
    const session = this.#session;
    const { epoch, previous, reason, error } = attempt;
    /** Whether nothing has replaced the tokens this refresh started from. */
    const current = () => epoch === session.epoch;
    if (session.options.lock && !session.options.lock.local) {
      // Another tab or process may have refreshed while this one waited for the lock: its
      // token is the answer, and the refresh token it was given must not be spent again.
      const stored = await session.sync.read();
      if (!current()) return session.tokens ?? null;
      if (stored?.accessToken !== previous?.accessToken && session.adopt(stored)) {
        if (session.tokens) return session.tokens;
        throw session.signedOut();
      }
    }
    const dpop = await this.#signer(attempt.proofs);
    let result: unknown;
    try {
      this.invoking = true;
      let pending: Promise<unknown>;
      try {
        pending = session.options.refresh(previous, { signal: attempt.controller.signal, reason, ...(error && { error }), ...(dpop && { dpop }) });
      } finally {
        this.invoking = false;
      }
      result = await pending;
    } catch (cause) {
      // A refusal of tokens that were replaced since (by the app, a late success, another tab)
      // says nothing about the new ones; nor does one that arrives while a newer refresh runs.
      if (!current() || (attempt.timedOut && this.running)) return session.tokens ?? null;
      // A refresh token refused because a refresh that timed out already spent it: that one's
      // late answer may hold the rotated token, so it is awaited (up to refreshTimeout) first.
      const earlier = [...this.#late].filter((late) => late !== attempt.outcome);
      if (earlier.length && refused(cause)) {
        await settledWithin(earlier, session.options.refreshTimeout, session.timers);
        if (!current()) return session.tokens ?? null;
      }
      const failure = await this.#classify(cause, [previous?.accessToken, previous?.refreshToken, ...attempt.proofs]);
      if (!attempt.timedOut) throw failure;
      // Its calls were already told of the timeout; the app still learns how it ended.
      session.emit({ type: 'refresh-failed', code: failure.code, late: true });
      if (failure.code === 'ERR_SESSION_EXPIRED') session.notifyFailure(failure);
      return null;
    }
    // A success is kept even after the timeout: with rotating refresh tokens the server has
    // already spent the old one, and this result holds the only one left.
    if (!current()) return session.tokens ?? null;
    return session.accept(result, previous);
  }

  /**
   * The DPoP signer `refresh` gets, with the `dpop` option. Token requests' proofs carry `iat`
   * on the server's clock too, unless the caller says otherwise; each is kept in `proofs` to be
   * masked should the refresh fail with it in its config.
   */
  async #signer(proofs: string[]): Promise<DPoP | undefined> {
    const session = this.#session;
    const signer = session.options.dpop && (await session.signer());
    return (
      signer && {
        ...signer,
        proof: async (method: string, url: string | URL, options = {}) => {
          const proof = await signer.proof(method, url, { now: session.now(), ...options });
          proofs.push(proof);
          return proof;
        },
      }
    );
  }

  /** What `refresh` threw, as the error its calls see; a refusal by the auth server also ends the session. */
  async #classify(cause: unknown, secrets: Array<string | undefined>): Promise<AuthError> {
    const code = oauthCode(cause);
    if (refused(cause)) {
      await this.#session.end();
      return new AuthError('ERR_SESSION_EXPIRED', 'The auth server refused the refresh; sign in again', { cause: this.#session.redact(cause, secrets) });
    }
    // Our own errors (a refresh that called its own instance, tokens it returned malformed) say best what went wrong.
    if (isAuthError(cause)) return this.#session.redact(cause, secrets);
    return new AuthError('ERR_REFRESH_FAILED', code ? `The auth server refused the refresh with ${code}` : 'refresh() failed', {
      cause: this.#session.redact(cause, secrets),
    });
  }
}
