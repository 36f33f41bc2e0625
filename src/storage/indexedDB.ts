import { AuthError } from '../errors';
import type { AuthTokens } from '../tokens';
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
  let database: Promise<IDBDatabase> | undefined;
  let channel: BroadcastChannel | undefined;

  const open = () =>
    (database ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => {
        database = undefined; // let the next call try again
        reject(request.error);
      };
    }));

  // Settles when the transaction has committed, not merely when the request succeeded.
  const run = async <T>(mode: IDBTransactionMode, operation: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const transaction = (await open()).transaction(STORE, mode);
    const request = operation(transaction.objectStore(STORE));
    return new Promise((resolve, reject) => {
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
  };

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
