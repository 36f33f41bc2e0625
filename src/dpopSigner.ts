import type { DPoP } from './dpop/createDPoP';
import { AuthError } from './errors';

/**
 * The DPoP signer for the `dpop` key pair, loaded on first use from the package's own `/dpop`
 * entry, so an app without DPoP carries none of its code. A failed load is tried again next time.
 */
export function dpopSigner(keyPair: () => CryptoKeyPair): () => Promise<DPoP> {
  let signer: Promise<DPoP> | undefined;
  return () =>
    (signer ??= import('axios-auth-interceptor/dpop').then(
      ({ createDPoP }) => createDPoP(keyPair()),
      (cause: unknown) => {
        signer = undefined;
        throw new AuthError('ERR_REFRESH_FAILED', 'The DPoP signer could not be loaded from axios-auth-interceptor/dpop', { cause });
      },
    ));
}
