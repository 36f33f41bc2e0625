/**
 * The sign-in's one grant, shared by its session and every resource: each token request takes
 * its turn and presents the newest refresh token, and a refresh token that a resource's request
 * rotates becomes the session's, for every request after it. A request that was asked for
 * under a sign-in that has ended since is never sent: it would spend the next sign-in's token.
 */
import { AuthError } from '../errors';
import type { RefreshContext, RefreshFunction, ResourceServer } from '../options';
import { oauthCode, refused } from '../refresh';
import type { Session } from '../session';
import type { AuthTokens, Tokens } from '../tokens';
import { turns } from './turns';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** What the grant needs of the resources' bookkeeping. */
export interface GrantHost {
  readonly primary: Session;
  /** Counts the sign-ins: a request asked for under one is dropped once another has begun. */
  signIns(): number;
  /** Takes a record another tab or process stored for the same sign-in; false when it is another sign-in's. */
  adoptStored(stored: unknown): boolean;
}

/**
 * The session's tokens as a token request must present them. Inside the lock, a record another
 * tab or process stored for this sign-in is taken first: what storage holds there is the newest.
 */
async function presented({ primary, adoptStored }: GrantHost): Promise<Tokens> {
  if (primary.tokens === undefined) await primary.get();
  if (primary.options.lock && primary.tokens) adoptStored(await primary.sync.read());
  return primary.tokens ?? null;
}

/**
 * Sends one token request with the session's tokens of now. A refusal of a refresh token that
 * has rotated meanwhile (a late answer to an abandoned request brought a newer one) is asked
 * again with the newer one; a refusal of the session's live refresh token is the end of it.
 */
async function send(host: GrantHost, refresh: RefreshFunction, context: RefreshContext): Promise<unknown> {
  const { primary } = host;
  const sent = await presented(host);
  try {
    return await refresh(sent, context);
  } catch (cause) {
    if (refused(cause) && primary.tokens && primary.tokens.refreshToken !== sent?.refreshToken) return refresh(primary.tokens, context);
    throw cause;
  }
}

/** Token requests for the session's own token and its resources', from the `refresh` the app gave. */
export function sharedGrant(host: GrantHost, refresh: RefreshFunction) {
  const { primary, signIns } = host;
  const { options } = primary;
  // A refresh of the session's own token may already run (it started before this was loaded).
  // Its `refresh` call, if it has not started yet, will be `own` below: then it must not wait for itself.
  let ownCalled!: () => void;
  const first = Promise.race([primary.flight.running ?? undefined, new Promise<void>((resolve) => (ownCalled = resolve))]);
  const inTurn = turns(first, options.refreshTimeout, primary.timers);

  /** The session's own refresh, in its turn. One whose tokens were replaced meanwhile (another sign-in, another tab's refresh) asks nothing: its outcome would be dropped, and the refresh token spent. */
  const own = (tokens: Tokens, context: RefreshContext): Promise<AuthTokens> => {
    ownCalled();
    return inTurn(context.signal, async () => {
      if (primary.tokens !== undefined && primary.tokens?.accessToken !== tokens?.accessToken) return primary.tokens as AuthTokens;
      const result = await send(host, refresh, context);
      const sent = primary.tokens;
      // A server that does not rotate leaves the refresh token just presented, not the one this refresh started with.
      return (isObject(result) && !result.refreshToken && sent?.refreshToken ? { ...result, refreshToken: sent.refreshToken } : result) as AuthTokens;
    });
  };

  /** A resource's refresh: the same grant, asked for its resource (RFC 8707 section 2.2). */
  const forResource =
    ({ resource, scope }: ResourceServer, refusal: () => AuthError | undefined, rotate: (refreshToken: string) => void) =>
    (_: Tokens, context: RefreshContext): Promise<AuthTokens> => {
      const signIn = signIns();
      return inTurn(context.signal, async () => {
        const refusedBefore = refusal();
        if (refusedBefore) throw refusedBefore;
        if (signIns() !== signIn) throw new AuthError('ERR_REFRESH_FAILED', 'The sign-in changed while this token waited for its turn');
        if (!primary.tokens && (!options.refreshWithoutTokens || primary.ended)) throw primary.endedError();
        let result: unknown;
        try {
          result = await send(host, refresh, { ...context, resource, ...(scope !== undefined && { scope }) });
        } catch (cause) {
          // The grant is dead for every resource: the session ends, and the app is told, before the
          // next request's turn (this resource's session is replaced with the rest, so it tells nothing).
          if (refused(cause) && signIns() === signIn && (primary.tokens || options.refreshWithoutTokens)) {
            await primary.end();
            primary.notifyFailure(new AuthError('ERR_SESSION_EXPIRED', 'The auth server refused the refresh; sign in again', { cause: primary.redact(cause) }));
          }
          // Client credentials keep the session whatever the server says, with its `OAuthError` as the cause.
          if ((oauthCode(cause) ?? oauthCode((cause as { cause?: unknown } | null)?.cause)) !== 'invalid_target') throw cause;
          throw new AuthError('ERR_RESOURCE_REFUSED', `The auth server refused a token for ${resource} (invalid_target); check \`resources\` and the resources the sign-in asked for`, { cause });
        }
        if (!isObject(result) || signIns() !== signIn) return result as AuthTokens;
        // The rotated refresh token is the session's, for every request after this one; the resource keeps its access token only.
        const { refreshToken, ...tokens } = result;
        if (typeof refreshToken === 'string' && refreshToken) rotate(refreshToken);
        return tokens as unknown as AuthTokens;
      });
    };

  return {
    own: Object.assign(own, { refreshWithoutTokens: options.refreshWithoutTokens }),
    forResource,
  };
}
