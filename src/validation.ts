/** The error for an option that cannot work, saying what was expected and what came. */
export function invalid(name: string, what: string, value: unknown): TypeError {
  const shown = typeof value === 'function' ? 'a function' : typeof value === 'string' ? JSON.stringify(value) : String(value);
  return new TypeError(`Expected \`${name}\` to be ${what}, got ${shown}`);
}
