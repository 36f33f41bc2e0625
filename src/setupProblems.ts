import type { InternalAxiosRequestConfig } from 'axios';
import type { Target } from './origins';
import type { Session } from './session';

/**
 * On a config a cache handles: routed here before. A string key, so it survives a plugin
 * re-sending the config (axios-retry): the cache's key on a re-sent config was computed on its
 * first pass, after the token was set, and is no sign of a wrong set-up.
 */
const ROUTED = 'axios-auth-interceptor:routed';

type Cached = InternalAxiosRequestConfig & { cache?: unknown; id?: unknown; [ROUTED]?: boolean };

/**
 * What in one instance's set-up defeats the session, each said once: to `onEvent` when the app
 * listens, else on the console, where a developer who listens to nothing still sees it.
 */
export function setupProblems(session: Session) {
  let cacheSaid = false;
  let homelessSaid = false;
  const say = (problem: string) => {
    if (session.options.onEvent) session.emit({ type: 'setup-problem', problem });
    else console.warn(`[axios-auth-interceptor] ${session.redact(problem)}`);
  };
  return {
    /**
     * A call reaches the request interceptor. axios-cache-interceptor keys a call by its headers
     * in its own request interceptor; when that ran before this one, the key cannot know whose
     * call it is.
     */
    routed(config: Cached): void {
      if (typeof config.cache !== 'object') return;
      if (!cacheSaid && config.id !== undefined && !config[ROUTED]) {
        cacheSaid = true;
        say('A cache keyed this call before the token was set: call setupCache() before createAuthInterceptor(), or cached answers may go to another user');
      }
      config[ROUTED] = true;
    },
    /** A token was withheld from `destination`: with no baseURL and no page (Node), no origin is the instance's own, so every full URL goes bare. */
    withheld({ origin, home }: Target): void {
      if (homelessSaid || !origin || home || !session.tokens) return;
      homelessSaid = true;
      say(`Token withheld from ${origin}: the instance has no baseURL. Give it one, or add the origin to allowedOrigins`);
    },
  };
}
