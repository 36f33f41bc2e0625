/**
 * The `resources` option (RFC 8707 resource indicators): beside the sign-in's own session, one
 * session per resource server, each with its own access token, expiry, refresh, step-up and
 * events, all fed by the sign-in's one grant (`sharedGrant`). Every resource's token is stored in
 * the session's own record, and belongs to the sign-in it came from: once the app signs in
 * again, signs out, or another tab does, each resource starts afresh.
 *
 * The core loads this from the package's own `/resources` entry when the option is set, and
 * hands it what it needs (sessions are made by the core's own `Session`), so an app that sets
 * no `resources` carries none of it. It is not an API for apps.
 */
import type { Answer } from '../answers/answer';
import { AuthError } from '../errors';
import type { ResolvedOptions, ResourceServer } from '../options';
import type { Session } from '../session';
import type { TokenStorage } from '../storage/types';
import type { AuthTokens } from '../tokens';
import { sharedGrant } from './grant';

/** What the core's routing sends a resource's calls with: its session, the answers its calls ask, and who may receive its token. */
export interface ResourceGuard {
  session: Session;
  answers: Answer[];
  /** Whether an absolute URL (a redirect's, a response's) is on the resource's own origin: the only one its token may reach. */
  receives(href: string): boolean;
}

export interface Resources {
  /** What a call to `origin`, a key of `resources`, is sent with; throws once the auth server refused that resource. */
  guardFor(origin: string): ResourceGuard;
  /** The session of a resource named by its origin or its resource indicator; throws a `TypeError` for any other name. */
  find(name: string): Session;
}

interface Entry extends ResourceGuard {
  readonly origin: string;
  readonly server: ResourceServer;
  /** The sign-in (the session's `generation`) the resource's tokens belong to. */
  generation: number;
  /** What its calls reject with since the auth server refused its resource (`invalid_target`). */
  refused?: AuthError;
}

type Stored = AuthTokens & { resources?: Record<string, AuthTokens> };

/**
 * Sets up the resource sessions of `primary`, the sign-in's own session, with the core's own
 * `Session` class and answers (a second copy of them would weigh as much again).
 */
export function resourceSessions(primary: Session, SessionOf: typeof Session, answersFor: (session: Session) => Answer[]): Resources {
  const { options } = primary;
  const { onEvent, onAuthFailure } = options;
  const grant = sharedGrant(primary, options.refresh);
  options.refresh = grant.own;
  const entries = new Map<string, Entry>();

  /**
   * The entry, with a session of its own for the sign-in there is now: tokens of one before (the
   * app or another tab signed in or out since) are never sent, and a fresh session reads what
   * storage holds for the sign-in of now. The old one's outcomes, however late, reach nothing.
   */
  const current = (entry: Entry): Entry => {
    if (entry.generation !== primary.generation) {
      Object.assign(entry, start(entry.origin, entry.server));
    }
    return entry;
  };

  primary.sync.beside = () => {
    const parts: Record<string, AuthTokens> = {};
    for (const [origin, entry] of entries) if (entry.session.tokens && entry.generation === primary.generation) parts[origin] = entry.session.tokens;
    return Object.keys(parts).length ? { resources: parts } : {};
  };

  /**
   * A resource's failures: a refused grant ends the whole session, once; a refused resource ends
   * that resource's calls, unless the session that heard it belongs to a sign-in gone since.
   */
  const failed = (origin: string, session: Session, error: AuthError) => {
    if (error.code === 'ERR_SESSION_EXPIRED') {
      if (grant.endedUntold()) primary.notifyFailure(error);
      return;
    }
    const entry = entries.get(origin)!;
    if (error.code === 'ERR_RESOURCE_REFUSED' && entry.session === session) entry.refused = error;
    onAuthFailure?.(error);
  };

  /** A resource's session for the sign-in of now, and the answers its calls ask. */
  const start = (origin: string, server: ResourceServer): Entry => {
    const own: ResolvedOptions = {
      ...options,
      resources: undefined,
      storage: storedBeside(primary, origin),
      refresh: grant.forResource(server),
      onRefreshed: undefined,
      // The session's own `session-ended` says it once for all.
      onEvent: onEvent && ((event) => event.type !== 'session-ended' && onEvent({ ...event, resource: server.resource })),
      onAuthFailure: (error) => failed(origin, session, error),
    };
    // A resource fetches its first token before its first call only while there is a sign-in to fetch it with.
    Object.defineProperty(own, 'refreshWithoutTokens', { get: () => !!primary.tokens || options.refreshWithoutTokens });
    const session = new SessionOf(own, primary);
    const receives = (href: string) => {
      try {
        return new URL(href).origin === origin;
      } catch {
        return false;
      }
    };
    return { session, answers: answersFor(session), receives, origin, server, generation: primary.generation, refused: undefined };
  };
  for (const [origin, server] of Object.entries(options.resources!)) entries.set(origin, start(origin, server));

  return {
    guardFor(origin) {
      const entry = current(entries.get(origin)!);
      if (entry.refused) throw new AuthError(entry.refused.code, entry.refused.message, { cause: entry.refused.cause });
      return entry;
    },
    find(name) {
      const entry = entries.get(name) ?? [...entries.values()].find(({ server }) => server.resource === name);
      if (!entry) throw new TypeError(`No resource ${JSON.stringify(name)} in \`resources\`: name one by its origin or its resource indicator`);
      return current(entry).session;
    },
  };
}

/** A resource's view of the storage: its part of the session's record, written with the whole record. */
function storedBeside(primary: Session, origin: string): TokenStorage {
  const save = () => (primary.tokens ? primary.sync.write(primary.tokens) : undefined);
  return {
    async get() {
      // The session's own tokens first: whether a resource may fetch a token depends on them.
      const tokens = await primary.get();
      const stored = (await primary.sync.read()) as Stored | null;
      // Only the record of the sign-in the session holds now: not one a write still in flight is replacing.
      return (stored?.accessToken === tokens?.accessToken && stored?.resources?.[origin]) || null;
    },
    set: save,
    clear: save,
  };
}
