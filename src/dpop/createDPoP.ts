import { invalid } from '../validation';
import type { CryptoKeyPair, JsonWebKey } from '../webTypes';
import { signParams, type DPoPAlgorithm } from './algorithms';
import { base64url, sha256, utf8 } from './base64url';
import { htu, targetUrl } from './htu';
import { jwsSigner } from './jws';
import { jwkThumbprint, publicJwk } from './jwk';
import { checkKeyPair } from './keyPair';
import { responseNonce, validNonce } from './nonce';
import { dpopProblem, type DPoPProblem, type ResponseLike } from './problem';

export interface DPoPProofOptions {
  /** The access token the call carries: the proof then binds it with `ath` (RFC 9449 section 4.2). */
  accessToken?: string;
  /** The nonce to send; by default the last one this origin gave (`remember`, `observe`). */
  nonce?: string;
  /** The time to put in `iat`, in milliseconds like `Date.now()`: pass the server's clock when known. */
  now?: number;
}

/** One client's DPoP state: its key pair and the nonces servers gave it. */
export interface DPoP {
  /** The JWS algorithm of the proofs, read from the key. */
  readonly alg: DPoPAlgorithm;
  readonly keyPair: CryptoKeyPair;
  /**
   * A fresh proof JWT for one HTTP request (RFC 9449 section 4): send it as the `DPoP` header.
   * Each call gives a new `jti`, so a replayed request needs a new proof too.
   */
  proof(method: string, url: string | URL, options?: DPoPProofOptions): Promise<string>;
  /** Keeps `nonce` for later proofs to `url`'s origin; an invalid or empty nonce is ignored. */
  remember(url: string | URL, nonce: string | null | undefined): void;
  /** The nonce proofs to `url`'s origin carry now, if any. */
  nonceFor(url: string | URL): string | undefined;
  /**
   * Remembers the `DPoP-Nonce` header of a response to `url`, on any status: servers may hand
   * out the next nonce on a success (RFC 9449 section 8.2). Returns that nonce, if any.
   */
  observe(url: string | URL, headers: unknown): string | undefined;
  /**
   * What a refused response says about DPoP (`dpopProblem`), here so that code handed this object
   * (the interceptor, a grant, a hand-written `refresh`) needs no import of its own.
   */
  problem(response: ResponseLike): DPoPProblem | undefined;
  /** The public key as proofs carry it: only the members RFC 7638 requires. */
  publicJwk(): Promise<JsonWebKey>;
  /** The key's JWK SHA-256 thumbprint (RFC 7638): `dpop_jkt` (section 10), the token's `cnf.jkt` (section 6). */
  thumbprint(): Promise<string>;
}

/** Origins whose nonces are remembered: a client that talks to more forgets the one it heard from longest ago. */
const NONCE_ORIGINS = 256;

/**
 * Makes a DPoP signer for `keyPair`: any WebCrypto `CryptoKeyPair` whose algorithm a proof can
 * use, including pairs made by oauth4webapi, openid-client or oidc-client-ts. Keep one per
 * signed-in session; it holds that session's nonces and nothing is shared between two of them.
 */
export function createDPoP(keyPair: CryptoKeyPair): DPoP {
  const alg = checkKeyPair(keyPair);
  const sign = jwsSigner(signParams(keyPair.privateKey, alg), keyPair.privateKey);
  const nonces = new Map<string, string>();
  // Section 4.2: typ, alg and the public jwk; the same for every proof, so encoded once, with
  // the dot after it, as the bytes each signing input starts with. Kept as a value too once
  // known, so that a proof does not wait a turn for it.
  let head: Uint8Array | undefined;
  const key = once(async () => {
    const jwk = await publicJwk(keyPair.publicKey);
    head = utf8(`${base64url(utf8(JSON.stringify({ typ: 'dpop+jwt', alg, jwk })))}.`);
    return { jwk, head };
  });
  // The same token goes out on send after send: its `ath` member is hashed and written once, and
  // kept as a value too once written, so that a proof does not wait a turn for it.
  let bound: { token: string; member: Promise<string>; written?: string } | undefined;
  const athMember = (token: string): string | Promise<string> => {
    if (bound?.token !== token) {
      const entry: NonNullable<typeof bound> = { token, member: sha256(token).then((hash) => (entry.written = `,"ath":"${hash}"`)) };
      bound = entry;
    }
    return bound.written ?? bound.member;
  };

  const remember: DPoP['remember'] = (url, nonce) => {
    const valid = validNonce(nonce);
    if (!valid) return;
    const { origin } = targetUrl(url);
    // Newest last; an origin that gives a new nonce moves up, the oldest goes past the limit.
    nonces.delete(origin);
    nonces.set(origin, valid);
    if (nonces.size > NONCE_ORIGINS) nonces.delete(nonces.keys().next().value!);
  };

  return {
    alg,
    keyPair,
    async proof(method, url, options = {}) {
      const target = targetUrl(url);
      const { accessToken, now = Date.now() } = options;
      if (!Number.isFinite(now)) throw invalid('now', 'a time in milliseconds, like Date.now()', now);
      const nonce = options.nonce ?? nonces.get(target.origin);
      // Only this send's own members are written per proof: `jti`, `htm`, `htu`, `iat`, `nonce`.
      let ath = accessToken === undefined ? '' : athMember(accessToken);
      if (typeof ath !== 'string') ath = await ath;
      // ASCII by construction, as the signer takes it: `jti`, `iat` and `ath` are, and `htu` is a
      // serialised URL; what the caller spells (the method, a nonce given) is escaped where not.
      const claims = `{"jti":"${crypto.randomUUID()}","htm":${asciiJson(method.toUpperCase())},"htu":${JSON.stringify(htu(target))},"iat":${Math.floor(now / 1000)}${ath}${nonce === undefined ? '' : `,"nonce":${asciiJson(nonce)}`}}`;
      return sign(head ?? (await key()).head, claims);
    },
    remember,
    nonceFor: (url) => nonces.get(targetUrl(url).origin),
    observe(url, headers) {
      const nonce = responseNonce(headers as Parameters<typeof responseNonce>[0]);
      remember(url, nonce);
      return nonce;
    },
    problem: dpopProblem,
    publicJwk: async () => ({ ...(await key()).jwk }),
    thumbprint: async () => jwkThumbprint((await key()).jwk),
  };
}

/** JSON text of `text` in ASCII: anything outside it as a `\u` escape, which JSON reads back as the same string. */
function asciiJson(text: string): string {
  const json = JSON.stringify(text);
  // Tested first: a replace that finds nothing still costs twice as much, on every send.
  return /[^\0-\x7f]/.test(json) ? json.replace(/[^\0-\x7f]/g, (c) => `\\u${(c.charCodeAt(0) | 0x10000).toString(16).slice(1)}`) : json;
}

/** Runs `task` once and keeps its result; a failure is not kept, so the next call tries again. */
function once<T>(task: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () =>
    (result ??= task().catch((error: unknown) => {
      result = undefined;
      throw error;
    }));
}
