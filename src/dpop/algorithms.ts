/**
 * The JWS algorithms a proof can be signed with. RFC 9449 section 4.2 allows any asymmetric
 * JWS `alg` but `none` and MACs; these are the ones WebCrypto can sign in every maintained
 * browser and Node 18+, Ed25519 where the platform has it. `Ed25519` is the fully specified
 * name of RFC 9864; servers that list only the older `EdDSA` need an ECDSA or RSA key.
 */
export type DPoPAlgorithm = 'ES256' | 'ES384' | 'ES512' | 'PS256' | 'PS384' | 'PS512' | 'RS256' | 'RS384' | 'RS512' | 'Ed25519';

type Params = RsaHashedKeyGenParams | EcKeyGenParams | Algorithm;

const CURVES: Record<string, DPoPAlgorithm> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
const RSA: Record<string, 'RS' | 'PS'> = { 'RSASSA-PKCS1-v1_5': 'RS', 'RSA-PSS': 'PS' };
const SIZES = ['256', '384', '512'];

/** The WebCrypto parameters that generate a key pair for `alg`, or `undefined` for an `alg` not listed above. */
export function keyGenParams(alg: string): Params | undefined {
  if (alg === 'Ed25519') return { name: 'Ed25519' };
  const size = alg.slice(2);
  if (!SIZES.includes(size)) return undefined;
  const family = alg.slice(0, 2);
  if (family === 'ES') return { name: 'ECDSA', namedCurve: size === '512' ? 'P-521' : `P-${size}` };
  const name = Object.keys(RSA).find((n) => RSA[n] === family);
  // RFC 7518 sections 3.3 and 3.5 ask for RSA keys of 2048 bits or more.
  return name === undefined ? undefined : { name, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: `SHA-${size}` };
}

/** The JWS `alg` for a key WebCrypto made, read from the key itself, or `undefined` when proofs cannot use it. */
export function algorithmOf(key: CryptoKey): DPoPAlgorithm | undefined {
  const { name, namedCurve, hash, modulusLength = 0 } = key.algorithm as { name: string; namedCurve?: string; hash?: { name: string }; modulusLength?: number };
  if (name === 'ECDSA') return CURVES[namedCurve ?? ''];
  if (name === 'Ed25519' || (name === 'EdDSA' && namedCurve === 'Ed25519')) return 'Ed25519';
  const family = RSA[name];
  const size = hash?.name.replace(/^SHA-/, '') ?? '';
  return family && SIZES.includes(size) && modulusLength >= 2048 ? (`${family}${size}` as DPoPAlgorithm) : undefined;
}

/** The WebCrypto parameters that sign with `key` as JWS `alg` asks. */
export function signParams(key: CryptoKey, alg: DPoPAlgorithm): Algorithm | EcdsaParams | RsaPssParams {
  const bits = Number(alg.slice(2));
  // RFC 7518 section 3.4: the JWS signature is r || s, which is what WebCrypto's ECDSA returns.
  if (alg.startsWith('ES')) return { name: 'ECDSA', hash: `SHA-${bits}` } as EcdsaParams;
  // RFC 7518 section 3.5: the salt is as long as the hash.
  if (alg.startsWith('PS')) return { name: 'RSA-PSS', saltLength: bits / 8 };
  return { name: key.algorithm.name };
}
