type Timer = ReturnType<typeof setTimeout>;

/**
 * The timers that only bound a wait (a refresh, a storage operation). While the session is in
 * use they keep a process alive like any pending work; once it is signed out or ejected, nothing
 * waits on them that the app still cares about, so they must not hold the process open.
 */
export class WaitTimers {
  readonly #live = new Set<Timer>();
  /** Released and not resumed since: timers started now (a refresh begun in the same tick) are let go too. */
  #idle = false;

  /** Starts a timer; every one is stopped by its owner when the wait it bounds ends, fired or not. */
  start(ms: number, fire: () => void): Timer {
    const timer = setTimeout(fire, ms);
    this.#live.add(timer);
    if (this.#idle) unref(timer);
    return timer;
  }

  stop(timer: Timer | undefined): void {
    clearTimeout(timer);
    this.#live.delete(timer!);
  }

  /** The session ended: the timers still run (their waits settle), without keeping Node alive. */
  release(): void {
    this.#idle = true;
    this.#live.forEach(unref);
  }

  /** Signed in or attached again: new waits keep the process alive as usual. */
  resume(): void {
    this.#idle = false;
  }
}

const unref = (timer: Timer) => (timer as { unref?: () => void }).unref?.();
