import type { AxiosError, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { DPoP } from '../dpop/createDPoP';
import type { Session } from '../session';
import type { Tokens } from '../tokens';

/** A call's refusal by the origin it was sent to: an error with a response. */
export type Refusal = AxiosError & { response: AxiosResponse };

/** What the answers may know and ask of the call they answer for. */
export interface Call {
  readonly config: InternalAxiosRequestConfig;
  readonly session: Session;
  /** The access token the refused send carried, if any. */
  readonly sent: string | undefined;
  /** The scheme the refused send used (`DPoP`, or the session's `scheme`): the challenges meant for it. */
  readonly scheme: string;
  /** The DPoP signer of the refused send, when its token was bound. */
  readonly signer: DPoP | undefined;
  /** Refresh replays so far, counted against `maxRetries`. */
  replays: number;
  /** Answers that already gave the call their one replay. */
  readonly answered: Set<Answer>;
  /**
   * Waits for the session's answer to a refusal (`refresh`, a step-up), and takes it as the
   * tokens of the next send. Never gives `null`: a call that waited is not sent bare.
   */
  renewed(pending: Promise<Tokens>, refusal: Refusal): Promise<void>;
  /** Waits for `pending`, but no longer than the call's own signal, cancel token and timeout allow. */
  wait<T>(pending: Promise<T>, refusal?: Refusal): Promise<T>;
}

/**
 * How an answer responds to a refusal: `'replay'` sends the call again (its headers built anew
 * for that send), `'refuse'` lets the refusal through to the caller, `undefined` leaves it to the
 * next answer.
 */
export type Verdict = 'replay' | 'refuse' | undefined;

/** One way to answer a refusal: a DPoP nonce, a step-up, a refresh. */
export type Answer = (call: Call, refusal: Refusal) => Verdict | Promise<Verdict>;
