import { invalid } from '../validation';
import type { WebStorageArea } from '../webTypes';
import { fromJson } from './json';
import type { TokenStorage } from './types';

/**
 * Keeps tokens as JSON under `key` in a Web Storage area: `localStorage` (shared by the tabs of
 * an origin, survives restarts) or `sessionStorage` (one tab).
 * With `localStorage`, the page's `storage` event tells each tab when another one refreshed or
 * signed out.
 */
export function webStorage(storage: WebStorageArea, key = 'auth-tokens'): TokenStorage {
  if (typeof storage?.getItem !== 'function') {
    throw invalid('storage', 'a Web Storage area such as localStorage', storage, '; outside a browser use memoryStorage() or your own { get, set, clear }');
  }
  const get = () => fromJson(storage.getItem(key));
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
