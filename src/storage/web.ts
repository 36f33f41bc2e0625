import type { AuthTokens } from '../tokens';
import type { TokenStorage } from './types';

/**
 * Keeps tokens as JSON under `key` in a Web Storage area: `localStorage` (shared by the tabs of
 * an origin, survives restarts) or `sessionStorage` (one tab). Text that is not JSON is handed to
 * the session as is, which ignores it as malformed and reports `ERR_STORAGE` to `onAuthFailure`.
 */
export function webStorage(storage: Storage, key = 'auth-tokens'): TokenStorage {
  return {
    get() {
      const text = storage.getItem(key);
      if (text === null) return null;
      try {
        return JSON.parse(text) as AuthTokens;
      } catch {
        return text as never;
      }
    },
    set: (tokens) => storage.setItem(key, JSON.stringify(tokens)),
    clear: () => storage.removeItem(key),
  };
}
