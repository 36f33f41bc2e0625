/**
 * The `resources` option (RFC 8707 resource indicators): beside the sign-in's own session, one
 * session per resource server, each with its own access token, expiry, refresh, step-up and
 * events, all fed by the sign-in's one grant (`sharedGrant`). Every resource's token is stored in
 * the session's own record, marked with the sign-in it belongs to: when the app signs in again or
 * out, or another tab does, each resource starts afresh, at once, and nothing of the sign-in
 * before is sent again.
 *
 * The core loads this from the package's own `/resources` entry when the option is set, and
 * hands it what it needs (sessions are made by the core's own `Session`), so an app that sets
 * no `resources` carries none of it. It is not an API for apps.
 */
import type { InternalAxiosRequestConfig } from 'axios';
import type { Answer } from '../answers/answer';
import { AuthError } from '../errors';
import type { ResolvedOptions, ResourceServer } from '../options';
import type { Session } from '../session';
import type { TokenStorage } from '../storage/types';
import type { AuthTokens } from '../tokens';
import { sharedGrant } from './grant';
import { newer, SignIn, type Stored } from './signIn';

/** What the core's routing sends a resource's calls with: its session, the answers its calls ask, and who may receive its token. */
export interface ResourceGuard {
  session: Session;
  answers: Answer[];
  /** Whether an absolute URL (a redirect's, a response's) is on the resource's own origin: the only one its token may reach. */
  receives(href: string): boolean;
}

export interface Resources {
  /**
   * What a call to `origin`, a key of `resources`, is sent with; throws once the auth server
   * refused that resource. `undefined` when axios may send the call elsewhere after all.
   */
  guardFor(origin: string, config: InternalAxiosRequestConfig): ResourceGuard | undefined;
  /** A resource named by its origin or its resource indicator; a `TypeError` for any other name. */
  find(name: string): { get(): Promise<AuthTokens | null>; set(tokens: AuthTokens): Promise<void> };
}

interface Entry extends ResourceGuard {
  readonly origin: string;
  readonly server: ResourceServer;
  /** What its calls reject with since the auth server refused its resource (`invalid_target`). */
  refused?: AuthError;
}

/** How many secrets a session keeps masked (two spellings each), as `Reporter` does. */
const KEPT = 16;

/** axios's `isAbsoluteURL`. */
const ABSOLUTE = /^([a-z][a-z\d+\-.]*:)?\/\//i;

const originOf = (href: string): string | undefined => {
  try {
    return new URL(href).origin;
  } catch {
    return undefined;
  }
};

/**
 * Sets up the resource sessions of `primary`, the sign-in's own session, with the core's own
 * `Session` class and answers (a second copy of them would weigh as much again).
 */
export function resourceSessions(primary: Session, SessionOf: typeof Session, answersFor: (session: Session) => Answer[]): Resources {
  const { options } = primary;
  const entries = new Map<string, Entry>();
  const signIn = new SignIn(primary);
  const grant = sharedGrant(primary, signIn, options.refresh);
  options.refresh = grant.own;
  options.lock = grant.lock;

  /** A resource's failures. A refused grant was told by the grant, once for the whole session; a refused resource ends that resource's calls, told once. */
  const failed = (origin: string, session: Session, error: AuthError) => {
    if (error.code === 'ERR_SESSION_EXPIRED') return;
    const entry = entries.get(origin)!;
    if (error.code === 'ERR_RESOURCE_REFUSED') {
      if (entry.refused || entry.session !== session) return;
      entry.refused = error;
    }
    options.onAuthFailure?.(error);
  };
  /** A resource's session for the sign-in of now, sharing the sign-in's masked secrets and timers. */
  const start = (origin: string, server: ResourceServer): Entry => {
    const making: Making = {
      origin,
      signIn,
      grant,
      failed: (error) => failed(origin, session, error),
      current: () => entries.get(origin)?.session === session,
      refused: () => entries.get(origin)?.refused,
      held: () => session?.tokens,
    };
    const session: Session = new SessionOf(resourceOptions(primary, server, making), primary);
    session.keep = primary.keep;
    return { session, answers: answersFor(session), receives: (href) => originOf(href) === origin, origin, server, refused: undefined };
  };

  // Another sign-in (or none): every resource's session is replaced at once. The old one's tokens
  // are dropped, the outcomes of its refreshes and step-ups are dropped, its waiting calls reject.
  primary.onSignIn = (stored, loaded) => {
    if (loaded) return signIn.loaded(stored);
    if (!signIn.changed(stored)) return;
    for (const entry of entries.values()) {
      const old = entry.session;
      old.tokens = null;
      old.epoch++;
      old.generation++;
      Object.assign(entry, start(entry.origin, entry.server));
    }
  };
  primary.sync.beside = () => signIn.record(new Map([...entries].map(([origin, { session }]) => [origin, session.tokens])));

  for (const [origin, server] of Object.entries(options.resources!)) entries.set(origin, start(origin, server));
  primary.keep = KEPT * (1 + entries.size);
  for (const { session } of entries.values()) session.keep = primary.keep;
  signIn.load().catch(() => {});

  return {
    guardFor(origin, config) {
      // axios before 1.8 ignores `allowAbsoluteUrls: false` and requests an absolute URL as it is:
      // the token goes only where both readings reach the resource.
      const url = typeof config.url === 'string' ? config.url : '';
      if (ABSOLUTE.test(url) && originOf(url) !== origin) return undefined;
      const entry = entries.get(origin)!;
      if (entry.refused) throw new AuthError(entry.refused.code, entry.refused.message, { cause: entry.refused.cause });
      return entry;
    },
    find(name) {
      const entry = entries.get(name) ?? [...entries.values()].find(({ server }) => server.resource === name);
      if (!entry) throw new TypeError(`No resource ${JSON.stringify(name)} in \`resources\`: name one by its origin or its resource indicator`);
      return { get: () => entry.session.get(), set: (tokens) => entry.session.set(signIn.resourceOnly(tokens)) };
    },
  };
}

/** What a resource's session is made with, beside the sign-in's own options. */
interface Making {
  origin: string;
  signIn: SignIn;
  grant: ReturnType<typeof sharedGrant>;
  failed(error: AuthError): void;
  /** Whether the session being made is still its resource's: one replaced by another sign-in's fetches nothing. */
  current(): boolean;
  /** Why the auth server refused the resource, once it did. */
  refused(): AuthError | undefined;
  /** The tokens the resource's session holds now. */
  held(): AuthTokens | null | undefined;
}

/** A resource's options: its own storage (a part of the session's record), refresh (the shared grant, for its resource), events and step-ups. */
function resourceOptions(primary: Session, server: ResourceServer, { origin, signIn, grant, failed, current, refused, held }: Making): ResolvedOptions {
  const { options } = primary;
  const { onEvent, onChallenge } = options;
  const own: ResolvedOptions = {
    ...options,
    storage: storedBeside(primary, origin, signIn, held),
    refresh: grant.forResource(server, refused),
    onRefreshed: undefined,
    // The session's own `session-ended` says it once for all.
    onEvent: onEvent && ((event) => event.type !== 'session-ended' && onEvent({ ...event, resource: server.resource })),
    onAuthFailure: failed,
    onChallenge:
      onChallenge &&
      (async (challenge, error) => {
        const count = signIn.count;
        const tokens = await onChallenge(challenge, error);
        // A step-up that answers after the sign-in changed is dropped: its refresh token is not the new sign-in's.
        return signIn.count === count && current() ? signIn.resourceOnly(tokens) : tokens;
      }),
  };
  // A resource fetches its first token before its first call only while there is a sign-in to
  // fetch it with, and it is the session of the sign-in of now: the calls of one replaced since reject.
  Object.defineProperty(own, 'refreshWithoutTokens', { get: () => current() && (!!primary.tokens || (options.refreshWithoutTokens && !primary.ended)) });
  return own;
}

/**
 * A resource's view of the storage: its part of the session's record, written with the whole
 * record. A part is read only from a record of the sign-in held now (named, or else holding the
 * session's tokens); none there means none stored, never a sign-out: that is the session's to say.
 */
function storedBeside(primary: Session, origin: string, signIn: SignIn, held: () => AuthTokens | null | undefined): TokenStorage {
  const save = () => (primary.tokens ? primary.sync.write(primary.tokens) : undefined);
  return {
    async get() {
      // The session's own tokens first: whether a resource may fetch a token depends on them.
      const tokens = await primary.get();
      if (!signIn.name) await signIn.load();
      const stored = (await primary.sync.read()) as Stored | null;
      const ours = stored && (stored.signIn ? stored.signIn === signIn.name : stored.accessToken === tokens?.accessToken);
      // Never an older token than the session holds (another tab wrote its own older copy), and a
      // part another tab dropped (it wrote before it read ours) is not the resource's end either.
      return newer(held() ?? undefined, (ours && stored.resources?.[origin]) || signIn.storedParts[origin]) ?? null;
    },
    set: save,
    clear: save,
  };
}
