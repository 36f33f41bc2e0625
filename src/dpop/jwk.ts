import type { JsonWebKey } from '../webTypes';
import { sha256 } from './base64url';

/** RFC 7638 section 3.2: the members that define a public key, by key type, in lexicographic order. */
const REQUIRED: Record<string, readonly string[]> = { EC: ['crv', 'kty', 'x', 'y'], RSA: ['e', 'kty', 'n'], OKP: ['crv', 'kty', 'x'] };

/**
 * The public key as the proof's `jwk` header carries it: only the required members, so no
 * private member, `key_ops` or `ext` can leak into it (RFC 9449 section 4.2: it "MUST NOT
 * contain a private key"), and its JSON is the thumbprint input as it is.
 */
export async function publicJwk(publicKey: CryptoKey): Promise<JsonWebKey> {
  const full = (await crypto.subtle.exportKey('jwk', publicKey)) as Record<string, unknown>;
  const members = REQUIRED[full.kty as string] ?? [];
  return Object.fromEntries(members.map((name) => [name, full[name]])) as JsonWebKey;
}

/**
 * The JWK SHA-256 thumbprint (RFC 7638 section 3): the `jkt` a server binds tokens to
 * (`cnf.jkt`, RFC 9449 section 6) and the `dpop_jkt` of an authorization request (section 10).
 */
export async function jwkThumbprint(jwk: JsonWebKey): Promise<string> {
  const record = jwk as Record<string, unknown>;
  const members = REQUIRED[record.kty as string];
  if (!members) throw new TypeError(`Expected an EC, RSA or OKP public JWK, got kty ${String(record.kty)}`);
  // Members in lexicographic order, no whitespace: what JSON.stringify gives for this literal.
  return sha256(JSON.stringify(Object.fromEntries(members.map((name) => [name, record[name]]))));
}
