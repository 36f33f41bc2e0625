import type { AxiosError } from 'axios';
import { AuthError } from './errors';
import type { RefreshReason, ResolvedOptions } from './options';
import { normalizeTokens, type AuthTokens } from './tokens';

type Tokens = AuthTokens | null;

/**
 * One signed-in session: its tokens, the single refresh that may be running, and the timeout
 * that guarantees every call waiting on it settles. Calls never touch storage directly.
 */
export class Session {
  /** `undefined` until storage has been read. */
  private tokens: Tokens | undefined;
  private loading: Promise<Tokens> | undefined;
  private refreshing: Promise<Tokens> | undefined;
  /** Bumped by `set` and `clear`, so a refresh that started before a sign-in or sign-out cannot overwrite it. */
  private epoch = 0;

  constructor(readonly options: ResolvedOptions) {}

  /** The tokens a call should be sent with now; a promise only while storage loads or a refresh runs. */
  current(): Tokens | Promise<Tokens> {
    return this.refreshing ?? (this.tokens === undefined ? this.load() : this.tokens);
  }

  /**
   * After a call sent with `sent` was refused: join the running refresh, or start one if `sent`
   * is still the current token. A token that has already changed is simply the answer (a late 401).
   */
  async renew(sent: string | undefined, error: AxiosError): Promise<Tokens> {
    const tokens = await this.current();
    if (tokens?.accessToken !== sent) return tokens;
    return this.refreshing ?? this.start('unauthorized', error);
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
    const normalized = normalizeTokens(tokens, null, Date.now());
    this.epoch++;
    this.tokens = normalized;
    await this.store(() => this.options.storage.set(normalized));
  }

  async clear(): Promise<void> {
    this.epoch++;
    this.tokens = null;
    await this.store(() => this.options.storage.clear());
  }

  private load(): Promise<Tokens> {
    this.loading ??= this.store(() => this.options.storage.get()).then(
      (stored) => {
        if (this.tokens === undefined) {
          try {
            this.tokens = stored ? normalizeTokens(stored, null, Date.now()) : null;
          } catch {
            this.tokens = null;
            notify(this.options.onAuthFailure, new AuthError('ERR_STORAGE', 'Stored tokens were malformed and were ignored'));
          }
        }
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
    const { refresh, refreshTimeout, onRefreshed, onAuthFailure } = this.options;
    const controller = new AbortController();
    const epoch = this.epoch;
    const previous = this.tokens ?? null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const timedOut = new AuthError('ERR_REFRESH_TIMEOUT', `refresh() did not settle within ${refreshTimeout} ms`);
        controller.abort(timedOut);
        reject(timedOut);
      }, refreshTimeout);
    });

    const run = async (): Promise<Tokens> => {
      let result: unknown;
      try {
        result = await refresh(previous, { signal: controller.signal, reason, ...(error && { error }) });
      } catch (cause) {
        throw new AuthError('ERR_REFRESH_FAILED', 'refresh() failed', { cause });
      }
      // A result that arrives after the timeout, or after the app set or cleared tokens itself, is stale.
      if (controller.signal.aborted || epoch !== this.epoch) return this.tokens ?? null;
      const tokens = normalizeTokens(result, previous, Date.now());
      this.tokens = tokens;
      await this.store(() => this.options.storage.set(tokens));
      notify(onRefreshed, tokens);
      return tokens;
    };

    this.refreshing = Promise.race([run(), timeout])
      .catch((failure: AuthError) => {
        notify(onAuthFailure, failure);
        throw failure;
      })
      .finally(() => {
        clearTimeout(timer);
        this.refreshing = undefined;
      });
    return this.refreshing;
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
