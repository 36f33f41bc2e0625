/**
 * Makes refreshes mutually exclusive beyond one session: between the tabs of a browser or the
 * processes of a fleet. Inside the lock the session first re-reads its storage, and adopts a
 * token another holder stored instead of spending the refresh token again.
 */
export interface RefreshLock {
  /**
   * Waits for the lock, runs `fn` while holding it, releases it however `fn` settles, and
   * resolves or rejects as `fn` did. The session bounds `fn` by `refreshTimeout`; the lock must
   * bound the wait (a holder that died must not keep it forever), rejecting when it gives up.
   */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  /** For a lock that frees itself after this many milliseconds: `refreshTimeout` must be shorter (checked). */
  readonly ttl?: number;
  /**
   * True for a lock no other tab or process takes, such as the one the `resources` option's
   * sessions take turns with: nothing else writes the storage meanwhile, so it is not re-read.
   * @default false
   */
  readonly local?: boolean;
}
