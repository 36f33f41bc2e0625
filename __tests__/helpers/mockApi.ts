import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor, type AuthInterceptorOptions, type AuthTokens } from '../../src';
import { deferred, type Deferred } from './deferred';

type Reply = [number, unknown?, Record<string, string>?];

/**
 * An instance on axios-mock-adapter whose fake API accepts only `api.valid`, with a `refresh`
 * that the test can hold open (`api.hold()`) and that issues `at-2`, `at-3`, ...
 */
export function mockApi(options: Partial<AuthInterceptorOptions> = {}, prepare?: (instance: AxiosInstance) => void) {
  const instance = axios.create({ baseURL: 'https://api.test' });
  prepare?.(instance);
  const mock = new MockAdapter(instance);
  let issued = 1;
  let gate: Deferred<void> | undefined;
  const api = {
    instance,
    mock,
    valid: 'at-1',
    /** Authorization header of every call that reached the network, in order. */
    sent: [] as Array<{ url?: string; auth: unknown }>,
    /** The next refresh waits until the returned deferred resolves (or rejects with your error). */
    hold() {
      gate = deferred();
      return gate;
    },
    refresh: jest.fn(async (_tokens: AuthTokens | null): Promise<AuthTokens> => {
      const wait = gate;
      gate = undefined;
      await wait?.promise;
      api.valid = `at-${++issued}`;
      return { accessToken: api.valid, refreshToken: `rt-${issued}` };
    }),
    auth: undefined as unknown as ReturnType<typeof createAuthInterceptor>,
    /** 401s answered by the token check. */
    unauthorized: 0,
    /** When set, every reply carries a `Date` header from this clock, as real servers send. */
    serverClock: undefined as (() => number) | undefined,
    /** Replies for particular URLs, in place of the token check. */
    routes: {} as Record<string, (config: AxiosRequestConfig) => Reply>,
    /** Answers 200 with the URL to calls carrying the valid token, else an RFC 6750 401. */
    handler: (config: AxiosRequestConfig): Reply => {
      const auth = config.headers?.Authorization;
      api.sent.push({ url: config.url, auth });
      const route = api.routes[config.url!];
      if (route) return route(config);
      const date: Record<string, string> = api.serverClock ? { date: new Date(api.serverClock()).toUTCString() } : {};
      if (auth === `Bearer ${api.valid}`) return [200, { url: config.url }, date];
      api.unauthorized++;
      return [401, { error: 'token_expired' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"', ...date }];
    },
  };
  api.auth = createAuthInterceptor(instance, { refresh: api.refresh, ...options });
  mock.onAny().reply((config) => api.handler(config));
  return api;
}

/** Makes every refresh of `api` wait for a deferred the test settles: `outcomes[n]` answers the n-th. */
export function heldRefreshes(api: ReturnType<typeof mockApi>): Array<Deferred<AuthTokens>> {
  const outcomes: Array<Deferred<AuthTokens>> = [];
  api.refresh.mockImplementation(() => {
    const outcome = deferred<AuthTokens>();
    outcomes.push(outcome);
    return outcome.promise;
  });
  return outcomes;
}
