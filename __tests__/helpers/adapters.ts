import { getAdapter } from 'axios';

/** Whether this axios has a fetch adapter: it came in axios 1.7, and CI also runs the oldest axios the peer range allows (1.6.0). */
export const hasFetchAdapter = (() => {
  try {
    return typeof getAdapter('fetch') === 'function';
  } catch {
    return false;
  }
})();

/** The Node adapters this axios has, for `describe.each`. */
export const nodeAdapters = (hasFetchAdapter ? ['http', 'fetch'] : ['http']) as Array<'http' | 'fetch'>;

/** `describe`, or `describe.skip` where this axios has no fetch adapter. */
export const describeWithFetch = hasFetchAdapter ? describe : describe.skip;
