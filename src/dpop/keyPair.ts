import { checkKeys, invalid } from '../validation';
import type { CryptoKeyPair, JsonWebKey } from '../webTypes';
import { algorithmOf, keyGenParams, type DPoPAlgorithm } from './algorithms';

export interface GenerateDPoPKeyPairOptions {
  /**
   * Lets the private key be exported, e.g. once, to keep it in a server's secret store and
   * bring it back with `importDPoPKeyPair`. Leave it off wherever the key can stay inside
   * WebCrypto: a key that cannot be exported cannot be stolen by script that runs on the page.
   * @default false
   */
  extractable?: boolean;
}

const ALGS = 'one of ES256, ES384, ES512, PS256, PS384, PS512, RS256, RS384, RS512 or Ed25519';

/**
 * Makes a key pair to bind tokens to (RFC 9449). The private key cannot be exported unless
 * asked; the public key can, since every proof carries it as a JWK (RFC 9449 section 4.2).
 * @param alg the JWS algorithm; `ES256` is the one every DPoP server supports.
 */
export async function generateDPoPKeyPair(alg: DPoPAlgorithm = 'ES256', options: GenerateDPoPKeyPairOptions = {}): Promise<CryptoKeyPair> {
  checkKeys(options, ['extractable']);
  const params = keyGenParams(alg);
  if (!params) throw invalid('alg', ALGS, alg);
  const pair = (await crypto.subtle.generateKey(params, options.extractable === true, ['sign', 'verify'])) as CryptoKeyPair;
  // WebCrypto leaves the public key's extractability to the platform for some algorithms.
  if (!pair.publicKey.extractable) throw invalid('alg', `an algorithm whose public key this platform can export`, alg);
  return pair;
}

/**
 * Brings back a private key kept as a JWK (with its `d`), e.g. read from a secret store at
 * start-up. The private key comes back non-extractable; the public key is made from the JWK's
 * public members. `alg` is needed only for RSA keys whose JWK has no `alg` member.
 */
export async function importDPoPKeyPair(jwk: JsonWebKey, alg?: DPoPAlgorithm): Promise<CryptoKeyPair> {
  const chosen = alg ?? (jwk.alg as DPoPAlgorithm | undefined) ?? curveAlg(jwk);
  const params = chosen && keyGenParams(chosen);
  if (!params || typeof jwk.d !== 'string') throw invalid('jwk', `a private EC, RSA or Ed25519 JWK (with "d"), and an \`alg\` for RSA: ${ALGS}`, jwk.kty);
  const { kty, crv, x, y, n, e } = jwk;
  const [privateKey, publicKey] = await Promise.all([
    crypto.subtle.importKey('jwk', { ...jwk, key_ops: ['sign'], ext: false }, params, false, ['sign']),
    crypto.subtle.importKey('jwk', { kty, crv, x, y, n, e }, params, true, ['verify']),
  ]);
  return { privateKey, publicKey };
}

const curveAlg = ({ kty, crv }: JsonWebKey): DPoPAlgorithm | undefined =>
  kty === 'EC' ? ({ 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' } as const)[crv as 'P-256'] : kty === 'OKP' && crv === 'Ed25519' ? 'Ed25519' : undefined;

/**
 * The JWS `alg` of a key pair a proof can be signed with, whoever made it (this module,
 * oauth4webapi, openid-client, oidc-client-ts). Throws, saying what is wrong, for anything else.
 */
export function checkKeyPair(pair: unknown): DPoPAlgorithm {
  const { privateKey, publicKey } = (pair ?? {}) as Partial<CryptoKeyPair>;
  const isKey = (key: unknown, type: KeyType): key is CryptoKey => typeof key === 'object' && key !== null && (key as CryptoKey).type === type;
  if (!isKey(privateKey, 'private') || !isKey(publicKey, 'public')) throw invalid('dpop', 'a CryptoKeyPair (e.g. from `generateDPoPKeyPair()`)', pair);
  const alg = algorithmOf(privateKey);
  if (!alg || algorithmOf(publicKey) !== alg) throw invalid('dpop', `a key pair for ${ALGS} (RSA of 2048 bits or more)`, privateKey.algorithm.name);
  if (!privateKey.usages.includes('sign')) throw invalid('dpop', 'a key pair whose private key may sign (usages include "sign")', privateKey.usages.join());
  if (!publicKey.extractable) throw invalid('dpop', 'a key pair whose public key is extractable, since each proof carries it', 'a non-extractable public key');
  return alg;
}
