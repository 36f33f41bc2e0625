import type { DPoP } from './dpop/createDPoP';
import { AuthError } from './errors';
import type { DPoPKeyPairSource } from './options';

/**
 * The DPoP signer for the key pair in use now. Its code is loaded on first use from the
 * package's own `/dpop` entry, so an app without DPoP carries none of it; a failed load is tried
 * again next time. A source that is a function is asked each time, and a pair it has not given
 * before gets a signer of its own (its nonces start afresh with the key).
 */
export function dpopSigner(source: DPoPKeyPairSource): () => Promise<DPoP> {
  let lastPair: CryptoKeyPair | undefined;
  let last: Promise<DPoP> | undefined;
  const signerFor = (pair: CryptoKeyPair): Promise<DPoP> => {
    if (pair !== lastPair || !last) {
      lastPair = pair;
      // Each new pair asks the module loader again: it hands back the module it already has, and
      // after a failed load it is asked anew, so nothing needs keeping here.
      const signer = (last = import('axios-auth-interceptor/dpop').then(
        ({ createDPoP }) => createDPoP(pair),
        (cause: unknown) => {
          throw new AuthError('ERR_REFRESH_FAILED', 'The DPoP signer could not be loaded from axios-auth-interceptor/dpop', { cause });
        },
      ));
      signer.catch(() => {
        if (last === signer) last = undefined;
      });
    }
    return last;
  };
  return typeof source === 'function' ? async () => signerFor(await source()) : () => signerFor(source);
}
