import type { InternalAxiosRequestConfig } from 'axios';

/** On a response: the URL of the last hop, when the hops were followed here. */
export const LANDED = Symbol('axios-auth-interceptor.landed');
/** On a config: a hop on the way went to an origin that may not have the token, which was dropped there. */
export const DETOURED = Symbol('axios-auth-interceptor.detoured');

export type Detoured = InternalAxiosRequestConfig & { [DETOURED]?: boolean };
export type Landed = { [LANDED]?: string };

/** Gives a redirect hop that may carry the token its own DPoP proof, for the hop's URL. */
export type Resign = (hop: InternalAxiosRequestConfig, href: string) => Promise<void>;

/** How one call's redirects are to be judged, and what a hop to an origin refused must lose. */
export interface Hops {
  /** The token's header, and the DPoP proof's when there is one. */
  names: readonly string[];
  mayReceive: (href: string) => boolean;
  resign: Resign | undefined;
}

/** A stream body is consumed by the first send: neither a replay nor a redirect can send it again. */
export function isOneShot(data: unknown): boolean {
  return (typeof data === 'object' && data !== null && typeof (data as { pipe?: unknown }).pipe === 'function') || (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream);
}

