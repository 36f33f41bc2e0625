import { isOneShot } from '../hops';
import type { Answer } from './answer';

/**
 * RFC 9449 section 9: a resource server may ask for a nonce on any call. Answered by one replay
 * carrying the nonce it handed out: never a refresh, never counted against `maxRetries`, never a
 * loop. A proof the server refuses (section 7.1), or a nonce asked for again, is not fixed by
 * signing the same again, nor by a new token: it goes to the caller.
 */
export const dpopNonce: Answer = (call, refusal) => {
  const problem = call.signer?.problem(refusal.response);
  if (problem?.error !== 'use_dpop_nonce') return problem?.error === 'invalid_dpop_proof' ? 'refuse' : undefined;
  // Without a nonce to send there is nothing better to send; a body sent once cannot be sent again.
  if (!problem.nonce || call.answered.has(dpopNonce) || isOneShot(call.config.data)) return 'refuse';
  call.answered.add(dpopNonce);
  return 'replay';
};
