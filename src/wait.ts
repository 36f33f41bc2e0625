import { CanceledError, type AxiosError, type InternalAxiosRequestConfig } from 'axios';
import { forCall, isAuthError } from './errors';

/** Waits for the session (a refresh, a step-up), but lets the call's own signal or cancel token end the wait at once. */
export async function wait<T>(pending: Promise<T>, config: InternalAxiosRequestConfig, failure?: AxiosError): Promise<T> {
  const { signal, cancelToken } = config;
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
