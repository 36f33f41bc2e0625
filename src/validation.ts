/** How a value that failed validation is shown: its kind and key names, never its contents. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object' || value === null) return typeof value === 'function' ? 'a function' : String(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (typeof (value as Storage).getItem === 'function') return 'a Web Storage area';
  if (value instanceof Map) return 'a Map';
  return `an object with keys ${Object.keys(value).join(', ') || '(none)'}`;
}

/** The error for an option that cannot work, saying what was expected, what came and what to do. */
export function invalid(name: string, what: string, value: unknown, hint = ''): TypeError {
  return new TypeError(`Expected \`${name}\` to be ${what}, got ${describe(value)}${hint}`);
}

/** Throws `invalid(...)` unless `valid`. */
export function check(name: string, value: unknown, valid: boolean, what: string): void {
  if (!valid) throw invalid(name, what, value);
}
