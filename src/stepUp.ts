import { AxiosHeaders, type AxiosError, type AxiosResponse } from 'axios';
import { parseAuthChallenge, type AuthChallenge } from './challenge';
import { AuthError } from './errors';
import type { Session } from './session';
import type { AuthTokens } from './tokens';

/**
 * Asked for a step-up: the token is valid but not enough for this call, which a refresh of the
 * same grant cannot change. RFC 6750 section 3.1 `insufficient_scope`; RFC 9470 section 3
 * `insufficient_user_authentication` (a stronger or more recent sign-in); `insufficient_claims`
 * (OpenID Continuous Access Evaluation: claims the token must carry).
 */
const STEP_UP_ERRORS = new Set(['insufficient_scope', 'insufficient_user_authentication', 'insufficient_claims']);

/**
 * Answers challenges a refresh cannot fix. The app's `onChallenge` returns tokens that can
 * (after a step-up sign-in, with more scopes or claims). Runs are shared by challenge, so ten
 * calls refused alike cost one prompt, not ten.
 */
export type ChallengeHandler = (challenge: AuthChallenge, error: AxiosError) => Promise<AuthTokens | null | undefined | void>;

/** The step-up challenge of a 401 or 403, or `undefined` when it asks for nothing a step-up gives. */
export function stepUpChallenge(response: AxiosResponse): AuthChallenge | undefined {
  if (response.status !== 401 && response.status !== 403) return undefined;
  const header = AxiosHeaders.from(response.headers as AxiosHeaders).get('www-authenticate');
  if (typeof header !== 'string') return undefined;
  return parseAuthChallenge(header).find((challenge) => STEP_UP_ERRORS.has(challenge.params.error ?? ''));
}

/**
 * What makes two challenges the same request: scheme, error and every parameter but the
 * server's prose (`error_description`, `error_uri`), which may name the call.
 */
function keyOf({ scheme, params }: AuthChallenge): string {
  const asked = Object.entries(params).filter(([name]) => name !== 'error_description' && name !== 'error_uri');
  return JSON.stringify([scheme.toLowerCase(), ...asked.sort(([a], [b]) => (a < b ? -1 : 1))]);
}

/** The session's step-ups: at most one `onChallenge` run per distinct challenge at a time. */
export class StepUps {
  private readonly running = new Map<string, Promise<boolean>>();

  constructor(private readonly session: Session) {}

  /**
   * Whether a call sent with `sent` and refused with `challenge` should be replayed with the
   * session's tokens: `onChallenge` (or a run of it already under way for the same challenge)
   * gave new ones, or they were replaced since the call left. Rejects with `ERR_REFRESH_FAILED`
   * when `onChallenge` throws; the session keeps its tokens, which still serve other calls.
   */
  answer(challenge: AuthChallenge, sent: string | undefined, error: AxiosError, handler: ChallengeHandler): Promise<boolean> {
    const { session } = this;
    const key = keyOf(challenge);
    const running = this.running.get(key);
    if (running) return running;
    // A call that left before the step-up's tokens arrived is answered by them, not by another prompt.
    if (session.tokens && session.tokens.accessToken !== sent) return Promise.resolve(true);
    const generation = session.generation;
    const run = (async () => {
      let tokens: AuthTokens | null | undefined | void;
      try {
        tokens = await handler(challenge, error);
      } catch (cause) {
        throw new AuthError('ERR_REFRESH_FAILED', `onChallenge() failed for ${challenge.params.error}`, { cause: session.redact(cause) });
      }
      // Tokens the app set or cleared meanwhile (another user, a sign-out) are not the step-up's to replace.
      if (session.generation !== generation) return false;
      if (!tokens) return false;
      await session.set(tokens, false);
      return true;
    })().finally(() => this.running.delete(key));
    this.running.set(key, run);
    return run;
  }
}
