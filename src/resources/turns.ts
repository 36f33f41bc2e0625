import type { RefreshLock } from '../locks/types';
import type { WaitTimers } from '../waitTimers';

/**
 * The turns of one session's token requests, as a lock around each refresh: with a rotating
 * refresh token, each request must present the one the request before it left, so one runs at a
 * time, the session's own and every resource's. Taken as the session's `lock` (the app's own, if
 * it set one, taken within the turn), so a refresh's `refreshTimeout` counts from its turn, not
 * from the wait for it. A refresh that timed out may still have its request out: its answer may rotate the
 * refresh token, so the next turn waits for that too, for up to `late` milliseconds more, and a
 * request that never settles does not hold every later one forever.
 */
export interface Turns extends RefreshLock {
  /** Marks `request` as the token request of the turn being held; returns it. */
  track<T>(request: Promise<T>): Promise<T>;
}

/** Turns that start once `first` (a refresh already running, or nothing) has settled. */
export function turns(first: Promise<unknown>, late: number, timers: WaitTimers, outer?: RefreshLock): Turns {
  let last: Promise<unknown> = first.catch(() => {});
  let request: Promise<unknown> | undefined;
  // The turn (with the wait for the late request before it) comes first, then the app's lock:
  // its `ttl` bounds only the refresh itself, as it always has.
  const turn = <T>(fn: () => Promise<T>): Promise<T> => {
    const mine = last.then(() => {
      request = undefined;
      return outer ? outer.withLock(fn) : fn();
    });
    last = mine.then(
      () => settled(request, late, timers),
      () => settled(request, late, timers),
    );
    return mine;
  };
  return {
    ttl: outer?.ttl,
    local: !outer,
    withLock: turn,
    track(pending) {
      request = pending;
      return pending;
    },
  };
}

/** Resolves once `request` has settled, or after `ms`. */
function settled(request: Promise<unknown> | undefined, ms: number, timers: WaitTimers): Promise<void> | undefined {
  if (!request) return undefined;
  return new Promise<void>((resolve) => {
    const timer = timers.start(ms, resolve);
    const done = () => {
      timers.stop(timer);
      resolve();
    };
    request.then(done, done);
  });
}
