import { objectStore } from '../storage/objectStore';
import type { CryptoKeyPair } from '../webTypes';
import type { DPoPAlgorithm } from './algorithms';
import { generateDPoPKeyPair } from './keyPair';

/** Where a DPoP key pair outlives a page load or a process. */
export interface DPoPKeyStore {
  /** The stored pair, or `null` when none is stored. */
  get(): Promise<CryptoKeyPair | null>;
  /**
   * Stores `pair` unless a pair is already stored, and resolves with the pair stored now: with
   * two tabs starting at once, both end up with the one pair that got there first.
   */
  add(pair: CryptoKeyPair): Promise<CryptoKeyPair>;
  /** Forgets the pair, e.g. at sign-out, so that the next sign-in binds its tokens to a new key. */
  clear(): Promise<void>;
}

const STORE = 'keys';

/**
 * Keeps the key pair in IndexedDB, which stores `CryptoKey` objects as they are (structured
 * clone): the private key stays non-extractable across reloads and is shared by every tab of
 * the origin, yet no script can read its bytes. Its own database, apart from `indexedDBStorage`'s.
 */
export function indexedDBKeyStore(name = 'axios-auth-interceptor-dpop', key = 'dpop'): DPoPKeyStore {
  if (typeof indexedDB === 'undefined') throw new TypeError('Expected IndexedDB (a browser); in Node, see docs/dpop.md "In Node"');
  const run = objectStore(name, STORE);

  const get = async () => ((await run('readonly', (store) => store.get(key))) as CryptoKeyPair | undefined) ?? null;

  return {
    get,
    async add(pair) {
      // Read and write in one transaction: IndexedDB runs overlapping readwrite transactions
      // one after another, so of two tabs only the first stores its pair.
      let stored: CryptoKeyPair | undefined;
      await run('readwrite', (store) => {
        const read = store.get(key);
        read.onsuccess = () => {
          stored = read.result as CryptoKeyPair | undefined;
          if (!stored) store.put({ privateKey: pair.privateKey, publicKey: pair.publicKey }, key);
        };
        return undefined;
      });
      return stored ?? pair;
    },
    clear: async () => {
      await run('readwrite', (store) => store.delete(key));
    },
  };
}

/**
 * The stored key pair, or a new non-extractable one that is stored first. In a browser:
 * `loadOrCreateDPoPKeyPair(indexedDBKeyStore())` gives every tab and every reload the same key.
 */
export async function loadOrCreateDPoPKeyPair(store: DPoPKeyStore, alg: DPoPAlgorithm = 'ES256'): Promise<CryptoKeyPair> {
  return (await store.get()) ?? store.add(await generateDPoPKeyPair(alg));
}
