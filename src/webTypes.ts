/**
 * The Web API types the public declarations name, declared here so that a project compiles them
 * without the DOM lib: a Node app with `lib: ["es2022"]` and `types: ["node"]` has no
 * `CryptoKeyPair`, `JsonWebKey` or `Storage` (`npm run check:consumer-types` proves both ways).
 * Each has the members of the DOM's (and of Node's `webcrypto`) type of the same name, so either
 * is taken and given back without a cast; where the program has the DOM's `CryptoKey`, it is that
 * one. Nothing here is exported by an entry: users name the platform's own types.
 */

/** WebCrypto's `KeyUsage`. */
type KeyUsage = 'decrypt' | 'deriveBits' | 'deriveKey' | 'encrypt' | 'sign' | 'unwrapKey' | 'verify' | 'wrapKey';

/** The members of WebCrypto's `CryptoKey`, for a program that declares none. */
interface CryptoKeyMembers {
  readonly algorithm: { name: string };
  readonly extractable: boolean;
  readonly type: 'private' | 'public' | 'secret';
  readonly usages: KeyUsage[];
}

/**
 * A WebCrypto `CryptoKey`: the program's global one where it has it (the DOM lib, Deno, Bun,
 * workers), else its members. Found the way @types/node finds the DOM's globals.
 */
export type CryptoKey = typeof globalThis extends { CryptoKey: { prototype: infer Key } } ? Key : CryptoKeyMembers;

/** A WebCrypto `CryptoKeyPair`, as `crypto.subtle.generateKey` resolves for a signing algorithm. */
export interface CryptoKeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/** A JSON Web Key (RFC 7517), with the members WebCrypto's `JsonWebKey` dictionary has. */
export interface JsonWebKey {
  alg?: string;
  crv?: string;
  d?: string;
  dp?: string;
  dq?: string;
  e?: string;
  ext?: boolean;
  k?: string;
  key_ops?: string[];
  kty?: string;
  n?: string;
  oth?: Array<{ d?: string; r?: string; t?: string }>;
  p?: string;
  q?: string;
  qi?: string;
  use?: string;
  x?: string;
  y?: string;
}

/** What `webStorage` uses of a Web Storage area (`localStorage`, `sessionStorage`) or a stand-in for one. */
export interface WebStorageArea {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}
