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

/**
 * Rejects keys that name no option: in JavaScript a misspelt option (`refreshTimout`) would
 * otherwise be ignored without a word. Suggests the option one slip away, if there is one.
 */
export function checkKeys(options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = known.find((name) => slips(name.toLowerCase(), key.toLowerCase()) < 3);
    throw new TypeError(`Unknown option \`${key}\`${near ? `: did you mean \`${near}\`?` : `; the options are ${known.join(', ')}`}`);
  }
}

/** Edit distance (insertions, deletions, substitutions) between two names, row by row. */
function slips(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}
