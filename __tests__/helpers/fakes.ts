/** A Web Storage area for Node, as `localStorage` behaves. */
export class MemoryWebStorage implements Storage {
  private items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, String(value));
  }
}

/** An unsigned JWT with the given claims (seconds), the way servers shape them. */
export function jwt(claims: { iat?: number; exp?: number; sub?: string }): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.sig`;
}

/** Controls `Date.now()` for the library and the fake API alike. */
export function fakeClock(start = Date.UTC(2026, 0, 1)) {
  const clock = { now: start, advance: (ms: number) => (clock.now += ms) };
  jest.spyOn(Date, 'now').mockImplementation(() => clock.now);
  return clock;
}

/** The claims of a JWT made by `jwt()`, or `undefined` for anything else. */
export function claims(token: string): { iat?: number; exp?: number } | undefined {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
  } catch {
    return undefined;
  }
}
