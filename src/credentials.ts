import type { AxiosHeaders, InternalAxiosRequestConfig } from 'axios';
import type { AuthTokens, Tokens } from './tokens';

/** On a config: the header value this library put there, to take back after the call. */
const PUT = Symbol('put');
/** On a config: the name under which `PUT` went into the headers (the case they already had). */
const PUT_AT = Symbol('put at');
/** On a config: the DPoP proof this library put there, likewise. */
const PROOF = Symbol('proof');

export type Marked = InternalAxiosRequestConfig & { [PUT]?: string; [PUT_AT]?: string; [PROOF]?: string };

/**
 * Puts a session's credentials on a config (the token header, and a DPoP proof where the token
 * is bound) and takes them back, so a config that outlives its call carries neither. What was
 * put is compared before it is taken: a value the app set itself stays.
 */
export class Credentials {
  /** The header value for the last tokens seen: built once per token, not once per call. */
  #lastTokens: Tokens = null;
  value = '';
  readonly #lower: string;

  readonly #header: string;
  readonly #scheme: string;
  readonly #bound: (tokens: AuthTokens) => boolean;

  constructor(header: string, scheme: string, bound: (tokens: AuthTokens) => boolean) {
    this.#header = header;
    this.#scheme = scheme;
    this.#bound = bound;
    this.#lower = header.toLowerCase();
  }

  /**
   * Puts the token header on a config (its value is then `value`), or takes ours off when there
   * are no tokens, and returns the name it went under. `record`: also note both on the config,
   * for whoever takes them back later (a response interceptor, a stand-in adapter).
   */
  put(config: Marked, tokens: Tokens, record: boolean): string | undefined {
    if (!tokens) return void this.take(config);
    if (tokens !== this.#lastTokens) {
      this.#lastTokens = tokens;
      const { accessToken } = tokens;
      this.value = this.#bound(tokens) ? `DPoP ${accessToken}` : this.#scheme ? `${this.#scheme} ${accessToken}` : accessToken;
    }
    const at = setHeader(config.headers, this.#header, this.#lower, this.value);
    if (record) {
      config[PUT] = this.value;
      config[PUT_AT] = at;
    }
    return at;
  }

  /** Whether a token header put by `put` is noted on the config. */
  recorded(config: Marked): boolean {
    return config[PUT] !== undefined;
  }

  /** This send's DPoP proof, replacing the one an earlier send of the call carried; `undefined` takes that one off. */
  prove(config: Marked, proof: string | undefined): void {
    const last = config[PROOF];
    // No proof is sent twice (each has its own `jti`): equal means none either way, and a config
    // that never carried one is left without the mark (a property added to every config would
    // cost every call).
    if (last === proof) return;
    const headers = config.headers as Record<string, unknown>;
    if (last !== undefined && headers.DPoP === last) delete headers.DPoP;
    config[PROOF] = proof;
    if (proof !== undefined) headers.DPoP = proof;
  }

  /** The proof `prove` put on last, if any. */
  proof(config: Marked): string | undefined {
    return config[PROOF];
  }

  /** Takes back what `put` and `prove` put on a config. */
  take(config: Marked | undefined): void {
    const headers = config?.headers as Record<string, unknown> | undefined;
    if (!config || !headers) return;
    // Written only when set: adding properties to every config would cost every call.
    if (config[PUT] !== undefined) {
      if (headers[config[PUT_AT]!] === config[PUT]) delete headers[config[PUT_AT]!];
      config[PUT] = undefined;
    }
    this.prove(config, undefined);
  }
}

/** Takes back the header put under `at` (not noted on the config), if it still holds `value`. */
export function unput(config: InternalAxiosRequestConfig, at: string | undefined, value: string | undefined): undefined {
  const headers = config.headers as Record<string, unknown>;
  if (at && headers[at] === value) delete headers[at];
  return undefined;
}

/**
 * What `AxiosHeaders.set` does for one valid name and a string value: replace the header under
 * whatever case it already has, else add it. Doing only that keeps the cost per call within the
 * benchmark's budget; the general `set` checks and normalises far more on every call.
 */
function setHeader(headers: AxiosHeaders | Record<string, unknown>, name: string, lower: string, value: string): string {
  const record = headers as Record<string, unknown>;
  for (const key in record) {
    if (key.length === name.length && Object.hasOwn(record, key) && key.toLowerCase() === lower) {
      record[key] = value;
      return key;
    }
  }
  record[name] = value;
  return name;
}
