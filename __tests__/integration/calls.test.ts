import axios, { type AxiosInstance } from 'axios';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthInterceptor } from '../../src';
import { flush, settle } from '../helpers/deferred';
import { realApi } from '../helpers/realApi';

let api: Awaited<ReturnType<typeof realApi>>;
afterEach(() => api.server.close());

test('a call waiting for a refresh whose signal aborts rejects at once with CanceledError and is never sent', async () => {
  api = await realApi();
  api.server.expireAccessTokens();
  const refresh = api.server.hold('/auth/refresh');
  const trigger = api.instance.get('/api/trigger');
  await refresh.arrived;
  const controller = new AbortController();
  const cancelled = settle(api.instance.get('/api/cancelled', { signal: controller.signal }));
  await flush();
  controller.abort();
  const result = await cancelled;
  expect(axios.isCancel((result as { error: unknown }).error)).toBe(true);
  refresh.release();
  await expect(trigger).resolves.toMatchObject({ status: 200 });
  expect(api.apiLog().map((entry) => entry.path)).not.toContain('/api/cancelled');
});

describe('a replay is faithful', () => {
  const echo = async (instance: AxiosInstance, body: unknown) =>
    (await instance.post('/api/echo', body, { params: { q: 'a b', n: 1 }, headers: { 'X-Trace': 't-1' } })).data;

  test.each([
    ['JSON', () => ({ name: 'ü', list: [1, 2] })],
    ['URLSearchParams', () => new URLSearchParams({ a: '1', b: 'two' })],
  ])('a %s body arrives with the same bytes, URL and headers as an unrefused call', async (_, body) => {
    api = await realApi();
    const direct = await echo(api.instance, body());
    api.server.expireAccessTokens();
    const replayed = await echo(api.instance, body());
    expect(api.server.refreshes).toBe(1);
    const { authorization: a, ...directHeaders } = direct.headers;
    const { authorization: b, ...replayedHeaders } = replayed.headers;
    expect(a).not.toEqual(b);
    expect({ ...replayed, headers: replayedHeaders }).toEqual({ ...direct, headers: directHeaders });
  });

  test('a FormData body is sent again as multipart with its parts', async () => {
    api = await realApi();
    api.server.expireAccessTokens();
    const form = new FormData();
    form.append('note', 'hello');
    const replayed = await echo(api.instance, form);
    expect(replayed.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(Buffer.from(replayed.body, 'base64').toString()).toContain('name="note"\r\n\r\nhello');
  });

  test('JSON is encoded once', async () => {
    api = await realApi();
    api.server.expireAccessTokens();
    const encode = jest.fn(JSON.stringify);
    await api.instance.post('/api/echo', { a: 1 }, { transformRequest: [(data, headers) => (headers.setContentType('application/json'), encode(data))] });
    expect(encode).toHaveBeenCalledTimes(1);
    expect(api.server.refreshes).toBe(1);
  });
});

test.each(['before', 'after'])('user interceptors added %s ours run once per call, also when it was replayed', async (order) => {
  api = await realApi({}, { signIn: false });
  const counts = { request: 0, response: 0 };
  const instance = axios.create({ baseURL: api.server.url, adapter: 'http' });
  const addUserInterceptors = () => {
    instance.interceptors.request.use((config) => (counts.request++, config));
    instance.interceptors.response.use((response) => (counts.response++, response.data));
  };
  if (order === 'before') addUserInterceptors();
  const auth = createAuthInterceptor(instance, { refresh: async (tokens) => (await axios.post(`${api.server.url}/auth/refresh`, tokens)).data });
  if (order === 'after') addUserInterceptors();
  await auth.setTokens(api.server.signIn());
  api.server.expireAccessTokens();
  await expect(instance.get('/api/me')).resolves.toMatchObject({ ok: true, token: 2 });
  expect(counts).toEqual({ request: 1, response: 1 });
});

describe('everything else passes through untouched', () => {
  test('a 403 insufficient_scope and a 500', async () => {
    api = await realApi();
    await expect(api.instance.get('/api/admin')).rejects.toMatchObject({ response: { status: 403 } });
    await expect(api.instance.get('/api/boom')).rejects.toMatchObject({ response: { status: 500 } });
    expect(api.refresh).not.toHaveBeenCalled();
  });

  test('a network error', async () => {
    api = await realApi();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    await expect(api.instance.get(`http://127.0.0.1:${port}/api/x`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(api.refresh).not.toHaveBeenCalled();
  });

  test.each([
    ['sync', (e: { response?: { data?: { error?: string } } }) => e.response?.data?.error === 'token_expired'],
    ['async', async (e: { response?: { data?: { error?: string } } }) => e.response?.data?.error === 'token_expired'],
  ])('a custom %s shouldRefresh replaces the default rule', async (_, rule) => {
    api = await realApi({ shouldRefresh: rule as () => boolean });
    await api.auth.clearTokens(); // a 401 with {"error":"invalid_token"}: not this rule's business
    await expect(api.instance.get('/api/a')).rejects.toMatchObject({ response: { status: 401 } });
    expect(api.refresh).not.toHaveBeenCalled();
    await api.auth.setTokens(api.server.signIn());
    api.server.expireAccessTokens(); // {"error":"token_expired"}
    await expect(api.instance.get('/api/b')).resolves.toMatchObject({ status: 200 });
    expect(api.refresh).toHaveBeenCalledTimes(1);
  });
});

test('eject(): later calls carry no token and their 401s pass through; waiting calls still settle', async () => {
  api = await realApi();
  api.server.expireAccessTokens();
  const refresh = api.server.hold('/auth/refresh');
  const waiting = api.instance.get('/api/waiting');
  await refresh.arrived;
  api.auth.eject();
  await expect(api.instance.get('/api/after')).rejects.toMatchObject({ response: { status: 401 } });
  refresh.release();
  await expect(waiting).resolves.toMatchObject({ status: 200 });
  expect(api.apiLog().find((entry) => entry.path === '/api/after')).toMatchObject({ header: false });
  expect(api.server.refreshes).toBe(1);
});

test('two interceptors on two instances are independent', async () => {
  api = await realApi();
  const aliceTokens = await api.auth.getTokens();
  const bobInstance = axios.create({ baseURL: api.server.url, adapter: 'http' });
  const bobRefresh = jest.fn();
  const bob = createAuthInterceptor(bobInstance, { refresh: bobRefresh });
  const bobTokens = api.server.signIn();
  await bob.setTokens(bobTokens);
  api.server.expireAccessTokens(aliceTokens!.accessToken);
  const refresh = api.server.hold('/auth/refresh');
  const alice = api.instance.get('/api/alice');
  await refresh.arrived;
  await expect(bobInstance.get('/api/bob')).resolves.toMatchObject({ status: 200 }); // never waits for alice's refresh
  refresh.release();
  await alice;
  expect(await bob.getTokens()).toEqual({ accessToken: bobTokens.accessToken, refreshToken: bobTokens.refreshToken, expiresAt: expect.any(Number) });
  expect(await api.auth.getTokens()).not.toMatchObject({ accessToken: aliceTokens!.accessToken });
  expect(bobRefresh).not.toHaveBeenCalled();
});
