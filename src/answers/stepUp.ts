import { stepUpChallenge } from '../challenge';
import { AuthError } from '../errors';
import { isOneShot } from '../hops';
import { withParsedData } from '../refusal';
import type { Session } from '../session';
import type { Answer } from './answer';

type Runs = ReturnType<typeof import('axios-auth-interceptor/step-up').stepUpRuns>;

/**
 * Answers a challenge a refresh cannot fix (`insufficient_scope`, `insufficient_user_authentication`,
 * `insufficient_claims`, for the scheme the call used) with the app's `onChallenge`: one replay
 * of its own, outside `maxRetries`, when it gives tokens. The runs themselves load from the
 * package's own `/step-up` entry on the first such challenge, as the DPoP signer does.
 */
export function stepUp(session: Session): Answer {
  let runs: Promise<Runs> | undefined;
  const answer: Answer = async (call, refusal) => {
    const handler = session.options.onChallenge;
    if (!handler || call.answered.has(answer) || call.config.skipAuthRefresh || isOneShot(call.config.data)) return undefined;
    const asked = stepUpChallenge(refusal.response, call.scheme);
    if (!asked) return undefined;
    call.answered.add(answer);
    const loading = (runs ??= import('axios-auth-interceptor/step-up').then(({ stepUpRuns }) => stepUpRuns(session)));
    loading.catch(() => (runs = undefined));
    const run = (await call.wait(loading))(asked, call.sent, withParsedData(refusal), handler).catch((failed: { name?: string; cause?: unknown }) => {
      // What `onChallenge` threw is reported as the core's own error; the session's own errors (storing its tokens) pass as they are.
      if (failed?.name !== 'ChallengeFailed') throw failed;
      throw new AuthError('ERR_REFRESH_FAILED', `onChallenge() failed for ${asked.params.error}`, { cause: session.redact(failed.cause) });
    });
    return (await call.wait(run, refusal)) ? 'replay' : 'refuse';
  };
  return answer;
}
