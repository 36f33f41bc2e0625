/**
 * Token requests of one session, one at a time: with a rotating refresh token, each must present
 * the one the request before it left. The next request waits until this one settles or is
 * abandoned (its refresh timed out and aborted it): a request that never settles must not hold
 * every later one forever, and a late answer is still taken by the refresh it belonged to.
 */
export type InTurn = <T>(signal: AbortSignal, request: () => Promise<T>) => Promise<T>;

/** Turns that start after `first` (a request already in flight) has settled. */
export function turns(first: Promise<unknown> = Promise.resolve()): InTurn {
  let last: Promise<unknown> = first.catch(() => {});
  return (signal, request) => {
    const before = last;
    const mine = before.then(() => {
      signal.throwIfAborted();
      return request();
    });
    last = before.then(
      () =>
        new Promise((next) => {
          mine.then(next, next);
          signal.addEventListener('abort', next, { once: true });
        }),
    );
    return mine;
  };
}
