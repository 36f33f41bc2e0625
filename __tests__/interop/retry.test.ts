import axios, { type AxiosError } from 'axios';
import axiosRetry, { isNetworkOrIdempotentRequestError, type IAxiosRetryConfig } from 'axios-retry';
import { createAuthInterceptor } from '../../src';
import { startInteropServer, refreshThrough, type InteropServer } from '../helpers/interopServer';

// axios-retry re-sends `error.config` through the instance, interceptors and all: the same
// config object our request interceptor already routed once.

let server: InteropServer;
beforeAll(async () => {
  server = await startInteropServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

async function retryingApi(options: IAxiosRetryConfig = {}) {
  const api = axios.create({ baseURL: server.url, adapter: 'http' });
  axiosRetry(api, { retries: 3, ...options });
  const refresh = refreshThrough(api);
  const auth = createAuthInterceptor(api, { refresh });
  await auth.setTokens(server.signIn());
  return { api, auth, refresh };
}

test('axios-retry: each retry after a 503 carries the token current when it is sent', async () => {
  const users = ['bob', 'carol'];
  const { api, auth } = await retryingApi({ onRetry: () => auth.setTokens(server.signIn(users.shift())) });
  server.fail('/api/items/1', 503, 503);
  await expect(api.get('/api/items/1')).resolves.toMatchObject({ data: { user: 'carol', token: 3 } });
  expect(server.api.map(({ status, token }) => [status, token])).toEqual([
    [503, 1],
    [503, 2],
    [200, 3],
  ]);
});

test('axios-retry: a 503, then a 401 on the retry, costs one refresh and one replay', async () => {
  const { api, refresh } = await retryingApi();
  server.fail('/api/items/1', 503);
  server.expire();
  await expect(api.get('/api/items/1')).resolves.toMatchObject({ data: { token: 2 } });
  expect(refresh).toHaveBeenCalledTimes(1);
  expect(server.api.map(({ status, token }) => [status, token])).toEqual([
    [503, 1],
    [401, 1],
    [200, 2],
  ]);
});

test('axios-retry: a 401 that no refresh fixes, retried three times, costs one refresh, not one per layer of re-sending', async () => {
  const { api, refresh } = await retryingApi({ retryCondition: (error: AxiosError) => error.response?.status === 401 || isNetworkOrIdempotentRequestError(error) });
  await expect(api.get('/api/always-401')).rejects.toMatchObject({ response: { status: 401 } });
  expect(refresh).toHaveBeenCalledTimes(1);
  expect(server.refreshes).toBe(1);
  // the first send, its one replay, then each of the three retries once
  expect(server.api).toHaveLength(5);
});

test('axios-retry: a storm of 503s then 401s on 20 calls costs one refresh', async () => {
  const { api, refresh } = await retryingApi();
  for (let i = 0; i < 20; i++) server.fail(`/api/items/${i}`, 503);
  server.expire();
  const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => api.get(`/api/items/${i}`)));
  expect(responses.map((r) => r.data.token)).toEqual(Array(20).fill(2));
  expect(refresh).toHaveBeenCalledTimes(1);
  expect(server.api.filter((r) => r.status === 200)).toHaveLength(20);
});
