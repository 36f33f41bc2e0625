import { AuthError, isAuthError } from './errors';

const MASK = '[redacted]';

/** Secrets shorter than this are masked only where they stand alone (see `redact`). */
const MIN_ANYWHERE = 8;

/** Characters that continue a token: a short secret touching one is part of a longer word, not the secret. */
const WORD = 'A-Za-z0-9._~+/%-';

/** Characters no common encoder (encodeURIComponent, URLSearchParams, axios, qs) ever escapes. */
const NEVER_ENCODED = /^[A-Za-z0-9._-]$/;

/** What an error prints besides its enumerable fields; read even when they are getters. */
const PRINTED = ['message', 'stack', 'cause', 'errors'];

/** Containers whose entries are printed by `util.inspect` and can be rewritten with `delete` and `append`. */
const ENTRY_LISTS = ['[object URLSearchParams]', '[object FormData]', '[object Headers]'];

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
 * `util.inspect` prints it.
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
  const byLength = (a: string, b: string) => b.length - a.length; // the longer of two overlapping forms wins
  const anywhere = known.filter((secret) => secret.length >= MIN_ANYWHERE).flatMap((secret) => [secret, ...base64Cores(secret)]);
  const alone = known.filter((secret) => secret.length < MIN_ANYWHERE);
  const anywherePattern = anywhere.length ? new RegExp(anywhere.sort(byLength).map(encodedForms).join('|'), 'g') : undefined;
  // The boundary before is captured, not looked behind, for engines without lookbehind.
  const alonePattern = alone.length ? new RegExp(`(^|[^${WORD}])(?:${alone.sort(byLength).map(encodedForms).join('|')})(?![${WORD}])`, 'g') : undefined;
  return (text, fieldName = false) => {
    const masked = anywherePattern ? text.replace(anywherePattern, MASK) : text;
    return alonePattern && !fieldName ? masked.replace(alonePattern, `$1${MASK}`) : masked;
  };
}

/** A pattern matching `literal` with any character an encoder may escape either as it is or escaped. */
function encodedForms(literal: string): string {
  let pattern = '';
  for (const char of literal) {
    if (NEVER_ENCODED.test(char)) {
      pattern += char === '.' ? '\\.' : char;
      continue;
    }
    const forms = [char.replace(/[\\^$*+?.()|[\]{}/-]/g, '\\$&'), percentEncoded(char)];
    if (char === ' ') forms.push('\\+');
    if (char === '/') forms.push('\\\\\\/');
    pattern += `(?:${forms.join('|')})`;
  }
  return pattern;
}

function percentEncoded(char: string): string {
  let pattern = '';
  for (const byte of new TextEncoder().encode(char)) {
    pattern += `%${byte.toString(16).padStart(2, '0').replace(/[a-f]/g, (digit) => `[${digit}${digit.toUpperCase()}]`)}`;
  }
  return pattern;
}

/**
 * The base64 and base64url characters that encode nothing but `secret`, for each of the three
 * ways its bytes can fall on base64's 3-byte groups inside longer text.
 */
function base64Cores(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret);
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    let binary = '\0'.repeat(offset);
    for (const byte of bytes) binary += String.fromCharCode(byte);
    const core = btoa(binary).slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6));
    cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return cores;
}

const tag = (value: object) => Object.prototype.toString.call(value);

function isErrorLike(value: object): boolean {
  return value instanceof Error || tag(value) === '[object Error]' || isAuthError(value);
}

/** Plain data of any realm, errors and axios headers have their fields walked; other class instances do not. */
function hasDataFields(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null || Array.isArray(value) || isErrorLike(value) || tag(value) === '[object AxiosHeaders]';
}

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
    if (kind === '[object Map]') return cleanMap(value as Map<unknown, unknown>);
    if (kind === '[object Set]') return cleanSet(value as Set<unknown>);
    if (ENTRY_LISTS.includes(kind)) return cleanEntries(value as unknown as EntryList);
    if (kind === '[object URL]') return cleanUrl(value as URL);
    // A fetch Request or Response (ky and fetch wrappers keep them on their errors) prints its
    // headers under util.inspect and cannot be cleaned in place: a summary stands in for it.
    if (kind === '[object Request]' || kind === '[object Response]') {
      const { method = '', url = '', status = '' } = value as { method?: string; url?: string; status?: number };
      return mask(`[${kind.slice(8, -1)} ${method || status} ${url}]`);
    }
    return hasDataFields(value) ? cleanFields(value) : value;
  };

  const cleanMap = (map: Map<unknown, unknown>): Map<unknown, unknown> => {
    const entries = [...Map.prototype.entries.call(map)];
    const cleaned = entries.map(([key, item]) => [clean(key), clean(item)] as const);
    if (cleaned.every(([key, item], i) => key === entries[i]![0] && item === entries[i]![1])) return map;
    // A frozen Map still accepts set(): freezing guards its fields, not its entries.
    Map.prototype.clear.call(map);
    for (const [key, item] of cleaned) Map.prototype.set.call(map, key, item);
    return map;
  };

  const cleanSet = (set: Set<unknown>): Set<unknown> => {
    const items = [...Set.prototype.values.call(set)];
    const cleaned = items.map(clean);
    if (cleaned.every((item, i) => item === items[i])) return set;
    Set.prototype.clear.call(set);
    for (const item of cleaned) Set.prototype.add.call(set, item);
    return set;
  };

  const cleanEntries = (list: EntryList): EntryList => {
    const entries = [...list.entries()];
    const cleaned = entries.map(([name, item]) => [mask(name, true), clean(item)] as const);
    if (cleaned.every(([name, item], i) => name === entries[i]![0] && item === entries[i]![1])) return list;
    for (const name of new Set(entries.map(([name]) => name))) list.delete(name);
    for (const [name, item] of cleaned) list.append(name, item);
    return list;
  };

  const cleanUrl = (url: URL): URL | string => {
    const href = mask(url.href);
    if (href === url.href) return url;
    try {
      url.href = href;
    } catch {
      return href;
    }
    return mask(url.href) === url.href ? url : href;
  };

  const cleanFields = (record: object): object => {
    const error = isErrorLike(record);
    // Only axios errors and responses carry `config` beside `request`; other data keeps its fields.
    const hideRequest = 'config' in record && Object.prototype.hasOwnProperty.call(record, 'request');
    const changes = new Map<PropertyKey, { key: PropertyKey; descriptor: PropertyDescriptor }>();
    for (const key of Reflect.ownKeys(record)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(record, key)!;
      if (hideRequest && key === 'request') {
        if (descriptor.enumerable) changes.set(key, { key, descriptor: { ...descriptor, enumerable: false } });
        continue;
      }
      if (error && (key === 'name' || key === 'code')) continue;
      const newKey = typeof key === 'string' && !Array.isArray(record) ? mask(key, true) : key;
      const current = read(record, key, descriptor, error);
      if (current === absent) {
        if (newKey !== key) changes.set(key, { key: newKey, descriptor });
        continue;
      }
      const next = clean(current.value);
      if (next === current.value && newKey === key) continue;
      const writable = 'value' in descriptor ? descriptor.writable : descriptor.set !== undefined;
      changes.set(key, { key: newKey, descriptor: { value: next, writable, enumerable: descriptor.enumerable, configurable: descriptor.configurable } });
    }
    if (!changes.size) return record;
    let inPlace = true;
    for (const [key, change] of changes) {
      inPlace = define(record, change.key, change.descriptor) && (change.key === key || Reflect.deleteProperty(record, key)) && inPlace;
    }
    return inPlace ? record : copy(record, changes, error);
  };

  return clean;
}

const absent = Symbol('absent');

/** A field's value as printing would see it; getters are called only where a printer calls them. */
function read(record: object, key: PropertyKey, descriptor: PropertyDescriptor, error: boolean): { value: unknown } | typeof absent {
  if ('value' in descriptor) return { value: descriptor.value };
  const printed = descriptor.enumerable || (error && typeof key === 'string' && PRINTED.includes(key));
  if (!descriptor.get || !printed) return absent;
  try {
    return { value: descriptor.get.call(record) };
  } catch {
    return absent; // a getter that throws prints nothing
  }
}

function define(target: object, key: PropertyKey, descriptor: PropertyDescriptor): boolean {
  try {
    return Reflect.defineProperty(target, key, descriptor);
  } catch {
    return false;
  }
}

/**
 * A clean stand-in for an object that could not be changed in place: same prototype, same fields
 * (cleaned ones replaced), all of them writable. An error's stand-in is a real error, so it
 * prints and is recognised as one.
 */
function copy(record: object, changes: Map<PropertyKey, { key: PropertyKey; descriptor: PropertyDescriptor }>, error: boolean): object {
  const proto = Object.getPrototypeOf(record) as object | null;
  const target: object = error ? errorShell() : Array.isArray(record) ? [] : {};
  Object.setPrototypeOf(target, proto);
  for (const key of Reflect.ownKeys(record)) {
    if (Array.isArray(record) && key === 'length') continue;
    const change = changes.get(key);
    const descriptor = change?.descriptor ?? Reflect.getOwnPropertyDescriptor(record, key)!;
    const open = 'value' in descriptor ? { writable: true } : {};
    Object.defineProperty(target, change?.key ?? key, { ...descriptor, ...open, configurable: true });
  }
  return target;
}

function errorShell(): Error {
  const shell = new Error();
  for (const key of Reflect.ownKeys(shell)) Reflect.deleteProperty(shell, key);
  return shell;
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
