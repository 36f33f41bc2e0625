/**
 * The runs of `onChallenge`, loaded by the core (`src/answers/stepUp.ts`) the first time a call
 * is refused with a step-up challenge, so that apps that never step up carry none of it. Not an
 * API for apps: its shape may change with any release.
 */
import type { AxiosError } from 'axios';
import type { AuthChallenge } from '../challenge';
import type { ChallengeHandler } from '../options';
import type { AuthTokens } from '../tokens';

/** What the runs need of the session (the `Session` class), named here so this entry imports no core module. */
export interface StepUpHost {
  readonly tokens: AuthTokens | null | undefined;
  readonly generation: number;
  set(tokens: AuthTokens, byApp: boolean): Promise<void>;
}

/** What `onChallenge` threw, kept apart so the core can report it as its own error. */
export class ChallengeFailed {
  readonly name = 'ChallengeFailed';
  constructor(readonly cause: unknown) {}
}

/**
 * What makes two challenges the same request: scheme, error and every parameter but the
 * server's prose (`error_description`, `error_uri`), which may name the call.
 */
function keyOf({ scheme, params }: AuthChallenge): string {
  const asked = Object.entries(params).filter(([name]) => name !== 'error_description' && name !== 'error_uri');
  return JSON.stringify([scheme.toLowerCase(), ...asked.sort(([a], [b]) => (a < b ? -1 : 1))]);
}

/**
 * The session's step-ups, at most one `onChallenge` run per distinct challenge at a time, so ten
 * calls refused alike cost one prompt, not ten. `run` resolves whether a call sent with `sent`
 * and refused with `challenge` should be replayed with the session's tokens: `onChallenge` (or a
 * run of it already under way for the same challenge) gave new ones, or they were replaced since
 * the call left. It rejects with `ChallengeFailed` when `onChallenge` throws; the session keeps
 * its tokens, which still serve other calls.
 */
export function stepUpRuns(session: StepUpHost) {
  const running = new Map<string, Promise<boolean>>();
  return (challenge: AuthChallenge, sent: string | undefined, error: AxiosError, handler: ChallengeHandler): Promise<boolean> => {
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
        throw new ChallengeFailed(cause);
      }
      // Tokens the app set or cleared meanwhile (another user, a sign-out) are not the step-up's to replace.
      if (session.generation !== generation || !tokens) return false;
      await session.set(tokens, false);
      return true;
    })().finally(() => running.delete(key));
    running.set(key, outcome);
    return outcome;
  };
}
