import { AuthError, isAuthError } from './errors';

const MASK = '[redacted]';

/** Secrets shorter than this are masked only where they stand alone (see `redact`). */
const MIN_ANYWHERE = 8;

/** Characters that continue a token: a short secret touching one is part of a longer word, not the secret. */
const WORD = 'A-Za-z0-9._~+/%-';

/** What an error prints besides its enumerable fields; read even when they are getters. */
const PRINTED = ['message', 'stack', 'cause', 'errors'];

/** Containers whose entries are printed by `util.inspect` and can be rewritten with `delete` and `append`. */
const ENTRY_LISTS = ['URLSearchParams', 'FormData', 'Headers'];

interface EntryList {
  entries(): IterableIterator<[string, unknown]>;
  delete(name: string): void;
  append(name: string, value: unknown): void;
}

/**
 * Removes secrets (the tokens a session holds or sent) from a value the library is about to
 * reject with or report, and returns the value to use in its place. Callers must use what it
 * returns: an object that cannot be changed in place (frozen, sealed, read-only or getter-only
 * fields) is replaced by a clean copy with the same prototype, so an `AuthError` stays an
 * `AuthError` with its `code`. It never throws.
 *
 * What is walked: errors (every own field, `message`, `stack`, `cause`, `AggregateError.errors`),
 * plain objects (keys and values), arrays, `Map` and `Set` (keys and values), `AxiosHeaders`,
 * `URLSearchParams`, `FormData`, `Headers` and `URL`. Class instances such as sockets, streams,
 * agents and buffers are left alone; a `request` beside a `config` (the `ClientRequest` or XHR
 * that holds the headers as sent) is made non-enumerable, so neither `JSON.stringify` nor
 * `util.inspect` prints it. A fetch `Request` or `Response` is replaced by a one-line summary.
 *
 * The rule for strings:
 * - A secret of 8 characters or more is masked wherever it appears: as it is, percent-encoded
 *   (`%2F` or `%2f`, a space as `%20` or `+`, as encodeURIComponent, URLSearchParams, axios and
 *   qs write it), with `/` escaped as `\/` in JSON, and in base64 or base64url text at any
 *   alignment (a body or Basic credentials that embed it; the 1-2 characters at each edge that
 *   mix in neighbouring bytes are left).
 * - A shorter secret (a test token like `'a'` or `'tok'`) is masked only where it stands alone,
 *   in the same forms: not directly after or before a letter, digit or one of `-._~+/%`. So
 *   `Bearer tok` and `refresh_token=tok&` are masked, while `stock` and `AuthError` stay.
 * - Field names (object keys, query and form parameter names) are masked only by the first rule:
 *   a short name that equals a test token is a coincidence, not a leak. `Map` keys are values.
 * - An error's `name` and `code` are never rewritten: they are identifiers callers branch on.
 * Nothing else changes: a string that holds no secret, in any of these forms, is left as it is.
 */
export function redact<T>(value: T, secrets: Iterable<string | null | undefined>): T {
  let mask: Mask = () => MASK;
  try {
    mask = masker(secrets);
    return cleaner(mask)(value) as T;
  } catch {
    return placeholder(value, mask) as T;
  }
}

/** Masks every form of every secret in a string; in a field name, only secrets masked anywhere. */
type Mask = (text: string, fieldName?: boolean) => string;

function masker(secrets: Iterable<string | null | undefined>): Mask {
  const known = [...new Set(secrets)].filter((secret): secret is string => typeof secret === 'string' && secret !== '');
  // One alternative per form of the long (or the short) secrets, the longer of two overlapping forms first.
  const alternatives = (long: boolean) =>
    known
      .filter((secret) => (secret.length >= MIN_ANYWHERE) === long)
      .flatMap((secret) => (long ? [secret, ...base64Cores(secret)] : secret))
      .sort((a, b) => b.length - a.length)
      .map(encodedForms)
      .join('|');
  const anywhere = alternatives(true);
  const alone = alternatives(false);
  // Each pattern is used only when it has a secret to find (an empty one would match everywhere).
  const anywherePattern = new RegExp(anywhere, 'g');
  // The boundary before is captured, not looked behind, for engines without lookbehind.
  const alonePattern = new RegExp(`(^|[^${WORD}])(?:${alone})(?![${WORD}])`, 'g');
  return (text, fieldName) => {
    if (anywhere) text = text.replace(anywherePattern, MASK);
    return alone && !fieldName ? text.replace(alonePattern, `$1${MASK}`) : text;
  };
}

/** The UTF-8 bytes of `text`, as percent-encoding and base64 see them. */
const utf8 = (text: string) => new TextEncoder().encode(text);

/** A pattern matching `literal` with any character an encoder may escape either as it is or escaped. */
function encodedForms(literal: string): string {
  let pattern = '';
  for (const char of literal) {
    // Letters, digits and `-._` are never escaped by any common encoder (encodeURIComponent,
    // URLSearchParams, axios, qs).
    if (/[\w.-]/.test(char)) {
      pattern += char === '.' ? '\\.' : char;
      continue;
    }
    // Any other character stands for itself behind a backslash (there is no `u` flag), and may be
    // percent-encoded as its UTF-8 bytes (hex digits in either case); a space may be `+`, and JSON
    // may write `/` as `\/`.
    const percent = [...utf8(char)].map((byte) => `%${(byte | 256).toString(16).slice(1)}`).join('');
    pattern += `(?:\\${char}|${percent.replace(/[a-f]/g, (digit) => `[${digit}${digit.toUpperCase()}]`)}${char === ' ' ? '|\\+' : char === '/' ? '|\\\\\\/' : ''})`;
  }
  return pattern;
}

/**
 * The base64 and base64url characters that encode nothing but `secret`, for each of the three
 * ways its bytes can fall on base64's 3-byte groups inside longer text.
 */
function base64Cores(secret: string): string[] {
  let binary = '';
  for (const byte of utf8(secret)) binary += String.fromCharCode(byte);
  return [0, 1, 2].flatMap((offset) => {
    const core = btoa('\0'.repeat(offset) + binary).slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + binary.length)) / 6));
    return [core, core.replace(/\+/g, '-').replace(/\//g, '_')];
  });
}

/** `Object.prototype.toString`'s tag: `Map` for a Map of any realm. */
const tag = (value: object) => Object.prototype.toString.call(value).slice(8, -1);

const isErrorLike = (value: object) => value instanceof Error || tag(value) === 'Error' || isAuthError(value);

const { ownKeys, getOwnPropertyDescriptor: ownField, getPrototypeOf: protoOf, deleteProperty } = Reflect;

/** A walk over one value, which cleans each object once (also in cycles) and remembers what replaced it. */
function cleaner(mask: Mask): (value: unknown) => unknown {
  const replaced = new Map<object, unknown>();

  const clean = (value: unknown): unknown => {
    if (typeof value === 'string') return mask(value);
    if (typeof value !== 'object' || value === null) return value;
    if (replaced.has(value)) return replaced.get(value);
    replaced.set(value, value);
    let result: unknown;
    try {
      result = cleanObject(value);
    } catch {
      result = placeholder(value, mask);
    }
    replaced.set(value, result);
    return result;
  };

  const cleanObject = (value: object): unknown => {
    const kind = tag(value);
    // Map and Set (a Set's entries are [value, value]) through their own built-in methods, which
    // a subclass cannot override. A frozen Map still accepts set(): freezing guards its fields,
    // not its entries. An entry list's names are field names; a Map's keys are values.
    const builtIn = kind === 'Map' ? Map.prototype : kind === 'Set' ? Set.prototype : undefined;
    if (builtIn) {
      const call = (method: Function, ...args: unknown[]) => method.call(value, ...args);
      cleanEntries(call(builtIn.entries), clean, () => call(builtIn.clear), (key, item) => call(kind === 'Map' ? Map.prototype.set : Set.prototype.add, key, item));
      return value;
    }
    if (ENTRY_LISTS.includes(kind)) {
      const list = value as EntryList;
      cleanEntries(list.entries(), (name) => mask(name, true), (names) => new Set(names).forEach((name) => list.delete(name)), (name, item) => list.append(name, item));
      return value;
    }
    if (kind === 'URL') {
      const url = value as URL;
      const href = mask(url.href);
      // Set back, a masked URL may be parsed into another that still shows a secret: then the text stands in.
      if (href !== url.href) {
        try {
          url.href = href;
        } catch {
          return href;
        }
        if (mask(url.href) !== url.href) return href;
      }
      return url;
    }
    // A fetch Request or Response (ky and fetch wrappers keep them on their errors) prints its
    // headers under util.inspect and cannot be cleaned in place: a summary stands in for it.
    if (kind === 'Request' || kind === 'Response') {
      const { method = '', url = '', status = '' } = value as { method?: string; url?: string; status?: number };
      return mask(`[${kind} ${method || status} ${url}]`);
    }
    // Plain data of any realm, errors and axios headers have their fields walked; other class instances do not.
    const proto = protoOf(value);
    if (proto === null || protoOf(proto) === null || Array.isArray(value) || isErrorLike(value) || kind === 'AxiosHeaders') {
      const error = isErrorLike(value);
      const changes = fieldChanges(value, error, clean, mask);
      return changes.size ? rewrite(value, changes, error) : value;
    }
    return value;
  };

  /** Cleans a container's entries and, if that changed any, empties it (`clear` gets the old keys) and adds them back in order. */
  const cleanEntries = <K>(entries: Iterable<[K, unknown]>, cleanKey: (key: K) => K, clear: (keys: K[]) => void, add: (key: K, item: unknown) => void) => {
    const before = [...entries];
    const after = before.map(([key, item]) => [cleanKey(key), clean(item)] as const);
    if (after.some(([key, item], i) => key !== before[i]![0] || item !== before[i]![1])) {
      clear(before.map(([key]) => key));
      for (const [key, item] of after) add(key, item);
    }
  };

  return clean;
}

/** Each changed field by its old key: its new key and its new descriptor. */
type Changes = Map<PropertyKey, [PropertyKey, PropertyDescriptor]>;

/** What cleaning changes in a record's own fields (keys and values), read as printing would read them. */
function fieldChanges(record: object, error: boolean, clean: (value: unknown) => unknown, mask: Mask): Changes {
  // Only axios errors and responses carry `config` beside `request`; other data keeps its fields.
  const hideRequest = 'config' in record && Object.hasOwn(record, 'request');
  const changes: Changes = new Map();
  for (const key of ownKeys(record)) {
    const descriptor = ownField(record, key)!;
    const { value, get, enumerable } = descriptor;
    if (hideRequest && key === 'request') {
      if (enumerable) changes.set(key, [key, { ...descriptor, enumerable: false }]);
      continue;
    }
    if (error && (key === 'name' || key === 'code')) continue;
    const newKey = typeof key === 'string' && !Array.isArray(record) ? mask(key, true) : key;
    // The field's value as printing would see it; getters are called only where a printer calls them.
    let current = value;
    let readable = 'value' in descriptor;
    if (get && (enumerable || (error && PRINTED.includes(key as string)))) {
      try {
        current = get.call(record);
        readable = true;
      } catch {
        // a getter that throws prints nothing
      }
    }
    // A field that cannot be read keeps its descriptor; one that can is rewritten as a value.
    const next = readable ? clean(current) : current;
    if (next !== current || newKey !== key) {
      changes.set(key, [newKey, readable ? { value: next, writable: descriptor.writable ?? !!descriptor.set, enumerable, configurable: descriptor.configurable } : descriptor]);
    }
  }
  return changes;
}

/** Makes `changes` to `record` in place, or, where any is refused, returns a copy that has them all. */
function rewrite(record: object, changes: Changes, error: boolean): object {
  let inPlace = true;
  for (const [key, [newKey, descriptor]] of changes) {
    let defined = false;
    try {
      defined = Reflect.defineProperty(record, newKey, descriptor);
    } catch {
      // a proxy's trap that throws: as good as refused
    }
    inPlace = defined && (newKey === key || deleteProperty(record, key)) && inPlace;
  }
  return inPlace ? record : copy(record, changes, error);
}

/**
 * A clean stand-in for an object that could not be changed in place: same prototype, same fields
 * (cleaned ones replaced), all of them writable. An error's stand-in is a real error, so it
 * prints and is recognised as one.
 */
function copy(record: object, changes: Changes, error: boolean): object {
  const array = Array.isArray(record);
  const target: object = error ? new Error() : array ? [] : {};
  for (const key of ownKeys(target)) deleteProperty(target, key); // a new Error's own `stack` (an array's `length` stays)
  Object.setPrototypeOf(target, protoOf(record));
  for (const key of ownKeys(record)) {
    if (array && key === 'length') continue;
    const [newKey, descriptor] = changes.get(key) ?? [key, ownField(record, key)!];
    const open = { ...descriptor, configurable: true };
    if ('value' in open) open.writable = true;
    Object.defineProperty(target, newKey, open);
  }
  return target;
}

/** What stands in for a value that could not even be read: an error stays an error, with its code. */
function placeholder(value: unknown, mask: Mask): unknown {
  try {
    if (typeof value !== 'object' || value === null) return typeof value === 'string' ? MASK : value;
    const message = mask(String((value as Error).message));
    if (isAuthError(value)) return new AuthError(value.code, message);
    if (isErrorLike(value)) return new Error(message);
  } catch {
    // unreadable: fall through to the bare mask
  }
  return MASK;
}
