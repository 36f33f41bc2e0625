import type { AuthTokens } from '../tokens';

type MaybePromise<T> = T | Promise<T>;

/** Where the session keeps its tokens. Each method may be synchronous or return a promise. */
export interface TokenStorage {
  /** The stored tokens, or `null` when there are none. */
  get(): MaybePromise<AuthTokens | null>;
  set(tokens: AuthTokens): MaybePromise<void>;
  clear(): MaybePromise<void>;
}
