import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios';

/**
 * In a page the browser follows redirects itself, before any script sees them, and asks no one
 * first (see the README for what that allows): there is nothing to guard hop by hop, so the
 * browser build carries none of Node's redirect handling (`send.ts`).
 */
export function sendGuarded(send: AxiosAdapter, config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
  return send(config);
}
