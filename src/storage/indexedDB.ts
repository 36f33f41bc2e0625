import { AuthError } from '../errors';
import type { AuthTokens } from '../tokens';
import { objectStore } from './objectStore';
import type { TokenStorage } from './types';

const STORE = 'tokens';

/**
 * Keeps tokens in IndexedDB, shared by every tab of the origin, and tells the other tabs of each
 * change on a `BroadcastChannel` named `name`. The storage for `lock: webLocks()`: a write that
 * has completed is what any tab reads next, so the tab that takes the lock after a refresh sees
 * the new tokens. `localStorage` gives no such promise (in Chromium a tab can read it a few
 * milliseconds stale, and would then spend a refresh token twice).
 */
export function indexedDBStorage(name = 'axios-auth-interceptor', key = 'tokens'): TokenStorage {
  if (typeof indexedDB === 'undefined') throw new AuthError('ERR_STORAGE', 'indexedDB is not available here');
  const run = objectStore(name, STORE);
  let channel: BroadcastChannel | undefined;

  const write = async (operation: (store: IDBObjectStore) => IDBRequest) => {
    await run('readwrite', operation);
    (channel ??= new BroadcastChannel(name)).postMessage('changed');
  };

  const get = async (): Promise<AuthTokens | null> => ((await run('readonly', (store) => store.get(key))) as AuthTokens | undefined) ?? null;

  return {
    get,
    set: (tokens) => write((store) => store.put(tokens, key)),
    clear: () => write((store) => store.delete(key)),
    subscribe(listener) {
      // Only a ping crosses the channel; the tokens are read from the database itself. A failed
      // read leaves this tab on its tokens until its next refresh re-reads them under the lock.
      const changes = new BroadcastChannel(name);
      changes.onmessage = () => void get().then(listener, () => {});
      return () => changes.close();
    },
  };
}
