import axios, { type InternalAxiosRequestConfig } from 'axios';
import type { Session } from './session';

/**
 * The method, and the URL as origin and path only, for events: no query or userinfo (which may
 * hold anything), and the session's tokens masked where an app built one into the path.
 */
export function describeCall(session: Session, config: InternalAxiosRequestConfig): { method: string; url: string } {
  let url = '(unresolved)';
  try {
    const { origin, pathname } = new URL(axios.getUri(config), (globalThis as { location?: { href?: string } }).location?.href);
    url = origin + pathname;
  } catch {
    // a URL the parser refuses is described as such
  }
  return { method: (config.method ?? 'get').toUpperCase(), url: session.redact(url) };
}
