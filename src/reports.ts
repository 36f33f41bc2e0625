import type { AuthError } from './errors';
import type { AuthEvent } from './events';
import type { ResolvedOptions } from './options';
import { redact } from './redact';
import type { Tokens } from './tokens';

/** How many past tokens (each in two spellings) stay masked: the ones calls may still carry. */
const REMEMBERED = 8;

/**
 * What a session tells the app, and the tokens it keeps out of what it tells. Every value that
 * reaches `onEvent` or `onAuthFailure`, or that a call rejects with, has each token the session
 * has held lately masked, current and past (a call or a URL may still carry an older one); an
 * app callback that throws cannot break the session. The session extends it, as a Node stream
 * extends `EventEmitter`: callers tell the app through the session they hold.
 */
export abstract class Reporter {
  abstract readonly options: Pick<ResolvedOptions, 'onEvent' | 'onAuthFailure'>;
  /**
   * Secrets the session has held lately, newest last; shared by the sessions of one sign-in (its
   * `resources`'), so each masks every token of the others too.
   */
  readonly held: string[];
  /** How many secrets (two spellings each) `held` keeps: a shared list keeps as many for each session that shares it. */
  keep = 2 * REMEMBERED;

  constructor(held: string[] = []) {
    this.held = held;
  }

  /** Masks the given secrets, and every token held lately, in a value about to reach the app; use what it returns. */
  redact<T>(value: T, secrets?: Tokens | Array<string | undefined>): T {
    const given = Array.isArray(secrets) ? secrets : [secrets?.accessToken, secrets?.refreshToken];
    return redact(value, [...given, ...this.held]);
  }

  /** Tells `onEvent`; an event that takes work to describe is passed as a function, called only when someone listens. */
  emit(event: AuthEvent | (() => AuthEvent)): void {
    if (this.options.onEvent) notify(this.options.onEvent, this.redact(typeof event === 'function' ? event() : event));
  }

  /** Tells `onAuthFailure`, and `onEvent` when the failure ends the session. */
  notifyFailure(error: AuthError): void {
    if (error.code === 'ERR_SESSION_EXPIRED') this.emit({ type: 'session-ended', code: error.code });
    notify(this.options.onAuthFailure, this.redact(error));
  }

  /**
   * Keeps a new token among those masked, also lower-cased: a URL in an event or an error went
   * through the URL parser, which lower-cases a host, so a token used as a host label is masked
   * in that spelling too. Worked out once per token, not once per event.
   */
  remember(...secrets: Array<string | undefined>): void {
    for (const secret of secrets.flatMap((secret) => (secret ? [secret, secret.toLowerCase()] : []))) {
      if (this.held.includes(secret)) continue;
      this.held.push(secret);
      if (this.held.length > this.keep) this.held.shift();
    }
  }
}

/** App callbacks must not break the session; their errors surface as uncaught, where the app will see them. */
export function notify<T>(callback: ((value: T) => void) | undefined, value: T): void {
  try {
    callback?.(value);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
