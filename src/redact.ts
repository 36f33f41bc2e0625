const MASK = '[redacted]';

const tag = (value: object) => Object.prototype.toString.call(value);

/** Plain data, errors and axios headers are walked; buffers, streams, sockets and the like are not. */
function walkable(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || Array.isArray(value) || value instanceof Error || tag(value) === '[object AxiosHeaders]';
}

/**
 * Removes token values from an error before it reaches the caller, so that neither
 * `JSON.stringify(error)` nor `util.inspect(error)` can print one: every string in the error,
 * its config (headers, body, URL), its response and its `cause` chain has each secret masked,
 * and the raw `request` (whose Node `ClientRequest` holds the headers as sent) becomes
 * non-enumerable. The error stays usable: its config can be sent again through the instance,
 * which attaches a fresh token.
 */
export function redact<T>(error: T, secrets: ReadonlyArray<string | undefined>): T {
  const known = secrets.filter((s): s is string => !!s);
  const seen = new Set<object>();
  const scrub = (value: unknown): unknown => {
    if (typeof value === 'string') return known.reduce((text, secret) => text.split(secret).join(MASK), value);
    if (typeof value !== 'object' || value === null || seen.has(value) || !walkable(value)) return value;
    seen.add(value);
    const record = value as Record<string, unknown>;
    // Only axios errors and responses carry `config` beside `request`; other data is left as it is.
    if ('config' in record && Object.prototype.hasOwnProperty.call(record, 'request')) {
      Object.defineProperty(record, 'request', { enumerable: false });
    }
    const keys = Object.keys(record);
    if (value instanceof Error) keys.push('message', 'stack', 'cause'); // not enumerable, but printed
    for (const key of keys) {
      if (!(key in record)) continue;
      const clean = scrub(record[key]);
      if (clean !== record[key]) record[key] = clean;
    }
    return value;
  };
  scrub(error);
  return error;
}
