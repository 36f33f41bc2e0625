import { AuthError } from '../errors';
import type { RefreshLock } from './types';

/**
 * A lock shared by every tab, window and worker of the page's origin, on the Web Locks API. The
 * browser releases it when its holder closes or crashes, and a holder leaves within
 * `refreshTimeout`, so a waiting tab waits at most for the refreshes queued before it.
 * Throws `ERR_LOCK` where `navigator.locks` is missing (outside secure contexts, old browsers,
 * Node): a lock that only pretended to coordinate would let tabs spend one refresh token twice.
 */
export function webLocks(name = 'axios-auth-interceptor'): RefreshLock {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (!locks) {
    throw new AuthError('ERR_LOCK', 'navigator.locks is not available here (it needs https or localhost and a current browser)');
  }
  return {
    // An async function, so the callback's promise is unwrapped in the type as it is at run time.
    withLock: async (fn) => locks.request(name, fn),
  };
}
