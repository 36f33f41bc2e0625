import axios, { isAxiosError, type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { Answer, Call, Refusal, Verdict } from './answers/answer';
import type { Credentials, Marked } from './credentials';
import { unput } from './credentials';
import type { DPoP } from './dpop/createDPoP';
import { describeCall } from './describeCall';
import { forCall } from './errors';
import { finalUrl, isForeign } from './redirects';
import { sendGuarded } from './send';
import { challenged } from './refusal';
import type { Session } from './session';
import type { Tokens } from './tokens';
import { wait } from './wait';

/**
 * The URL a proof on `config` is for: where axios's adapters send it, its `baseURL` and `url`
 * joined as axios's `buildFullPath` joins them. `axios.getUri(config)` first merged the whole
 * config into the global defaults, a third of what a proof cost, and could name a `baseURL` from
 * them that the instance never had; what it appends from `params` is the query, which `htu`
 * leaves out (RFC 9449 section 4.2).
 */
export function proofUrl({ baseURL, url, allowAbsoluteUrls }: InternalAxiosRequestConfig): string {
  // The common case, a path from the root after an http(s) baseURL with no slash at its end:
  // every axios since 1.6 joins these by writing one after the other. (An absent url is tested
  // as "undefined", which is no path.)
  if (typeof baseURL === 'string' && /^https?:\/\/.*[^/]$/i.test(baseURL) && /^\/(?![/\\\t\n\r])/.test(url!)) return baseURL + url;
  // Anything else axios joins itself, each version its own way (`allowAbsoluteUrls` from 1.8,
  // trailing slashes, URLs it refuses), through an axios with no defaults to merge.
  return new axios.Axios({}).getUri({ baseURL, url, allowAbsoluteUrls });
}

/** What every call of one guarded instance shares. */
export interface Guard {
  readonly session: Session;
  readonly answers: Answer[];
  readonly credentials: Credentials;
  /** Whether a response interceptor of ours takes the credentials back (else the call does, as it ends). */
  takenLater(): boolean;
  /** Whether the token header is put on in the request interceptor already, and so noted on the config. */
  readonly late: boolean;
  /** What a redirect to an origin that may not have the token must lose: the token header, and with a bound token its proof. */
  readonly secretHeaders: { readonly alone: readonly string[]; readonly withProof: readonly string[] };
}

/**
 * One call's life: take the tokens (waiting if the session must first load or refresh), build
 * this send's credentials (the token, and a proof for this very send), send, and on a refusal by
 * the call's own origin ask each answer in turn whether it can fix it; replay when one can,
 * else let the refusal through. Whatever happens, the credentials are taken back and the error
 * that leaves holds no secret.
 */
export async function runCall(guard: Guard, send: AxiosAdapter, config: Marked, origin: string | undefined, mayReceive: (href: string) => boolean, byName: boolean): Promise<AxiosResponse> {
  const { session, credentials } = guard;
  const call = new OneCall(guard, config);
  let putAt: string | undefined;
  let value: string | undefined;
  try {
    let tokens = session.current();
    if (tokens instanceof Promise) tokens = await call.take(tokens);
    for (;;) {
      if (!tokens) putAt = unput(config, putAt, value);
      putAt = credentials.put(config, tokens, guard.late || credentials.recorded(config));
      value = putAt && credentials.value;
      const proving = call.prove(tokens);
      if (proving) await proving;
      const { signer } = call;
      const secret = signer ? guard.secretHeaders.withProof : guard.secretHeaders.alone;
      try {
        const response = await sendGuarded(send, config, secret, mayReceive, signer && ((hop, href) => call.resign(hop, href)), byName);
        if (!isForeign(response, origin, mayReceive)) call.observe(response);
        return response;
      } catch (error) {
        const response = isAxiosError(error) ? error.response : undefined;
        // An origin a redirect reached, that may not have the token, does not steer the session.
        if (!response || isForeign(response, origin, mayReceive)) throw error;
        call.observe(response);
        if ((await call.ask(error as Refusal)) !== 'replay') throw error;
        tokens = await call.next();
        const { status } = response;
        session.emit(() => ({ type: 'call-replayed', ...describeCall(session, config), status }));
      }
    }
  } catch (error) {
    if (isAxiosError(error) && error.response) challenged(session, config, error as Refusal);
    const proof = credentials.proof(config);
    // Taken off before the error is redacted; doing it again in `finally` finds nothing left.
    if (!guard.takenLater()) {
      credentials.take(config);
      unput(config, putAt, value);
    }
    throw session.redact(error, [call.sent, proof]);
  } finally {
    if (!guard.takenLater()) {
      // The proof first, the header put on last: taken off in that order, the headers object
      // keeps its fast shape (taking the token first turned it into a dictionary, ~0.5 µs a send).
      credentials.take(config);
      unput(config, putAt, value);
    }
  }
}

/** The state of one call across its sends, as the answers see it (`Call`). */
class OneCall implements Call {
  readonly session: Session;
  sent: string | undefined;
  scheme: string;
  signer: DPoP | undefined;
  replays = 0;
  #once: Set<Answer> | undefined;
  /** Tokens an answer already holds for the next send. */
  #held: Tokens | undefined;
  #href: string | undefined;

  constructor(
    private readonly guard: Guard,
    readonly config: InternalAxiosRequestConfig,
  ) {
    this.session = guard.session;
    this.scheme = guard.session.options.scheme;
  }

  get answered(): Set<Answer> {
    return (this.#once ??= new Set());
  }

  wait<T>(pending: Promise<T>, refusal?: Refusal): Promise<T> {
    return wait(pending, this.config, refusal);
  }

  /**
   * The tokens for a send: `current` as they are, or once the session has them. A call that
   * waited is never sent bare because the session was signed out meanwhile: it rejects, or, for
   * a session that fetches tokens without any (`refreshWithoutTokens`), waits for the next ones.
   */
  async take(current: Tokens | Promise<Tokens>, refusal?: Refusal): Promise<Tokens> {
    const { session } = this;
    for (let pending = current; ; pending = session.current()) {
      if (!(pending instanceof Promise)) return pending;
      session.emit(() => ({ type: 'call-held', ...describeCall(session, this.config) }));
      const generation = session.generation;
      const tokens = await this.wait(pending, refusal);
      if (tokens) return tokens;
      if (session.options.refreshWithoutTokens) continue;
      if (refusal || session.generation !== generation) throw forCall(session.endedError(), this.config, refusal?.response);
      return null;
    }
  }

  async renewed(pending: Promise<Tokens>, refusal: Refusal): Promise<void> {
    this.#held = await this.take(pending, refusal);
  }

  /** The tokens for the next send, after an answer said to replay. */
  next(): Promise<Tokens> | Tokens {
    const held = this.#held;
    this.#held = undefined;
    return held !== undefined ? held : this.take(this.session.current());
  }

  /** Asks each answer in turn what to do with a refusal, until one says. */
  async ask(refusal: Refusal): Promise<Verdict> {
    for (const answer of this.guard.answers) {
      const verdict = await answer(this, refusal);
      if (verdict) return verdict;
    }
    return undefined;
  }

  /**
   * This send's DPoP proof (RFC 9449 section 4.3): fresh for every send, bound to the token it
   * carries and to its URL, or none (and the last send's taken off) for a token that is not
   * bound. A promise only when there is a proof to sign.
   */
  prove(tokens: Tokens): Promise<void> | undefined {
    const { session } = this;
    this.sent = tokens?.accessToken;
    this.signer = undefined;
    this.scheme = session.options.scheme;
    if (tokens && session.bound(tokens)) return this.#sign();
    this.guard.credentials.prove(this.config, undefined);
    return undefined;
  }

  async #sign(): Promise<void> {
    const { session, config } = this;
    const signer = session.signer();
    // A key pair the app gives through a function is the app's code: its wait is bounded like any.
    this.signer = await (typeof session.options.dpop === 'function' ? this.wait(signer) : signer);
    this.scheme = 'DPoP';
    await this.resign(config, (this.#href ??= proofUrl(config)));
  }

  /**
   * Puts on `config` a proof for `href` and the token the call sent: on the call's own config, or
   * on a redirect hop of it (`sendGuarded` asks), which gets one of its own for its own URL.
   */
  async resign(config: InternalAxiosRequestConfig, href: string): Promise<void> {
    this.guard.credentials.prove(config, await this.signer!.proof(config.method ?? 'get', href, { accessToken: this.sent, now: this.session.now() }));
  }

  /** Learns from a response of the call's own origin: the server's clock, and a DPoP nonce for the origin that gave it. */
  observe(response: AxiosResponse): void {
    this.session.clock.observe(response.headers);
    if (!this.signer) return;
    // A stub adapter may report the config's relative URL: only an absolute one names an origin.
    const landed = finalUrl(response);
    this.signer.observe(landed && /^https?:\/\//i.test(landed) ? landed : this.#href!, response.headers);
  }
}
