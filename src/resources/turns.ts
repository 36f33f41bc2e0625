import type { WaitTimers } from '../waitTimers';

/**
 * Token requests of one session, one at a time: with a rotating refresh token, each must present
 * the one the request before it left. The next request waits until this one settles. One that is
 * abandoned (its refresh timed out and aborted it) may still answer and rotate the refresh token,
 * so the next waits for that too, for up to `late` milliseconds more: a request that never
 * settles must not hold every later one forever.
 */
export type InTurn = <T>(signal: AbortSignal, request: () => Promise<T>) => Promise<T>;

/** Turns that start once `first` (a request already in flight, or nothing) has settled. */
export function turns(first: Promise<unknown>, late: number, timers: WaitTimers): InTurn {
  let last: Promise<unknown> = first.catch(() => {});
  return (signal, request) => {
    const before = last;
    const mine = before.then(() => {
      signal.throwIfAborted();
      return request();
    });
    last = before.then(
      () =>
        new Promise<void>((next) => {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const done = () => {
            timers.stop(timer);
            next();
          };
          mine.then(done, done);
          signal.addEventListener('abort', () => (timer = timers.start(late, done)), { once: true });
        }),
    );
    return mine;
  };
}
