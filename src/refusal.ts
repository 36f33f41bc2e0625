import { AxiosHeaders, isCancel, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { Refusal } from './answers/answer';
import { insufficientScope, parseAuthChallenge, stepUpChallenge, type InsufficientScopeError } from './challenge';
import { describeCall } from './describeCall';
import type { Session } from './session';

/** A 401 or 403 reaches the caller: say so, with what its challenge asked for. */
export function challenged(session: Session, config: InternalAxiosRequestConfig, error: Refusal): void {
  const { response } = error;
  const scope = insufficientScope(response);
  if (scope !== undefined) (error as InsufficientScopeError).requiredScope = scope;
  const { status } = response;
  if (status !== 401 && status !== 403) return;
  const header = AxiosHeaders.from(response.headers as AxiosHeaders).get('www-authenticate');
  const challenge = typeof header === 'string' ? parseAuthChallenge(header)[0] : undefined;
  session.emit(() => ({
    type: 'challenge',
    ...describeCall(session, config),
    status,
    ...(challenge && { scheme: challenge.scheme }),
    ...(challenge?.params.error && { error: challenge.params.error }),
  }));
}

/**
 * Whether a refused call should wait for a refresh and be replayed: the app's rule, or else a
 * 401 that a new token could fix, which is any 401 whose challenge for the call's `scheme` does
 * not ask for a step-up.
 */
export function shouldRefresh(session: Session, refusal: Refusal, scheme: string): boolean | Promise<boolean> {
  if (isCancel(refusal)) return false;
  const custom = session.options.shouldRefresh;
  return custom ? custom(withParsedData(refusal)) : refusal.response.status === 401 && !stepUpChallenge(refusal.response, scheme);
}

/**
 * axios parses a response body only after the adapter returns, but a custom rule needs to read
 * `{"error":"token_expired"}`. The rule gets a view of the error with a parsed copy of the body;
 * the error the caller finally sees is parsed once, by axios.
 */
export function withParsedData(error: Refusal): Refusal {
  const { config, response } = error;
  let data = response.data;
  try {
    for (const transform of [config?.transformResponse ?? []].flat()) {
      data = transform.call(config!, data, AxiosHeaders.from(response.headers as AxiosHeaders), response.status);
    }
  } catch {
    data = response.data; // a body the transforms reject is shown raw, as axios itself does when parsing is silent
  }
  return Object.assign(Object.create(error) as Refusal, { response: { ...response, data } as AxiosResponse });
}
