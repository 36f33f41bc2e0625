/**
 * The server's clock as a session has learned it. Expiries are on the server's clock (from
 * `expiresAt`, or `expiresIn` counted on it), and ours may be minutes off on a user's machine.
 */
export class ServerClock {
  /** The server's clock minus ours, in milliseconds. */
  #skew = 0;
  #lastDate: string | undefined;
  #lastAge: unknown;

  /** `moved` hears by how much each correction moved the clock. */
  readonly #moved: (by: number) => void;

  constructor(moved: (by: number) => void) {
    this.#moved = moved;
  }

  /** Our clock corrected to the server's. */
  now(): number {
    return Date.now() + this.#skew;
  }

  /**
   * Learns from a response's `Date` header (whole seconds, so the middle of the second is
   * taken). A response a cache kept says how old it is in `Age` (RFC 9111 section 4.2.3): its
   * `Date` is that much behind the server's clock.
   */
  observe(received: unknown): void {
    const headers = received as { date?: unknown; age?: unknown } | undefined;
    const date = headers?.date;
    const age = headers?.age;
    if (typeof date === 'string' && (date !== this.#lastDate || age !== this.#lastAge)) {
      this.#lastDate = date;
      this.#lastAge = age;
      const ms = Date.parse(date);
      if (ms) this.#set(ms + (Number(age) || 0) * 1000 + 500 - Date.now());
    }
  }

  /**
   * Learns from a token issued just now (its JWT `iat`, in milliseconds). Whole seconds too: the
   * middle of that second is the best guess, and the next `Date` header, even in the same
   * second, may correct it.
   */
  issued(at: number): void {
    this.#set(at + 500 - Date.now());
    this.#lastDate = undefined;
  }

  #set(skew: number): void {
    const by = skew - this.#skew;
    this.#skew = skew;
    this.#moved(by);
  }
}
