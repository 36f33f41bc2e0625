import type { AuthTokens } from '../tokens';
import type { TokenStorage } from './types';

/**
 * Keeps tokens as JSON under `key` in a Web Storage area: `localStorage` (shared by the tabs of
 * an origin, survives restarts) or `sessionStorage` (one tab). Text that is not JSON is handed to
 * the session as is, which ignores it as malformed and reports `ERR_STORAGE` to `onAuthFailure`.
 * With `localStorage`, the page's `storage` event tells each tab when another one refreshed or
 * signed out.
 */
export function webStorage(storage: Storage, key = 'auth-tokens'): TokenStorage {
  const get = () => {
    const text = storage.getItem(key);
    if (text === null) return null;
    try {
      return JSON.parse(text) as AuthTokens;
    } catch {
      return text as never;
    }
  };
  return {
    get,
    set: (tokens) => storage.setItem(key, JSON.stringify(tokens)),
    clear: () => storage.removeItem(key),
    subscribe(listener) {
      // `window` in a page; outside one (Node, workers without storage) there is nothing to hear.
      const events = globalThis as Partial<Pick<Window, 'addEventListener' | 'removeEventListener'>>;
      // `key` is null when another tab cleared the whole area.
      const onStorage = (event: StorageEvent) => {
        if (event.storageArea === storage && (event.key === key || event.key === null)) listener(get());
      };
      events.addEventListener?.('storage', onStorage);
      return () => events.removeEventListener?.('storage', onStorage);
    },
  };
}
