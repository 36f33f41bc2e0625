/**
 * The sign-in's one grant, shared by its session and every resource: each token request takes
 * its turn and presents the newest refresh token, and a refresh token that a resource's request
 * rotates becomes the session's, for every request after it.
 */
import { AuthError } from '../errors';
import type { RefreshContext, RefreshFunction, ResourceServer } from '../options';
import { oauthCode, refused } from '../refresh';
import type { Session } from '../session';
import type { AuthTokens, Tokens } from '../tokens';
import { turns } from './turns';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** Token requests for `primary`'s own token and its resources', from the `refresh` the app gave. */
export function sharedGrant(primary: Session, refresh: RefreshFunction) {
  const { options } = primary;
  /** Set when a resource's request ended the session: the one `onAuthFailure` it owes is still to be told. */
  let ended = false;
  // A refresh of the session's own token that started before this was set up may still run.
  const inTurn = turns(primary.flight.running);

  /**
   * A refresh token that rotated while the session's access token stayed (a resource's request,
   * or another tab's, spent the one it held): the session's from now on. Its epoch stays, so a
   * refresh of the session waiting for its turn still takes its own outcome.
   */
  const rotate = (refreshToken: string) => {
    primary.tokens = { ...primary.tokens!, refreshToken };
    primary.remember(refreshToken);
  };

  /** The session's tokens as the next request must present them, with a refresh token another tab rotated meanwhile. */
  const presented = async (): Promise<Tokens> => {
    const tokens = primary.tokens === undefined ? await primary.get() : primary.tokens;
    if (options.lock && tokens) {
      // Inside the lock: what storage holds is the newest any tab or process has.
      const stored = await primary.sync.read();
      if (stored?.accessToken === tokens.accessToken && stored.refreshToken && stored.refreshToken !== tokens.refreshToken) rotate(stored.refreshToken);
    }
    return primary.tokens ?? null;
  };

  /** The session's own refresh, in its turn, presenting the refresh token a resource may have rotated since it started. */
  const own = (tokens: Tokens, context: RefreshContext) =>
    inTurn(context.signal, async () => {
      const sent = (await presented()) ?? tokens;
      const result = await refresh(sent, context);
      // A server that does not rotate leaves the refresh token just presented, not the one this refresh started with.
      return isObject(result) && !result.refreshToken && sent?.refreshToken ? { ...result, refreshToken: sent.refreshToken } : result;
    });

  /** A resource's refresh: the same grant, asked for its resource (RFC 8707 section 2.2). */
  const forResource =
    ({ resource, scope }: ResourceServer) =>
    (_: Tokens, context: RefreshContext): Promise<AuthTokens> =>
      inTurn(context.signal, async () => {
        const sent = await presented();
        if (!sent && !options.refreshWithoutTokens) throw primary.endedError();
        const generation = primary.generation;
        let result: unknown;
        try {
          result = await refresh(sent, { ...context, resource, ...(scope !== undefined && { scope }) });
        } catch (cause) {
          // The grant is dead for every resource: the session ends before the next request's turn.
          if (refused(cause) && primary.tokens && primary.generation === generation) {
            ended = true;
            await primary.end();
          }
          // Client credentials keep the session whatever the server says, with its `OAuthError` as the cause.
          if ((oauthCode(cause) ?? oauthCode((cause as { cause?: unknown } | null)?.cause)) !== 'invalid_target') throw cause;
          throw new AuthError('ERR_RESOURCE_REFUSED', `The auth server refused a token for ${resource} (invalid_target); check \`resources\` and the resources the sign-in asked for`, { cause });
        }
        if (!isObject(result)) return result as AuthTokens;
        // The rotated refresh token is the session's, for every request after this one, unless
        // the sign-in changed meanwhile; the resource keeps its access token only.
        const { refreshToken, ...tokens } = result;
        if (typeof refreshToken === 'string' && refreshToken && primary.tokens && primary.generation === generation) rotate(refreshToken);
        return tokens as unknown as AuthTokens;
      });

  return {
    own: Object.assign(own, { refreshWithoutTokens: options.refreshWithoutTokens }),
    forResource,
    /** Whether a resource's request ended the session and the app is still to be told; true once. */
    endedUntold: () => ended && !(ended = false),
  };
}
