import type { AxiosError } from 'axios';
import { ServerClock } from './clock';
import { dpopSigner } from './dpopSigner';
import { AuthError } from './errors';
import { lifetime } from './lifetime';
import type { ResolvedOptions } from './options';
import { RefreshFlight } from './refresh';
import { notify, Reporter } from './reports';
import { storageSync } from './storageSync';
import { claimMs, jwtClaims, normalizeTokens, type AuthTokens, type Tokens } from './tokens';
import { WaitTimers } from './waitTimers';

/** The share of a token's lifetime that `refreshLeeway` may take at most. */
const LEEWAY_SHARE = 0.25;

/**
 * One signed-in session: its tokens, the server's clock and what a call may ask of them. The
 * refresh itself, and what happens to its outcome, is the `RefreshFlight`'s; storage (reading,
 * writing, and following what other tabs store there) is `storageSync`'s; what the app is told,
 * with every token masked, the `Reporter`'s. Calls never touch storage.
 */
export class Session extends Reporter {
  /** `undefined` until storage has been read. */
  tokens: Tokens | undefined;
  /** Bumped whenever the tokens are replaced, so an outcome of a refresh started before cannot act on the new ones. */
  epoch = 0;
  /** Bumped when the app (or another tab) sets or clears the tokens, or the session ends; not by a refresh: a step-up that answers after such a change must not undo it. */
  generation = 0;
  /** Told when `generation` moves (with what another tab `stored`, when adopted), and what storage held when first `loaded`: the `resources` option's sessions belong to one sign-in. */
  onSignIn?: (stored?: unknown, loaded?: boolean) => void;
  readonly timers: WaitTimers;
  readonly sync = storageSync(this, (tokens) => this.#replace(tokens));
  readonly flight = new RefreshFlight(this);
  /** Milliseconds before expiry at which the current token counts as expiring. */
  #leeway = 0;
  /** The current expiry was counted from an `expiresIn` on the clock known then, so it moves when the clock is learned better. */
  #relative = false;
  /** An access token whose expiry we no longer act on: the clock cannot be trusted for it, the server decides. */
  #serverDecides: string | undefined;
  /** Set when the auth server refused a refresh; cleared by `set`. */
  ended = false;

  /** The DPoP signer for the `dpop` key pair in use now, loaded on first use; asked for only where `dpop` is set (see `bound`). */
  readonly signer = dpopSigner(this.options.dpop!);

  readonly clock = new ServerClock((by) => {
    if (this.#relative && this.tokens?.expiresAt !== undefined) this.tokens = { ...this.tokens, expiresAt: this.tokens.expiresAt + by };
  });

  /** `kin`: the session of the sign-in this one shares tokens with (a resource's), whose masked secrets and timers it shares. */
  constructor(readonly options: ResolvedOptions, kin?: Session) {
    super(kin?.held);
    this.timers = kin?.timers ?? new WaitTimers();
  }

  /** Whether `tokens` go out DPoP-bound: a `DPoP` token type and a `dpop` key pair to prove it with. */
  bound(tokens: AuthTokens): boolean {
    return !!this.options.dpop && tokens.tokenType?.toLowerCase() === 'dpop';
  }

  /**
   * The tokens a call should be sent with now; a promise only while storage loads or a refresh
   * runs, or when a refresh must come first (the token is about to expire, or there is none and
   * `refreshWithoutTokens` is set).
   */
  current(): Tokens | Promise<Tokens> {
    const { running, reason } = this.flight;
    if (running) return reason === 'expiring' ? this.#stillValid(running) : running;
    const tokens = this.tokens;
    if (tokens === undefined) return this.sync.load().then(() => this.current());
    if (!tokens) {
      if (!this.options.refreshWithoutTokens) return null;
      return this.ended ? Promise.reject(this.endedError()) : this.flight.start('missing');
    }
    return this.#expiring(tokens) ? this.#stillValid(this.flight.start('expiring')) : tokens;
  }

  /** The tokens a call may carry without waiting or starting anything, or `undefined`. */
  peek(): AuthTokens | undefined {
    const tokens = this.tokens;
    return tokens && !this.flight.running && !this.#expiring(tokens) ? tokens : undefined;
  }

  /**
   * After a call sent with `sent` was refused: join the running refresh, or start one if `sent`
   * is still the current token. A token that has already changed is simply the answer (a late 401).
   */
  async renew(sent: string | undefined, error: AxiosError): Promise<Tokens> {
    if (this.tokens === undefined) await this.sync.load();
    if (this.flight.running) return this.flight.running;
    // A signed-out session, by the app or in another tab, does not refresh: only a session that
    // fetches tokens without any (`refreshWithoutTokens`) may.
    if (this.ended || (!this.tokens && !this.options.refreshWithoutTokens)) throw this.endedError();
    if (this.tokens?.accessToken !== sent) return this.tokens!;
    return this.flight.start('unauthorized', error);
  }

  async refresh(): Promise<AuthTokens> {
    if (!this.flight.running && this.tokens === undefined) await this.sync.load();
    const tokens = await (this.flight.running ?? this.flight.start('manual'));
    if (!tokens) throw new AuthError('ERR_REFRESH_FAILED', 'The session was cleared while refreshing');
    return tokens;
  }

  async get(): Promise<Tokens> {
    const tokens = this.tokens === undefined ? await this.sync.load() : this.tokens;
    return tokens && { ...tokens };
  }

  /** Replaces the tokens: the app's sign-in (`byApp`), or a step-up's answer, which other step-ups may build on. */
  async set(tokens: AuthTokens, byApp = true): Promise<void> {
    const normalized = normalizeTokens(tokens, null, this.now());
    this.#replace(normalized, tokens);
    if (byApp) this.#signedIn();
    this.ended = false;
    await this.sync.write(normalized);
  }

  async clear(): Promise<void> {
    this.#replace(null);
    this.#signedIn();
    this.timers.release();
    await this.sync.write(null);
  }

  signedOut(): AuthError {
    return new AuthError('ERR_SESSION_EXPIRED', 'Signed out in another tab or process; sign in again');
  }

  /** Takes a refresh's result as the session's tokens, stores it and tells the app. */
  async accept(result: unknown, previous: Tokens): Promise<AuthTokens> {
    // A token issued just now tells the server's time; one restored by `set` would not.
    const issuedAt = claimMs(jwtClaims(String((result as AuthTokens | null)?.accessToken))?.iat);
    if (issuedAt) this.clock.issued(issuedAt);
    const tokens = normalizeTokens(result, previous, this.now());
    this.#replace(tokens, result as AuthTokens);
    this.ended = false; // a manual refresh after the end of a session starts a new one
    this.#guardFresh(tokens);
    await this.sync.write(tokens);
    this.emit({ type: 'refresh-end', ...(tokens.expiresAt !== undefined && { expiresAt: tokens.expiresAt }) });
    notify(this.options.onRefreshed, tokens);
    return tokens;
  }

  /** The auth server refused the refresh: the session is over. */
  async end(): Promise<void> {
    this.ended = true;
    this.#replace(null);
    this.#signedIn();
    // The session is over either way; a storage that cannot forget it must not hide that.
    await this.sync.write(null).catch(() => {});
  }

  /** A refresh failed (its calls reject with `failure`). */
  failed(failure: AuthError): void {
    // Do not act on this token's expiry again: a later 401 may retry, nothing hammers the auth server.
    if (this.tokens) this.#serverDecides = this.tokens.accessToken;
    this.emit({ type: 'refresh-failed', code: failure.code });
    this.notifyFailure(failure);
  }

  /** Takes tokens another tab or process stored (`null`: it signed out). False when they were malformed and ignored. */
  adopt(stored: unknown): boolean {
    const tokens = this.sync.parse(stored);
    if (tokens === undefined) return false;
    this.#replace(tokens);
    this.#signedIn(stored);
    this.emit({ type: 'tokens-adopted' });
    this.ended = !tokens;
    if (tokens) this.#guardFresh(tokens);
    return true;
  }

  /** What a call gets once the session is over (refused by the auth server, or signed out), until the next sign-in. */
  endedError(): AuthError {
    return new AuthError('ERR_SESSION_EXPIRED', 'The session has ended; sign in again');
  }

  /** Our clock corrected to the server's. */
  readonly now = (): number => this.clock.now();

  /** The sign-in may have changed. */
  #signedIn(stored?: unknown): void {
    this.generation++;
    this.onSignIn?.(stored);
  }

  /** Whether a call with `tokens` should wait for a refresh first: within the leeway, unless the server decides for them. */
  #expiring(tokens: AuthTokens): boolean {
    return tokens.accessToken !== this.#serverDecides && this.#expiresWithin(tokens, this.#leeway);
  }

  /** Tokens without a known expiry never expire by the clock; only a 401 tells. */
  #expiresWithin(tokens: AuthTokens, ms: number): boolean {
    return (tokens.expiresAt ?? Infinity) - ms <= this.now();
  }

  /** A token just issued that already looks expiring means a clock we cannot correct: stop acting on it. */
  #guardFresh(tokens: AuthTokens): void {
    if (this.#expiresWithin(tokens, this.#leeway)) this.#serverDecides = tokens.accessToken;
  }

  #replace(tokens: Tokens, received?: AuthTokens): void {
    this.#relative = received?.expiresIn !== undefined;
    this.epoch++;
    this.tokens = tokens;
    if (tokens) this.timers.resume();
    this.#serverDecides = undefined;
    this.#leeway = tokens ? Math.max(0, Math.min(this.options.refreshLeeway, lifetime(tokens, received, this.now()) * LEEWAY_SHARE)) : 0;
    if (tokens) this.remember(tokens.accessToken, tokens.refreshToken);
  }

  /** A refresh for an expiring token that fails is not fatal while the token still works. */
  #stillValid(pending: Promise<Tokens>): Promise<Tokens> {
    return pending.catch((error: unknown) => {
      const tokens = this.tokens;
      if (tokens && !this.#expiresWithin(tokens, 0)) return tokens;
      throw error;
    });
  }
}
