import { AuthError } from './errors';
import type { ResolvedOptions } from './options';
import { normalizeTokens, type AuthTokens, type Tokens } from './tokens';
import type { WaitTimers } from './waitTimers';

/** What the sync needs of its session (the `Session` class), named here so neither module imports the other. */
export interface SyncHost {
  readonly options: Pick<ResolvedOptions, 'storage' | 'refreshTimeout'>;
  /** What the session holds now, to cover a stale write with. */
  readonly tokens: Tokens | undefined;
  readonly timers: WaitTimers;
  now(): number;
  redact<T>(value: T): T;
  notifyFailure(error: AuthError): void;
  /** Takes tokens another tab or process stored; false when they were malformed and ignored. */
  adopt(stored: unknown): boolean;
  signedOut(): AuthError;
  onSignIn?(stored: unknown, loaded: true): void;
}

export type StorageSync = ReturnType<typeof storageSync>;

/** Runs a storage operation, bounded by `refreshTimeout`: a storage that never answers must not hold calls forever. */
async function bounded<T>(session: SyncHost, operation: () => T | Promise<T>): Promise<T> {
  const { timers } = session;
  const { refreshTimeout } = session.options;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      operation(),
      new Promise<never>((_, reject) => {
        timer = timers.start(refreshTimeout, () => reject(new Error(`Token storage did not answer within ${refreshTimeout} ms`)));
      }),
    ]);
  } catch (cause) {
    throw new AuthError('ERR_STORAGE', 'Token storage failed', { cause: session.redact(cause) });
  } finally {
    timers.stop(timer);
  }
}

/** What storage held, checked; `undefined`, reported as `ERR_STORAGE`, when it was malformed. */
function parsed(session: SyncHost, stored: unknown): Tokens | undefined {
  try {
    return stored ? normalizeTokens(stored, null, session.now()) : null;
  } catch {
    session.notifyFailure(new AuthError('ERR_STORAGE', 'Stored tokens were malformed and were ignored'));
    return undefined;
  }
}

/**
 * A session's side of its token storage: every operation bounded by `refreshTimeout`, writes
 * kept in order, what storage holds read once and checked before the session takes it (`take`),
 * and what other tabs or processes store followed where the storage can tell.
 */
export function storageSync(session: SyncHost, take: (tokens: Tokens) => void) {
  const { storage } = session.options;
  /** Writes started, and the last one known to have landed, in order. */
  let writes = 0;
  let written = 0;
  let unsubscribe: (() => void) | undefined;
  let loading: Promise<Tokens> | undefined;

  /**
   * Writes `tokens` (`null`: clears). A write that timed out may still land later; if a newer
   * write has finished by then, the stale one is covered by writing what the session holds now,
   * so storage never goes back to tokens (a spent refresh token) the session has left behind.
   */
  const write = async (tokens: Tokens): Promise<void> => {
    const seq = ++writes;
    const landed = () => {
      if (seq < written) void write(session.tokens ?? null).catch(() => {});
      else written = seq;
    };
    await bounded(session, () => {
      const pending = Promise.resolve().then(() => (tokens ? storage.set({ ...tokens, ...sync.beside?.() }) : storage.clear()));
      pending.then(landed, () => {});
      return pending;
    });
  };

  const read = (): Promise<AuthTokens | null> => bounded(session, () => storage.get());

  const parse = (stored: unknown) => parsed(session, stored);

  const sync = {
    read,
    write,
    parse,
    /** What is stored beside the session's own tokens: the tokens of its `resources`. */
    beside: undefined as (() => object) | undefined,
    /** The session's tokens once storage has been read: the first read's, unless the app set some meanwhile. */
    load(): Promise<Tokens> {
      loading ??= read().then(
        (stored) => {
          if (session.tokens === undefined) {
            take(parse(stored) ?? null);
            session.onSignIn?.(stored, true);
          }
          return session.tokens!;
        },
        (error: unknown) => {
          loading = undefined; // let the next call try storage again
          throw error;
        },
      );
      return loading;
    },
    /** The session is in use: follow the tokens other tabs or processes store, for storage that can tell. */
    listen(): void {
      session.timers.resume();
      unsubscribe ??= storage.subscribe?.((stored) => {
        const had = session.tokens;
        // A refresh token alone may change too: rotated by a request for one of `resources`.
        if ((stored?.accessToken !== had?.accessToken || stored?.refreshToken !== had?.refreshToken) && session.adopt(stored)) {
          if (had && !stored) session.notifyFailure(session.signedOut());
        }
      });
    },
    /** Detached from its last instance: stop following storage, and let the process go. */
    unlisten(): void {
      unsubscribe?.();
      unsubscribe = undefined;
      session.timers.release();
    },
  };
  return sync;
}
