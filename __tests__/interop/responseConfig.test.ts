import axios, { AxiosError, type AxiosAdapter } from 'axios';
import axiosRetry from 'axios-retry';
import { setupCache } from 'axios-cache-interceptor';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthInterceptor } from '../../src';

// What a plugin keeps of a call (the cache's response, the retried config) holds no token: the
// session takes it back whichever side of the plugin it was set up on.

let url: string;
let close: () => Promise<void>;
let calls = 0;
beforeAll(async () => {
  const server = createServer((req, res) => {
    calls++;
    if (req.url === '/flaky' && calls % 2 === 1) return res.writeHead(503).end();
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60', vary: 'Authorization' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((resolve) => server.close(() => resolve()));
});
afterAll(() => close());

const orders = ['before', 'after'] as const;

describe.each(orders)('a plugin set up %s createAuthInterceptor', (order) => {
  test('a cache miss and a cache hit both leave no token on response.config', async () => {
    const plain = axios.create({ baseURL: url, adapter: 'http' });
    const setup = () => setupCache(plain);
    const api = order === 'before' ? setup() : plain;
    const auth = createAuthInterceptor(plain, { refresh: async () => ({ accessToken: 'at-2' }) });
    if (order === 'after') setup();
    await auth.setTokens({ accessToken: 'at-1-secret' });
    const first = await api.get('/cached');
    const second = await api.get('/cached');
    expect((second as { cached?: boolean }).cached).toBe(true);
    expect(first.config.headers.Authorization).toBeUndefined();
    expect(second.config.headers.Authorization).toBeUndefined();
  });

  test('axios-retry: a retried call leaves no token on response.config', async () => {
    const instance = axios.create({ baseURL: url, adapter: 'http' });
    const retry = () => axiosRetry(instance, { retries: 1, retryCondition: (e) => e.response?.status === 503 });
    if (order === 'before') retry();
    const auth = createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'at-2' }) });
    if (order === 'after') retry();
    await auth.setTokens({ accessToken: 'at-1-secret' });
    calls = 0;
    const response = await instance.get('/flaky');
    expect(response.config.headers.Authorization).toBeUndefined();
  });
});
