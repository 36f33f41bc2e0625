/**
 * The sign-in's one grant, shared by its session and every resource: every refresh takes its
 * turn (`turns`, the sessions' lock) and presents the newest refresh token, and a refresh token
 * that a resource's request rotates becomes the session's, for every request after it. A request
 * asked for under a sign-in that has ended since is never sent: it would spend the next one's token.
 */
import { AuthError } from '../errors';
import type { RefreshContext, RefreshFunction, ResourceServer } from '../options';
import { oauthCode, refused } from '../refresh';
import type { Session } from '../session';
import type { AuthTokens, Tokens } from '../tokens';
import type { SignIn } from './signIn';
import { turns, type Turns } from './turns';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * The session's tokens as a token request must present them: a record another tab or process
 * stored for this sign-in is taken first (inside the turn, and the app's lock if it set one,
 * what storage holds is the newest anyone has).
 */
async function presented(primary: Session, signIn: SignIn): Promise<Tokens> {
  if (primary.tokens === undefined) await primary.get();
  if (primary.tokens) await signIn.adoptStored(await primary.sync.read());
  return primary.tokens ?? null;
}

/**
 * Calls the app's `refresh`, marked as running synchronously (as the core marks its own call):
 * a call it makes through an instance this session guards fails at once, saying so, instead of
 * waiting for its own refresh.
 */
function invoke<T>(primary: Session, call: () => Promise<T>): Promise<T> {
  primary.flight.invoking = true;
  try {
    return call();
  } finally {
    primary.flight.invoking = false;
  }
}

/**
 * Sends one token request with the session's tokens of now. A refusal of a refresh token that
 * rotated meanwhile within the same sign-in (a late answer to an abandoned request brought a
 * newer one) is asked again with the newer one; a refusal of the live one is the end of it.
 */
async function send(primary: Session, signIn: SignIn, turn: Turns, refresh: RefreshFunction, context: RefreshContext): Promise<unknown> {
  const count = signIn.count;
  const sent = await presented(primary, signIn);
  try {
    return await turn.track(invoke(primary, () => refresh(sent, context)));
  } catch (cause) {
    const now = primary.tokens;
    if (refused(cause) && signIn.count === count && now?.refreshToken && now.refreshToken !== sent?.refreshToken) return turn.track(invoke(primary, () => refresh(now, context)));
    throw cause;
  }
}

/** The refreshes of the session's own token and of its resources', from the `refresh` the app gave. */
export function sharedGrant(primary: Session, signIn: SignIn, refresh: RefreshFunction) {
  const { options } = primary;
  // A refresh of the session's own token that started before this was loaded may still be out.
  const turn = turns(primary.flight.running ?? Promise.resolve(), options.refreshTimeout, primary.timers, options.lock);

  /** The session's own refresh. One whose tokens were replaced meanwhile (another sign-in, another tab's refresh) asks nothing: its outcome would be dropped, the refresh token spent. */
  const own = async (tokens: Tokens, context: RefreshContext): Promise<AuthTokens> => {
    if (primary.tokens !== undefined && primary.tokens?.accessToken !== tokens?.accessToken) return primary.tokens as AuthTokens;
    const result = await send(primary, signIn, turn, refresh, context);
    const sent = primary.tokens;
    if (isObject(result) && result.refreshToken && result.refreshToken !== sent?.refreshToken) signIn.spend(sent?.refreshToken);
    // A server that does not rotate leaves the refresh token just presented, not the one this refresh started with.
    return (isObject(result) && !result.refreshToken && sent?.refreshToken ? { ...result, refreshToken: sent.refreshToken } : result) as AuthTokens;
  };

  /** A resource's refresh: the same grant, asked for its resource (RFC 8707 section 2.2). */
  const forResource =
    ({ resource, scope }: ResourceServer, refusal: () => AuthError | undefined) =>
    async (_: Tokens, context: RefreshContext): Promise<AuthTokens> => {
      const refusedBefore = refusal();
      if (refusedBefore) throw refusedBefore;
      if (!primary.tokens && (!options.refreshWithoutTokens || primary.ended)) throw primary.endedError();
      const count = signIn.count;
      let result: unknown;
      try {
        result = await send(primary, signIn, turn, refresh, { ...context, resource, ...(scope !== undefined && { scope }) });
      } catch (cause) {
        // The grant is dead for every resource: the session ends, and the app is told, before the
        // next turn (this resource's session is replaced with the rest, so it tells nothing).
        if (refused(cause) && signIn.count === count && (primary.tokens || options.refreshWithoutTokens)) {
          await primary.end();
          primary.notifyFailure(new AuthError('ERR_SESSION_EXPIRED', 'The auth server refused the refresh; sign in again', { cause: primary.redact(cause) }));
        }
        // Client credentials keep the session whatever the server says, with its `OAuthError` as the cause.
        if ((oauthCode(cause) ?? oauthCode((cause as { cause?: unknown } | null)?.cause)) !== 'invalid_target') throw cause;
        throw new AuthError('ERR_RESOURCE_REFUSED', `The auth server refused a token for ${resource} (invalid_target); check \`resources\` and the resources the sign-in asked for`, { cause });
      }
      if (!isObject(result) || signIn.count !== count) return result as AuthTokens;
      // The rotated refresh token is the session's, for every request after this one; the resource keeps its access token only.
      const { refreshToken, ...tokens } = result;
      if (typeof refreshToken === 'string' && refreshToken) signIn.rotate(refreshToken);
      return tokens as unknown as AuthTokens;
    };

  return { lock: turn, own: Object.assign(own, { refreshWithoutTokens: options.refreshWithoutTokens }), forResource };
}
