import type { AuthTokens } from '../tokens';
import type { TokenStorage } from './types';

/** Keeps tokens in this JavaScript context only: gone on reload, never shared. The default. */
export function memoryStorage(initial: AuthTokens | null = null): TokenStorage {
  let tokens = initial;
  return {
    get: () => tokens,
    set: (next) => {
      tokens = next;
    },
    clear: () => {
      tokens = null;
    },
  };
}
