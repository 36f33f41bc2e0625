import { isAxiosError, type AxiosError } from 'axios';
import { AuthError, isAuthError } from './errors';
import type { RefreshReason, ResolvedOptions } from './options';
import { createOriginCheck } from './origins';
import { redact } from './redact';
import { claimMs, jwtClaims, normalizeTokens, type AuthTokens } from './tokens';

type Tokens = AuthTokens | null;

const signedOut = () => new AuthError('ERR_SESSION_EXPIRED', 'Signed out in another tab or process; sign in again');

/**
 * One signed-in session: its tokens, the server's clock, the single refresh that may be running
 * and the timeout that guarantees every call waiting on it settles. Calls never touch storage.
 */
export class Session {
  /** `undefined` until storage has been read. */
  private tokens: Tokens | undefined;
  private loading: Promise<Tokens> | undefined;
  private refreshing: Promise<Tokens> | undefined;
  private reason: RefreshReason | undefined;
  /** Bumped by `set` and `clear`, so a refresh that started before a sign-in or sign-out cannot overwrite it. */
  private epoch = 0;
  /** The server's clock minus ours, in milliseconds. */
  private skew = 0;
  /** The current expiry was counted from an `expiresIn` with the skew known then, so it moves when the skew is learned better. */
  private relative = false;
  private lastDate: string | undefined;
  /** An access token whose expiry we no longer act on: the clock cannot be trusted for it, the server decides. */
  private serverDecides: string | undefined;
  /** Set when the auth server refused a refresh; cleared by `set`. */
  private ended = false;
  private unsubscribe: (() => void) | undefined;
  readonly mayReceive: (href: string, baseURL?: string) => boolean;

  constructor(readonly options: ResolvedOptions) {
    this.mayReceive = createOriginCheck(options.allowedOrigins);
  }

  /**
   * The tokens a call should be sent with now; a promise only while storage loads or a refresh
   * runs, or when the token is about to expire and a refresh starts first.
   */
  current(): Tokens | Promise<Tokens> {
    const tokens = this.tokens;
    if (this.refreshing) return this.reason === 'expiring' ? this.stillValid(this.refreshing) : this.refreshing;
    if (tokens === undefined) return this.load().then(() => this.current());
    if (tokens && tokens.accessToken !== this.serverDecides && this.expiresWithin(tokens, this.options.refreshLeeway)) {
      return this.stillValid(this.start('expiring'));
    }
    return tokens;
  }

  /**
   * After a call sent with `sent` was refused: join the running refresh, or start one if `sent`
   * is still the current token. A token that has already changed is simply the answer (a late 401).
   */
  async renew(sent: string | undefined, error: AxiosError): Promise<Tokens> {
    if (this.tokens === undefined) await this.load();
    if (this.refreshing) return this.refreshing;
    if (this.ended) throw new AuthError('ERR_SESSION_EXPIRED', 'The session has ended; sign in again');
    if (this.tokens?.accessToken !== sent) return this.tokens!;
    return this.start('unauthorized', error);
  }

  async refresh(): Promise<AuthTokens> {
    if (!this.refreshing && this.tokens === undefined) await this.load();
    const tokens = await (this.refreshing ?? this.start('manual'));
    if (!tokens) throw new AuthError('ERR_REFRESH_FAILED', 'The session was cleared while refreshing');
    return tokens;
  }

  async get(): Promise<Tokens> {
    const tokens = this.tokens === undefined ? await this.load() : this.tokens;
    return tokens && { ...tokens };
  }

  async set(tokens: AuthTokens): Promise<void> {
    const normalized = normalizeTokens(tokens, null, this.now());
    this.replace(normalized, tokens);
    this.ended = false;
    await this.store(() => this.options.storage.set(normalized));
  }

  async clear(): Promise<void> {
    this.replace(null);
    await this.store(() => this.options.storage.clear());
  }

  /** Follows the tokens other tabs or processes store, for storage that can tell. */
  listen(): void {
    this.unsubscribe ??= this.options.storage.subscribe?.((stored) => {
      const had = this.tokens;
      if (stored?.accessToken !== had?.accessToken && this.adopt(stored) && had && !stored) {
        notify(this.options.onAuthFailure, signedOut());
      }
    });
  }

  unlisten(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Learns the server's clock from a response's `Date` header (whole seconds, so the middle of the second is taken). */
  observe(date: unknown): void {
    if (typeof date === 'string' && date !== this.lastDate) {
      this.lastDate = date;
      const ms = Date.parse(date);
      if (ms) this.learn(ms + 500 - Date.now());
    }
  }

  /** Masks the token a call carried, and the current ones, in an error that is about to reach the app. */
  redact<T>(error: T, sent?: string): T {
    return redact(error, [sent, this.tokens?.accessToken, this.tokens?.refreshToken]);
  }

  private learn(skew: number): void {
    const tokens = this.tokens;
    if (this.relative && tokens?.expiresAt !== undefined) this.tokens = { ...tokens, expiresAt: tokens.expiresAt + skew - this.skew };
    this.skew = skew;
  }

  private now(): number {
    return Date.now() + this.skew;
  }

  /** Tokens without a known expiry never expire by the clock; only a 401 tells. */
  private expiresWithin(tokens: AuthTokens, ms: number): boolean {
    return (tokens.expiresAt ?? Infinity) - ms <= this.now();
  }

  private replace(tokens: Tokens, received?: AuthTokens): void {
    this.relative = received?.expiresIn !== undefined;
    this.epoch++;
    this.tokens = tokens;
    this.serverDecides = undefined;
  }

  /** A refresh for an expiring token that fails is not fatal while the token still works. */
  private stillValid(pending: Promise<Tokens>): Promise<Tokens> {
    return pending.catch((error: unknown) => {
      const tokens = this.tokens;
      if (tokens && !this.expiresWithin(tokens, 0)) return tokens;
      throw error;
    });
  }

  /** Takes tokens another tab or process stored (`null`: it signed out). False when they were malformed and ignored. */
  private adopt(stored: unknown): boolean {
    const tokens = this.parse(stored);
    if (tokens === undefined) return false;
    this.replace(tokens);
    this.ended = !tokens;
    return true;
  }

  /** What storage held, checked; `undefined`, reported as `ERR_STORAGE`, when it was malformed. */
  private parse(stored: unknown): Tokens | undefined {
    try {
      return stored ? normalizeTokens(stored, null, this.now()) : null;
    } catch {
      notify(this.options.onAuthFailure, new AuthError('ERR_STORAGE', 'Stored tokens were malformed and were ignored'));
      return undefined;
    }
  }

  private load(): Promise<Tokens> {
    this.loading ??= this.store(() => this.options.storage.get()).then(
      (stored) => {
        if (this.tokens === undefined) this.tokens = this.parse(stored) ?? null;
        return this.tokens;
      },
      (error: unknown) => {
        this.loading = undefined; // let the next call try storage again
        throw error;
      },
    );
    return this.loading;
  }

  private async store<T>(operation: () => T | Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (cause) {
      throw new AuthError('ERR_STORAGE', 'Token storage failed', { cause });
    }
  }

  private start(reason: RefreshReason, error?: AxiosError): Promise<Tokens> {
    const { refresh, refreshTimeout, onRefreshed, onAuthFailure, lock } = this.options;
    const controller = new AbortController();
    const epoch = this.epoch;
    const previous = this.tokens ?? null;
    const run = async (): Promise<Tokens> => {
      if (lock) {
        // Another tab or process may have refreshed while this one waited for the lock: its
        // token is the answer, and the refresh token it was given must not be spent again.
        const stored = await this.store(() => this.options.storage.get());
        if (epoch !== this.epoch) return this.tokens ?? null;
        if (stored?.accessToken !== previous?.accessToken && this.adopt(stored)) {
          if (this.tokens) return this.tokens;
          throw signedOut();
        }
      }
      let result: unknown;
      try {
        result = await refresh(previous, { signal: controller.signal, reason, ...(error && { error }) });
        // A result that arrives after the timeout, or after the app set or cleared tokens itself, is stale.
        if (controller.signal.aborted || epoch !== this.epoch) return this.tokens ?? null;
      } catch (cause) {
        // So is a refusal of the tokens the app has since replaced: it must not end the new session.
        if (epoch !== this.epoch) return this.tokens ?? null;
        throw await this.failed(cause, previous);
      }
      // A token issued just now tells the server's time; one restored by `set` would not.
      const issuedAt = claimMs(jwtClaims(String((result as AuthTokens | null)?.accessToken))?.iat);
      if (issuedAt) this.learn(issuedAt - Date.now());
      const tokens = normalizeTokens(result, previous, this.now());
      this.replace(tokens, result as AuthTokens);
      this.ended = false; // a manual refresh after the end of a session starts a new one
      // A fresh token that already looks expired means a clock we cannot correct: stop acting on it.
      if (this.expiresWithin(tokens, this.options.refreshLeeway)) this.serverDecides = tokens.accessToken;
      await this.store(() => this.options.storage.set(tokens));
      notify(onRefreshed, tokens);
      return tokens;
    };

    // The clock starts once this session may refresh, and stopping it settles the attempt, so a
    // lock is released on time even when `refresh` ignores its signal. How long waiting for the
    // lock takes is the lock's to bound: every holder leaves within `refreshTimeout`.
    const attempt = () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const timedOut = new AuthError('ERR_REFRESH_TIMEOUT', `refresh() did not settle within ${refreshTimeout} ms`);
          controller.abort(timedOut);
          reject(timedOut);
        }, refreshTimeout);
      });
      return Promise.race([run(), timeout]).finally(() => clearTimeout(timer));
    };
    const exclusive = () =>
      lock!.withLock(attempt).catch((cause: unknown) => {
        throw isAuthError(cause) ? cause : new AuthError('ERR_LOCK', 'The refresh lock could not be taken', { cause });
      });

    this.reason = reason;
    this.refreshing = (lock ? exclusive() : attempt())
      .catch((failure: AuthError) => {
        // Do not act on this token's expiry again: a later 401 may retry, nothing hammers the auth server.
        if (this.tokens) this.serverDecides = this.tokens.accessToken;
        notify(onAuthFailure, failure);
        throw failure;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  /** Classifies what `refresh` threw: a refusal by the auth server ends the session, anything else may pass. */
  private async failed(cause: unknown, previous: Tokens): Promise<AuthError> {
    redact(cause, [previous?.accessToken, previous?.refreshToken]);
    const status = isAxiosError(cause) ? cause.response?.status : undefined;
    if (status === 400 || status === 401 || (isAuthError(cause) && cause.code === 'ERR_SESSION_EXPIRED')) {
      this.ended = true;
      this.replace(null);
      // The session is over either way; a storage that cannot forget it must not hide that.
      await this.store(() => this.options.storage.clear()).catch(() => {});
      return new AuthError('ERR_SESSION_EXPIRED', 'The auth server refused the refresh; sign in again', { cause });
    }
    return new AuthError('ERR_REFRESH_FAILED', 'refresh() failed', { cause });
  }
}

/** App callbacks must not break the session; their errors surface as uncaught, where the app will see them. */
function notify<T>(callback: ((value: T) => void) | undefined, value: T): void {
  try {
    callback?.(value);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
