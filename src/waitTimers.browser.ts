type Timer = ReturnType<typeof setTimeout>;

/**
 * A page's timers never keep anything alive (there is no process to hold open), so the browser
 * build has this in place of `waitTimers.ts`: the same calls, without the bookkeeping for Node.
 */
export class WaitTimers {
  start(ms: number, fire: () => void): Timer {
    return setTimeout(fire, ms);
  }

  stop(timer: Timer | undefined): void {
    clearTimeout(timer);
  }

  release(): void {}

  resume(): void {}
}
