import { AxiosError, CanceledError, type InternalAxiosRequestConfig } from 'axios';
import { forCall, isAuthError } from './errors';

/**
 * Waits for the session (storage, a refresh, a lock, a step-up, the DPoP signer), but lets the
 * call's own signal or cancel token end the wait at once, and its `timeout` after that many
 * milliseconds, as axios ends a send: no wait of a call outlasts what the caller allowed a send.
 */
export async function wait<T>(pending: Promise<T>, config: InternalAxiosRequestConfig, failure?: AxiosError): Promise<T> {
  const { signal, cancelToken, timeout } = config;
  let release = () => {};
  try {
    return await new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new CanceledError(undefined, config));
      const onCancel = (reason: unknown) => reject(reason);
      // Subscribed first, so a refresh failure after an abort is still handled, never unhandled.
      pending.then(resolve, reject);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener?.('abort', onAbort);
      cancelToken?.subscribe(onCancel);
      const timer = timeout! > 0 ? setTimeout(() => reject(timedOut(config)), timeout) : undefined;
      release = () => {
        clearTimeout(timer);
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

/** The error axios gives a send that outlived `timeout`, with the same message and code. */
function timedOut(config: InternalAxiosRequestConfig): AxiosError {
  const message = config.timeoutErrorMessage || `timeout of ${config.timeout}ms exceeded`;
  const code = config.transitional?.clarifyTimeoutError ? 'ETIMEDOUT' : 'ECONNABORTED';
  return new AxiosError(message, code, config);
}
