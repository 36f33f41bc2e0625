import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor } from '../../src';
import { deferred, flush, settle } from '../helpers/deferred';
import { mockApi } from '../helpers/mockApi';

describe('attaching the token', () => {
  test('a call carries the access token that is current when it is sent, not when it was made', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-1' });
    const slowInterceptor = deferred();
    api.instance.interceptors.request.use(async (config) => {
      await slowInterceptor.promise;
      return config;
    });
    const pending = api.instance.get('/a');
    await api.auth.setTokens({ accessToken: 'at-9' });
    api.valid = 'at-9';
    slowInterceptor.resolve();
    await pending;
    expect(api.sent).toEqual([{ url: '/a', auth: 'Bearer at-9' }]);
  });

  test('without tokens a call goes out with no Authorization header at all', async () => {
    const api = mockApi();
    api.routes['/public'] = (config) => [200, { auth: config.headers?.Authorization ?? 'none' }];
    await expect(api.instance.get('/public')).resolves.toMatchObject({ data: { auth: 'none' } });
    await api.auth.clearTokens();
    await expect(api.instance.get('/public')).resolves.toMatchObject({ data: { auth: 'none' } });
  });

  test('setTokens refuses an empty, null or missing access token instead of sending "Bearer undefined"', async () => {
    const api = mockApi();
    for (const bad of [{ accessToken: '' }, { accessToken: null }, {}, null]) {
      await expect(api.auth.setTokens(bad as never)).rejects.toMatchObject({ name: 'AuthError', code: 'ERR_INVALID_TOKENS' });
    }
    expect(await api.auth.getTokens()).toBeNull();
  });

  test('header and scheme are configurable, and an empty scheme sends the bare token', async () => {
    const instance = axios.create();
    const mock = new MockAdapter(instance);
    mock.onGet('/').reply((config) => [200, config.headers?.['X-Api-Key']]);
    const auth = createAuthInterceptor(instance, { refresh: jest.fn(), header: 'X-Api-Key', scheme: '' });
    await auth.setTokens({ accessToken: 'k1' });
    await expect(instance.get('/')).resolves.toMatchObject({ data: 'k1' });
  });

  test('skipAuth sends no token, even with tokens set', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-1' });
    api.routes['/login'] = (config) => [200, config.headers?.Authorization ?? 'none'];
    await expect(api.instance.get('/login', { skipAuth: true })).resolves.toMatchObject({ data: 'none' });
  });

  test('a header the caller set under another case is replaced, never sent twice', async () => {
    const instance = axios.create();
    let seen: Record<string, unknown> = {};
    instance.defaults.adapter = async (config) => ((seen = { ...config.headers }), { data: null, status: 200, statusText: '', headers: {}, config });
    const auth = createAuthInterceptor(instance, { refresh: jest.fn() });
    await auth.setTokens({ accessToken: 't' });
    await instance.get('/', { headers: { authorization: 'Basic old' } });
    expect(Object.entries(seen).filter(([name]) => name.toLowerCase() === 'authorization')).toEqual([['authorization', 'Bearer t']]);
  });

  test('works when the mock adapter is installed after the interceptor', async () => {
    const instance = axios.create();
    const auth = createAuthInterceptor(instance, { refresh: jest.fn() });
    new MockAdapter(instance).onGet('/').reply((config) => [200, config.headers?.Authorization]);
    await auth.setTokens({ accessToken: 't' });
    await expect(instance.get('/')).resolves.toMatchObject({ data: 'Bearer t' });
  });
});

test('a call with its own adapter uses it, and the next call is back on the instance adapter', async () => {
  const api = mockApi();
  await api.auth.setTokens({ accessToken: 'at-1' });
  const own = jest.fn(async (config) => ({ data: config.headers.Authorization, status: 200, statusText: '', headers: {}, config }));
  await expect(api.instance.get('/own', { adapter: own })).resolves.toMatchObject({ data: 'Bearer at-1' });
  await api.instance.get('/a');
  expect(own).toHaveBeenCalledTimes(1);
  expect(api.sent).toEqual([{ url: '/a', auth: 'Bearer at-1' }]);
});

test("an adapter axios cannot build fails with axios's own error, on every supported axios", async () => {
  const instance = axios.create({ baseURL: 'https://api.test' });
  const auth = createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'at-2' }) });
  await auth.setTokens({ accessToken: 'at-1' });
  const error = await instance.get('/x', { adapter: 'no-such-adapter' as never }).catch((e: unknown) => e);
  expect(error).not.toBeInstanceOf(TypeError);
  expect(error).toMatchObject({ message: expect.stringMatching(/adapter/i) });
  expect(String((error as Error).message)).not.toContain('at-1');
});

describe('eject()', () => {
  test('later calls carry no token and their 401s pass straight through', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-1' });
    api.auth.eject();
    await expect(api.instance.get('/a')).rejects.toMatchObject({ response: { status: 401 } });
    expect(api.sent).toEqual([{ url: '/a', auth: undefined }]);
    expect(api.refresh).not.toHaveBeenCalled();
  });

  test('calls waiting for a refresh at that moment still settle', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-0' });
    const gate = api.hold();
    const waiting = api.instance.get('/a');
    await flush();
    expect(api.refresh).toHaveBeenCalledTimes(1);
    api.auth.eject();
    gate.resolve();
    await expect(waiting).resolves.toMatchObject({ status: 200 });
  });
});

describe('no shared state', () => {
  test('two interceptors on two instances keep their own tokens and their own refresh', async () => {
    const alice = mockApi();
    const bob = mockApi();
    await alice.auth.setTokens({ accessToken: 'at-0' });
    await bob.auth.setTokens({ accessToken: 'at-1' });
    const gate = alice.hold();
    const aliceCall = alice.instance.get('/a');
    await flush();
    await expect(bob.instance.get('/b')).resolves.toMatchObject({ status: 200 });
    expect(bob.sent).toEqual([{ url: '/b', auth: 'Bearer at-1' }]);
    expect(bob.refresh).not.toHaveBeenCalled();
    gate.resolve();
    await aliceCall;
    expect(await bob.auth.getTokens()).toEqual({ accessToken: 'at-1' });
  });
});

describe('options are validated up front', () => {
  const instance = axios.create();
  test.each([
    [{}, 'Expected `refresh` to be a function, got undefined'],
    [{ refresh: jest.fn(), refreshTimeout: -1 }, 'Expected `refreshTimeout` to be a positive number of milliseconds up to 2147483647, got -1'],
    [{ refresh: jest.fn(), refreshTimeout: Infinity }, 'Expected `refreshTimeout` to be a positive number of milliseconds up to 2147483647, got Infinity'],
    [{ refresh: jest.fn(), maxRetries: 1.5 }, 'Expected `maxRetries` to be an integer >= 0, got 1.5'],
    [{ refresh: jest.fn(), header: 'Bad Header' }, 'Expected `header` to be a header name, got "Bad Header"'],
    [{ refresh: jest.fn(), scheme: 'Bearer x' }, 'Expected `scheme` to be a string without spaces or commas, got "Bearer x"'],
    [{ refresh: jest.fn(), storage: { get() {} } }, 'Expected `storage` to be a TokenStorage ({ get, set, clear }), got an object with keys get; pass memoryStorage(), webStorage(localStorage) or indexedDBStorage(), or an object with those three methods'],
    [{ refresh: jest.fn(), onAuthFailure: 'nope' }, 'Expected `onAuthFailure` to be a function, got "nope"'],
  ])('%p is refused', (options, message) => {
    expect(() => createAuthInterceptor(instance, options as never)).toThrow(new TypeError(message));
  });
});

test('the settle helper keeps rejections handled', async () => {
  const d = deferred<number>();
  const result = settle(d.promise);
  d.reject(new Error('x'));
  await expect(result).resolves.toMatchObject({ ok: false });
});

describe('attach(): one session on several instances', () => {
  test('concurrent 401s on two attached instances cause one refresh, and both calls carry the new token', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-0' });
    const other = axios.create({ baseURL: 'https://api.test' });
    new MockAdapter(other).onAny().reply((config) => api.handler(config));
    api.auth.attach(other);
    await Promise.all([api.instance.get('/mine'), other.get('/theirs')]);
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(api.sent.filter((s) => s.auth === 'Bearer at-2').map((s) => s.url).sort()).toEqual(['/mine', '/theirs']);
  });

  test('the returned function detaches that instance only; eject() detaches all', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-1' });
    const [a, b] = [axios.create(), axios.create()];
    for (const instance of [a, b]) new MockAdapter(instance).onAny().reply((config) => [200, config.headers?.Authorization ?? 'none']);
    const detachA = api.auth.attach(a);
    api.auth.attach(b);
    detachA();
    await expect(a.get('/')).resolves.toMatchObject({ data: 'none' });
    await expect(b.get('/')).resolves.toMatchObject({ data: 'Bearer at-1' });
    api.auth.eject();
    await expect(b.get('/')).resolves.toMatchObject({ data: 'none' });
    await expect(api.instance.get('/a')).rejects.toMatchObject({ response: { status: 401 } });
  });
});
