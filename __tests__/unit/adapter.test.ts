import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { Readable } from 'node:stream';
import { flush, settle } from '../helpers/deferred';
import { mockApi } from '../helpers/mockApi';

async function refreshing(options: Parameters<typeof mockApi>[0] = {}) {
  const api = mockApi(options);
  await api.auth.setTokens({ accessToken: 'at-0' });
  const gate = api.hold();
  const trigger = api.instance.get('/trigger');
  await flush();
  return { api, gate, trigger };
}

describe('cancelling a call that waits for a refresh', () => {
  test('rejects it at once with CanceledError, never sends it, and the others go on', async () => {
    const { api, gate, trigger } = await refreshing();
    const controller = new AbortController();
    const cancelled = settle(api.instance.get('/cancelled', { signal: controller.signal }));
    const other = api.instance.get('/other');
    await flush();
    controller.abort();
    const result = await cancelled;
    expect(result.ok).toBe(false);
    expect(axios.isCancel((result as { error: unknown }).error)).toBe(true);
    gate.resolve();
    await expect(Promise.all([trigger, other])).resolves.toHaveLength(2);
    expect(api.sent.map((s) => s.url)).not.toContain('/cancelled');
    expect(api.refresh).toHaveBeenCalledTimes(1);
  });

  test('leaves no abort listener behind, whether it was cancelled or not', async () => {
    const { api, gate, trigger } = await refreshing();
    const signals = [new AbortController(), new AbortController()].map((c) => {
      const add = jest.spyOn(c.signal, 'addEventListener');
      const remove = jest.spyOn(c.signal, 'removeEventListener');
      return { c, add, remove };
    });
    const [aborted, kept] = signals.map(({ c }, i) => settle(api.instance.get(`/s${i}`, { signal: c.signal })));
    await flush();
    signals[0]!.c.abort();
    await aborted;
    gate.resolve();
    await Promise.all([kept, trigger]);
    for (const { add, remove } of signals) {
      const ours = add.mock.calls.filter(([type]) => type === 'abort').map(([, fn]) => fn);
      expect(ours.length).toBeGreaterThan(0);
      for (const fn of ours) expect(remove).toHaveBeenCalledWith('abort', fn);
    }
  });

  test('a CancelToken works the same way', async () => {
    const { api, gate, trigger } = await refreshing();
    const source = axios.CancelToken.source();
    const cancelled = settle(api.instance.get('/cancelled', { cancelToken: source.token }));
    await flush();
    source.cancel('user left');
    const result = await cancelled;
    expect(axios.isCancel((result as { error: unknown }).error)).toBe(true);
    gate.resolve();
    await trigger;
    expect(api.sent.map((s) => s.url)).not.toContain('/cancelled');
  });
});

describe('a replay is faithful', () => {
  test('method, URL, params, body bytes and custom headers are kept; only the token changes', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-0' });
    const seen: AxiosRequestConfig[] = [];
    const stringify = jest.fn(JSON.stringify);
    api.routes['/things'] = (config) => (seen.push({ ...config, headers: { ...config.headers } }), api.handler({ ...config, url: '/x' }));
    await api.instance.put('/things', { name: 'ü', n: [1, 2] }, {
      params: { q: 'a b' },
      headers: { 'X-Trace': 't-1' },
      transformRequest: [(data, headers) => (headers.setContentType('application/json'), stringify(data))],
    });
    expect(seen).toHaveLength(2);
    const [first, replay] = seen;
    expect(replay).toMatchObject({ method: 'put', url: '/things', params: { q: 'a b' }, data: first!.data });
    expect(replay!.headers).toEqual({ ...first!.headers, Authorization: 'Bearer at-2' });
    expect(replay!.headers!['X-Trace']).toBe('t-1');
    expect(stringify).toHaveBeenCalledTimes(1);
  });

  test('a URLSearchParams body keeps its content type', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-0' });
    const types: unknown[] = [];
    api.routes['/form'] = (config) => (types.push(config.headers?.['Content-Type']), api.handler({ ...config, url: '/x' }));
    await api.instance.post('/form', new URLSearchParams({ a: '1' }));
    expect(types).toEqual(['application/x-www-form-urlencoded;charset=utf-8', 'application/x-www-form-urlencoded;charset=utf-8']);
  });

  test('a FormData body is sent again as the same form, its content type left to the adapter', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-0' });
    const form = new FormData();
    form.append('file', 'contents');
    const seen: Array<{ data: unknown; type: unknown }> = [];
    api.routes['/upload'] = (config) => (seen.push({ data: config.data, type: config.headers?.['Content-Type'] }), api.handler({ ...config, url: '/x' }));
    await api.instance.post('/upload', form);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.data).toBe(form);
    expect(seen[1]!.type).toEqual(seen[0]!.type);
  });
});

test('a stream body cannot be sent twice: its 401 passes through and nothing is replayed', async () => {
  const api = mockApi();
  await api.auth.setTokens({ accessToken: 'at-0' });
  await expect(api.instance.post('/upload', Readable.from(['chunk']))).rejects.toMatchObject({ response: { status: 401 } });
  expect(api.sent).toHaveLength(1);
  expect(api.refresh).not.toHaveBeenCalled();
});

describe('other interceptors run once per call, also when it was replayed', () => {
  test.each(['before', 'after'])('user interceptors added %s ours', async (order) => {
    const counts = { request: 0, response: 0 };
    const addUserInterceptors = (instance: AxiosInstance) => {
      instance.interceptors.request.use((config) => (counts.request++, config));
      instance.interceptors.response.use((response) => (counts.response++, response.data));
    };
    const api = mockApi({}, order === 'before' ? addUserInterceptors : undefined);
    if (order === 'after') addUserInterceptors(api.instance);
    await api.auth.setTokens({ accessToken: 'at-0' });
    await expect(api.instance.get('/a')).resolves.toEqual({ url: '/a' });
    expect(counts).toEqual({ request: 1, response: 1 });
    expect(api.refresh).toHaveBeenCalledTimes(1);
  });

  test('a synchronous user request interceptor also runs once', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-0' });
    const seen = jest.fn((config) => config);
    api.instance.interceptors.request.use(seen, undefined, { synchronous: true });
    await api.instance.get('/a');
    expect(seen).toHaveBeenCalledTimes(1);
  });
});

describe('everything else passes through untouched', () => {
  test.each([
    ['a 403 insufficient_scope', [403, { error: 'insufficient_scope' }, { 'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="admin"' }]],
    ['a 401 insufficient_scope', [401, {}, { 'WWW-Authenticate': 'Bearer realm="x", error="insufficient_scope"' }]],
    ['a 500', [500, { error: 'boom' }]],
  ])('%s', async (_, reply) => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-0' });
    api.routes['/a'] = () => reply as never;
    const error = await api.instance.get('/a').catch((e: unknown) => e);
    expect(axios.isAxiosError(error) && error.response?.status).toBe((reply as number[])[0]);
    expect(api.refresh).not.toHaveBeenCalled();
  });

  test('a network error', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-0' });
    api.mock.reset();
    api.mock.onAny().networkError();
    await expect(api.instance.get('/a')).rejects.toMatchObject({ message: 'Network Error' });
    expect(api.refresh).not.toHaveBeenCalled();
  });

  test.each([
    ['sync', (e: { response?: { data?: { error?: string } } }) => e.response?.data?.error === 'token_expired'],
    ['async', async (e: { response?: { data?: { error?: string } } }) => e.response?.data?.error === 'token_expired'],
  ])('a custom %s shouldRefresh replaces the default rule and sees the parsed body', async (_, rule) => {
    const shouldRefresh = jest.fn(rule as (e: unknown) => boolean | Promise<boolean>);
    const api = mockApi({ shouldRefresh: shouldRefresh as never });
    await api.auth.setTokens({ accessToken: 'at-0' });
    api.routes['/expired'] = () => [419, JSON.stringify({ error: 'token_expired' })];
    api.routes['/plain401'] = () => [401, JSON.stringify({ error: 'bad_password' })];
    await expect(api.instance.get('/plain401')).rejects.toMatchObject({ response: { status: 401, data: { error: 'bad_password' } } });
    expect(api.refresh).not.toHaveBeenCalled();
    delete api.routes['/plain401'];
    await expect(api.instance.get('/expired')).rejects.toMatchObject({ response: { status: 419 } });
    expect(api.refresh).toHaveBeenCalledTimes(1);
  });
});
