import { AuthError } from './errors';
import type { TokenStorage } from './storage/types';
import type { AuthTokens, Tokens } from './tokens';
import type { WaitTimers } from './waitTimers';

/**
 * A session's side of its token storage: every operation bounded by `timeout`, writes kept in
 * order, and what other tabs or processes store heard where the storage can tell.
 */
export class StorageSync {
  /** Writes started, and the last one known to have landed, in order. */
  #writes = 0;
  #written = 0;
  #unsubscribe: (() => void) | undefined;

  readonly #storage: TokenStorage;
  readonly #timeout: number;
  readonly #timers: WaitTimers;
  /** What the session holds now, to cover a stale write with. */
  readonly #held: () => Tokens | undefined;
  readonly #redact: (error: unknown) => unknown;

  constructor(storage: TokenStorage, timeout: number, timers: WaitTimers, held: () => Tokens | undefined, redact: (error: unknown) => unknown) {
    this.#storage = storage;
    this.#timeout = timeout;
    this.#timers = timers;
    this.#held = held;
    this.#redact = redact;
  }

  read(): Promise<AuthTokens | null> {
    return this.#bounded(() => this.#storage.get());
  }

  /**
   * Writes `tokens` (`null`: clears). A write that timed out may still land later; if a newer
   * write has finished by then, the stale one is covered by writing what the session holds now,
   * so storage never goes back to tokens (a spent refresh token) the session has left behind.
   */
  async write(tokens: Tokens): Promise<void> {
    const seq = ++this.#writes;
    const landed = () => {
      if (seq < this.#written) void this.write(this.#held() ?? null).catch(() => {});
      else this.#written = seq;
    };
    await this.#bounded(() => {
      const pending = Promise.resolve().then(() => (tokens ? this.#storage.set(tokens) : this.#storage.clear()));
      pending.then(landed, () => {});
      return pending;
    });
  }

  /** Hears what other tabs or processes store, for storage that can tell. */
  listen(stored: (tokens: AuthTokens | null) => void): void {
    this.#unsubscribe ??= this.#storage.subscribe?.(stored);
  }

  unlisten(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** Runs a storage operation, bounded by `timeout`: a storage that never answers must not hold calls forever. */
  async #bounded<T>(operation: () => T | Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        operation(),
        new Promise<never>((_, reject) => {
          timer = this.#timers.start(this.#timeout, () => reject(new Error(`Token storage did not answer within ${this.#timeout} ms`)));
        }),
      ]);
    } catch (cause) {
      throw new AuthError('ERR_STORAGE', 'Token storage failed', { cause: this.#redact(cause) });
    } finally {
      this.#timers.stop(timer);
    }
  }
}
