/**
 * One object store in an IndexedDB database of its own, opened on first use (and again after a
 * failed open). Returns `run`, which settles when its transaction has committed, not merely when
 * the request succeeded: only then does another tab's next read see the write.
 */
export function objectStore(name: string, store: string) {
  let database: Promise<IDBDatabase> | undefined;
  const open = () =>
    (database ??= new Promise((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(store);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => {
        database = undefined; // let the next call try again
        reject(request.error);
      };
    }));

  return async <T>(mode: IDBTransactionMode, operation: (objects: IDBObjectStore) => IDBRequest<T> | undefined): Promise<T | undefined> => {
    const transaction = (await open()).transaction(store, mode);
    const request = operation(transaction.objectStore(store));
    return new Promise((resolve, reject) => {
      transaction.oncomplete = () => resolve(request?.result);
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
  };
}
