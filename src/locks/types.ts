/**
 * Makes refreshes mutually exclusive beyond one session: between the tabs of a browser or the
 * processes of a fleet. Inside the lock the session first re-reads its storage, and adopts a
 * token another holder stored instead of spending the refresh token again.
 */
export interface RefreshLock {
  /**
   * Waits for the lock, runs `fn` while holding it, releases it however `fn` settles, and
   * resolves or rejects as `fn` did. When `signal` aborts while waiting, rejects without running `fn`.
   */
  withLock<T>(fn: () => Promise<T>, options?: { signal?: AbortSignal }): Promise<T>;
}
