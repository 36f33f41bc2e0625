import type { Session } from '../session';
import type { Answer } from './answer';
import { dpopNonce } from './dpopNonce';
import { refresh } from './refresh';
import { stepUp } from './stepUp';

/**
 * The ways a session answers a call's refusal, asked in this order until one gives a verdict:
 * a DPoP nonce first (it costs one replay and nothing else), then a step-up (a refresh would not
 * fix what it asks for), then a refresh. A new kind of answer is one file and one entry here.
 */
export function answersFor(session: Session): Answer[] {
  return [dpopNonce, stepUp(session), refresh];
}

export type { Answer, Call, Refusal, Verdict } from './answer';
