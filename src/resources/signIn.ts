/**
 * Which sign-in the session's tokens belong to, as the stored record names it. Resource tokens
 * are the sign-in's: another tab's refresh of the same sign-in keeps them, anything else (a new
 * sign-in here or elsewhere, a sign-out, the end of the session) starts every resource afresh.
 */
import type { Session } from '../session';
import type { AuthTokens } from '../tokens';

/** What the storage holds: the session's tokens, which sign-in they are, and each resource's. */
export type Stored = AuthTokens & { signIn?: string; resources?: Record<string, AuthTokens> };

/**
 * The name of a sign-in, from its first tokens (FNV-1a of both, not a token): every tab and
 * process that reads the same record, or signs in with the same tokens, names it alike; two
 * users whose sign-ins start with the same stand-in access token still differ by refresh token.
 */
function nameOf({ accessToken, refreshToken = '' }: AuthTokens): string {
  const text = `${accessToken}\n${refreshToken}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
}

/** How many refresh tokens this session rotated away from are remembered, never to be taken back from storage. */
const SPENT = 16;

/** Of two tokens for one resource, the one that expires later (the first when neither says). */
export function newer(one: AuthTokens | undefined, other: AuthTokens | undefined): AuthTokens | undefined {
  return one && other && (other.expiresAt ?? 0) > (one.expiresAt ?? 0) ? other : (one ?? other);
}

export class SignIn {
  /** The sign-in's name, while there is one. */
  name: string | undefined;
  /** How many sign-ins there have been here: a token request asked for under one is dropped once another has begun. */
  count = 0;
  /** What the record held for resources not loaded yet: written back with it, not dropped. */
  storedParts: Record<string, AuthTokens> = {};
  /** Refresh tokens rotated away from here: a write of this sign-in that lands late may still hold one. */
  readonly #spent: string[] = [];

  constructor(readonly primary: Session) {}

  /**
   * Takes the name of the record the session's tokens came from (after a reload). Told by the
   * session when it first loads them; never loads them itself, so a process that reads storage
   * before another signs in still finds that sign-in on its first call, as without `resources`.
   */
  loaded(value: unknown): void {
    const stored = value as Stored | null;
    const tokens = this.primary.tokens;
    if (tokens && !this.name && stored?.accessToken === tokens.accessToken) {
      this.name = stored.signIn ?? nameOf(tokens);
      this.storedParts = stored.resources ?? {};
    }
  }

  /** Names the sign-in from what storage holds now, when the session's first load could not (storage failed, or loaded before this was set up). */
  async load(): Promise<void> {
    if (this.primary.tokens && !this.name) this.loaded(await this.primary.sync.read());
  }

  /** The session's `generation` moved. True when it is another sign-in (or none): every resource starts afresh. */
  changed(value: unknown): boolean {
    const stored = value as Stored | null | undefined;
    const tokens = this.primary.tokens;
    if (tokens && stored?.signIn && stored.signIn === this.name) {
      this.storedParts = stored.resources ?? {};
      return false;
    }
    this.count++;
    this.name = tokens ? (stored?.signIn ?? nameOf(tokens)) : undefined;
    this.storedParts = (tokens && stored?.resources) || {};
    return true;
  }

  /** A refresh token that rotated while the access token stayed; so does the epoch: a refresh of the session waiting its turn keeps its outcome. */
  rotate(refreshToken: string): void {
    const { primary } = this;
    this.spend(primary.tokens?.refreshToken);
    primary.tokens = { ...primary.tokens!, refreshToken };
    primary.remember(refreshToken);
  }

  /** A refresh token rotated away from (by a resource's request or the session's own refresh): never taken back from storage. */
  spend(refreshToken: string | undefined): void {
    if (refreshToken && this.#spent.push(refreshToken) > SPENT) this.#spent.shift();
  }

  /**
   * A record another tab or process stored, read in a refresh's turn: taken when it is this
   * sign-in's, unless it holds a refresh token this session already rotated away from (a write
   * that landed late). A name storage could not give at start-up is asked for again first.
   */
  async adoptStored(value: unknown): Promise<void> {
    if (!this.name) await this.load().catch(() => {});
    const stored = value as Stored | null;
    const tokens = this.primary.tokens;
    if (!stored?.signIn || stored.signIn !== this.name || !tokens || !stored.refreshToken || this.#spent.includes(stored.refreshToken)) return;
    if (stored.accessToken !== tokens.accessToken) return void this.primary.adopt(stored);
    // Another process's token for a resource is newer than the one this one would write back.
    this.storedParts = stored.resources ?? {};
    if (stored.refreshToken !== tokens.refreshToken) this.rotate(stored.refreshToken);
  }

  /** Tokens set on a resource with a refresh token (a step-up's, the app's) spent the session's: that one is the session's now. */
  resourceOnly<T>(tokens: T): T {
    const { refreshToken, ...own } = (tokens ?? {}) as AuthTokens;
    if (!refreshToken || !this.primary.tokens) return tokens;
    this.rotate(refreshToken);
    return own as T;
  }

  /** What the record holds beside the session's tokens: its name and each resource's tokens. */
  record(parts: Map<string, AuthTokens | null | undefined>): object {
    if (!this.name) return {};
    const resources: Record<string, AuthTokens> = {};
    for (const [origin, tokens] of parts) {
      // Not loaded yet: what was stored; none any more: nothing; else the later of the two.
      const kept = tokens === null ? undefined : newer(tokens, this.storedParts[origin]);
      if (kept) resources[origin] = kept;
    }
    return { signIn: this.name, resources };
  }
}
