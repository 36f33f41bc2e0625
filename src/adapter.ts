import { AxiosHeaders, CanceledError, isAxiosError, isCancel } from 'axios';
import type { AxiosAdapter, AxiosError, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { insufficientScope, isExpiredTokenResponse, type InsufficientScopeError } from './challenge';
import { forCall, isAuthError } from './errors';
import { absoluteUrl } from './origins';
import type { Session } from './session';
import type { AuthTokens } from './tokens';

/**
 * Wraps the adapter that really sends the call. Working at this depth, after every request
 * interceptor and before every response interceptor, is what lets a replay reuse the exact
 * bytes already encoded, keeps user interceptors to one run per call, and reads the token at
 * the moment the call leaves.
 */
export function authenticate(session: Session, send: AxiosAdapter): AxiosAdapter {
  const { header, scheme, maxRetries } = session.options;
  const lower = header.toLowerCase();
  return async (config) => {
    const target = absoluteUrl(config);
    if (target !== undefined && !session.mayReceive(target, config.baseURL)) return send(config);
    guardRedirects(session, config, lower);
    let sent: string | undefined;
    let failure: AxiosError | undefined;
    try {
      for (let replays = 0; ; replays++) {
        const pending = failure ? session.renew(sent, failure) : session.current();
        const tokens = pending instanceof Promise ? await wait(pending, config, failure) : pending;
        sent = tokens?.accessToken;
        if (sent) setHeader(config.headers, header, lower, scheme ? `${scheme} ${sent}` : sent);
        else if (failure) config.headers.delete(header);
        try {
          const response = await send(config);
          session.observe(response.headers?.date);
          return response;
        } catch (error) {
          session.observe(isAxiosError(error) ? error.response?.headers?.date : undefined);
          if (replays >= maxRetries || config.skipAuthRefresh || isOneShot(config.data) || !(await shouldRefresh(session, error))) throw error;
          failure = error as AxiosError;
        }
      }
    } catch (error) {
      const scope = isAxiosError(error) && error.response ? insufficientScope(error.response) : undefined;
      if (scope !== undefined) (error as InsufficientScopeError).requiredScope = scope;
      throw session.redact(error, sent);
    }
  };
}

/**
 * What `AxiosHeaders.set` does for one valid name and a string value: replace the header under
 * whatever case it already has, else add it. Doing only that keeps the cost per call within the
 * benchmark's budget; the general `set` checks and normalises far more on every call.
 */
function setHeader(headers: Record<string, unknown>, name: string, lower: string, value: string): void {
  for (const key of Object.keys(headers)) {
    if (key.length === name.length && key.toLowerCase() === lower) {
      headers[key] = value;
      return;
    }
  }
  headers[name] = value;
}

/**
 * Node's http adapter follows redirects itself. Drop the token before a hop to an origin that
 * may not receive it: axios and follow-redirects drop only `Authorization`, and not on every hop.
 */
function guardRedirects(session: Session, config: InternalAxiosRequestConfig, lower: string): void {
  const own = config.beforeRedirect;
  config.beforeRedirect = (options, ...rest) => {
    if (!session.mayReceive(options.href, config.baseURL)) {
      for (const key of Object.keys(options.headers)) if (key.toLowerCase() === lower) delete options.headers[key];
    }
    own?.(options, ...rest);
  };
}

/** A stream body is consumed by the first send; a replay would send nothing and could hang. */
function isOneShot(data: unknown): boolean {
  return (typeof data === 'object' && data !== null && typeof (data as { pipe?: unknown }).pipe === 'function') || (typeof ReadableStream !== 'undefined' && data instanceof ReadableStream);
}

function shouldRefresh(session: Session, error: unknown): boolean | Promise<boolean> {
  if (!isAxiosError(error) || !error.response || isCancel(error)) return false;
  const custom = session.options.shouldRefresh;
  return custom ? custom(withParsedData(error)) : isExpiredTokenResponse(error.response);
}

/**
 * axios parses a response body only after the adapter returns, but a custom rule needs to read
 * `{"error":"token_expired"}`. The rule gets a view of the error with a parsed copy of the body;
 * the error the caller finally sees is parsed once, by axios.
 */
function withParsedData(error: AxiosError): AxiosError {
  const { config, response } = error as AxiosError & { response: AxiosResponse };
  let data = response.data;
  try {
    for (const transform of [config?.transformResponse ?? []].flat()) {
      data = transform.call(config!, data, AxiosHeaders.from(response.headers as AxiosHeaders), response.status);
    }
  } catch {
    data = response.data; // a body the transforms reject is shown raw, as axios itself does when parsing is silent
  }
  return Object.assign(Object.create(error) as AxiosError, { response: { ...response, data } });
}

/** Waits for the session, but lets the call's own signal or cancel token end the wait at once. */
async function wait(pending: Promise<AuthTokens | null>, config: InternalAxiosRequestConfig, failure?: AxiosError) {
  const { signal, cancelToken } = config;
  let release = () => {};
  try {
    return await new Promise<AuthTokens | null>((resolve, reject) => {
      const onAbort = () => reject(new CanceledError(undefined, config));
      const onCancel = (reason: unknown) => reject(reason);
      // Subscribed first, so a refresh failure after an abort is still handled, never unhandled.
      pending.then(resolve, reject);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener?.('abort', onAbort);
      cancelToken?.subscribe(onCancel);
      release = () => {
        signal?.removeEventListener?.('abort', onAbort);
        cancelToken?.unsubscribe(onCancel);
      };
    });
  } catch (error) {
    throw isAuthError(error) ? forCall(error, config, failure?.response) : error;
  } finally {
    release();
  }
}
