import type { AuthTokens } from '../tokens';

type MaybePromise<T> = T | Promise<T>;

/** Where the session keeps its tokens. Each method may be synchronous or return a promise. */
export interface TokenStorage {
  /** The stored tokens, or `null` when there are none. */
  get(): MaybePromise<AuthTokens | null>;
  set(tokens: AuthTokens): MaybePromise<void>;
  clear(): MaybePromise<void>;
  /**
   * For storage shared with other tabs or processes: calls `listener` with the stored tokens
   * (`null` once cleared) when another of them changes them, and returns a function that stops.
   * The session then uses a token refreshed elsewhere on its next call, and is signed out when
   * another signs out.
   */
  subscribe?(listener: (tokens: AuthTokens | null) => void): () => void;
}
