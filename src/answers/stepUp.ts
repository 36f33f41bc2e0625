import type { AxiosError } from 'axios';
import { stepUpChallenge, type AuthChallenge } from '../challenge';
import { AuthError } from '../errors';
import type { ChallengeHandler } from '../options';
import { isOneShot } from '../hops';
import { withParsedData } from '../refusal';
import type { Session } from '../session';
import type { AuthTokens } from '../tokens';
import type { Answer } from './answer';

/**
 * What makes two challenges the same request: scheme, error and every parameter but the
 * server's prose (`error_description`, `error_uri`), which may name the call.
 */
function keyOf({ scheme, params }: AuthChallenge): string {
  const asked = Object.entries(params).filter(([name]) => name !== 'error_description' && name !== 'error_uri');
  return JSON.stringify([scheme.toLowerCase(), ...asked.sort(([a], [b]) => (a < b ? -1 : 1))]);
}

/**
 * Answers a challenge a refresh cannot fix (`insufficient_scope`, `insufficient_user_authentication`,
 * `insufficient_claims`, for the scheme the call used) with the app's `onChallenge`: one replay
 * of its own, outside `maxRetries`, when it gives tokens. Runs are shared by challenge, so ten
 * calls refused alike cost one prompt, not ten.
 */
export function stepUp(session: Session): Answer {
  const running = new Map<string, Promise<boolean>>();

  /**
   * Whether a call sent with `sent` and refused with `challenge` should be replayed with the
   * session's tokens: `onChallenge` (or a run of it already under way for the same challenge)
   * gave new ones, or they were replaced since the call left. Rejects with `ERR_REFRESH_FAILED`
   * when `onChallenge` throws; the session keeps its tokens, which still serve other calls.
   */
  const run = (challenge: AuthChallenge, sent: string | undefined, error: AxiosError, handler: ChallengeHandler): Promise<boolean> => {
    const key = keyOf(challenge);
    const shared = running.get(key);
    if (shared) return shared;
    // A call that left before the step-up's tokens arrived is answered by them, not by another prompt.
    if (session.tokens && session.tokens.accessToken !== sent) return Promise.resolve(true);
    const generation = session.generation;
    const outcome = (async () => {
      let tokens: AuthTokens | null | undefined | void;
      try {
        tokens = await handler(challenge, error);
      } catch (cause) {
        throw new AuthError('ERR_REFRESH_FAILED', `onChallenge() failed for ${challenge.params.error}`, { cause: session.redact(cause) });
      }
      // Tokens the app set or cleared meanwhile (another user, a sign-out) are not the step-up's to replace.
      if (session.generation !== generation || !tokens) return false;
      await session.set(tokens, false);
      return true;
    })().finally(() => running.delete(key));
    running.set(key, outcome);
    return outcome;
  };

  const answer: Answer = async (call, refusal) => {
    const handler = session.options.onChallenge;
    if (!handler || call.answered.has(answer) || call.config.skipAuthRefresh || isOneShot(call.config.data)) return undefined;
    const asked = stepUpChallenge(refusal.response, call.scheme);
    if (!asked) return undefined;
    call.answered.add(answer);
    return (await call.wait(run(asked, call.sent, withParsedData(refusal), handler), refusal)) ? 'replay' : 'refuse';
  };
  return answer;
}
