import axios, { AxiosError, type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { createAuthInterceptor, type AuthInterceptor, type AuthTokens } from '../../src';
import { mockApi } from '../helpers/mockApi';

/**
 * An instance on a plain adapter that answers like a server and, as axios's own adapters do,
 * puts the very config it was given on its responses and errors. `/forbidden` is refused for
 * good (403), `/always-401` with a 401 no refresh fixes; anything else needs `api.valid`.
 */
function plainApi() {
  const sent: Array<{ url?: string; auth: unknown }> = [];
  const api = {
    sent,
    valid: 'at-1',
    instance: axios.create({ baseURL: 'https://api.test' }),
    refresh: jest.fn(async (): Promise<AuthTokens> => ({ accessToken: (api.valid = `at-${api.refresh.mock.calls.length + 1}`) })),
    auth: undefined as unknown as AuthInterceptor,
  };
  api.instance.defaults.adapter = async (config) => {
    const auth = config.headers.Authorization;
    sent.push({ url: config.url, auth });
    const status = config.url === '/forbidden' ? 403 : config.url !== '/always-401' && (config.url === '/open' || auth === `Bearer ${api.valid}`) ? 200 : 401;
    const response = { data: {}, status, statusText: '', headers: {}, config };
    if (status === 200) return response;
    throw new AxiosError(`Request failed with status code ${status}`, 'ERR_BAD_REQUEST', config, undefined, response);
  };
  api.auth = createAuthInterceptor(api.instance, { refresh: api.refresh });
  return api;
}

/** The config of a call the server refused for good (403: no refresh helps), as error handlers get it. */
async function refusedConfig(api: ReturnType<typeof plainApi>) {
  const error = (await api.instance.get('/forbidden').catch((e: unknown) => e)) as AxiosError;
  return error.config as InternalAxiosRequestConfig;
}

describe('a config the library has sent, sent again', () => {
  test('costs what a fresh call costs, however often it is re-sent', async () => {
    const api = plainApi();
    await api.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });
    let config = await refusedConfig(api);
    for (let resend = 1; resend <= 4; resend++) {
      const error = (await api.instance.request(config).catch((e: unknown) => e)) as AxiosError;
      config = error.config as InternalAxiosRequestConfig;
    }
    expect(api.sent.filter((s) => s.url === '/forbidden')).toHaveLength(5);
  });

  test('a 401 that no refresh fixes, re-sent k times, costs one refresh in all, not 2^k', async () => {
    const api = plainApi();
    await api.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });
    let config: InternalAxiosRequestConfig | undefined;
    for (let send = 0; send < 4; send++) {
      const error = (await api.instance.request(config ?? { url: '/always-401' }).catch((e: unknown) => e)) as AxiosError;
      config = error.config as InternalAxiosRequestConfig;
    }
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(api.sent).toHaveLength(5); // the first send, its replay, then each re-send once
  });

  test('a re-sent config may refresh again once the tokens changed since its replay', async () => {
    const api = plainApi();
    await api.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });
    const error = (await api.instance.get('/always-401').catch((e: unknown) => e)) as AxiosError;
    await api.auth.setTokens({ accessToken: 'at-signed-in-again' });
    await api.instance.request(error.config!).catch(() => {});
    expect(api.refresh).toHaveBeenCalledTimes(2);
  });

  test('carries no token after eject()', async () => {
    const api = plainApi();
    await api.auth.setTokens({ accessToken: 'at-1' });
    const config = await refusedConfig(api);
    api.auth.eject();
    await api.instance.request(config).catch(() => {});
    expect(api.sent.at(-1)).toEqual({ url: '/forbidden', auth: undefined });
  });

  test('carries no token with skipAuth: true', async () => {
    const api = plainApi();
    await api.auth.setTokens({ accessToken: 'at-1' });
    const config = await refusedConfig(api);
    await api.instance.request({ ...config, skipAuth: true }).catch(() => {});
    expect(api.sent.at(-1)).toEqual({ url: '/forbidden', auth: undefined });
  });

  test('carries no token through another axios instance', async () => {
    const api = plainApi();
    await api.auth.setTokens({ accessToken: 'at-1' });
    const config = await refusedConfig(api);
    await axios.create().request(config).catch(() => {}); // its adapter is still the one the library wrapped
    expect(api.sent.at(-1)).toEqual({ url: '/forbidden', auth: undefined });
  });

  test('the response and error a caller gets hold the config without the token', async () => {
    const api = plainApi();
    await api.auth.setTokens({ accessToken: 'at-1' });
    const response = await api.instance.get('/a');
    expect(api.sent.at(-1)).toEqual({ url: '/a', auth: 'Bearer at-1' });
    expect(response.config.headers.Authorization).toBeUndefined();
    expect((await refusedConfig(api)).headers.Authorization).toBeUndefined();
  });

  test("the caller's own header of the same name is left alone", async () => {
    const api = plainApi();
    const response = await api.instance.get('/open', { headers: { Authorization: 'Basic abc' } });
    expect(api.sent.at(-1)).toEqual({ url: '/open', auth: 'Basic abc' });
    expect(response.config.headers.Authorization).toBe('Basic abc');
  });

  test('a config re-sent through a second instance the same session was attach()ed to, then detached, carries no token', async () => {
    const sent: unknown[] = [];
    const adapter: AxiosAdapter = async (config) => {
      sent.push(config.headers.Authorization);
      if (config.url === '/403') throw new AxiosError('no', 'ERR_BAD_REQUEST', config, undefined, { data: {}, status: 403, statusText: '', headers: {}, config });
      return { data: {}, status: 200, statusText: '', headers: {}, config };
    };
    const a = axios.create({ baseURL: 'https://api.test', adapter });
    const b = axios.create({ baseURL: 'https://api.test', adapter });
    b.interceptors.response.use((r) => r); // b is `late`, a is not
    const auth = createAuthInterceptor(a, { refresh: async () => ({ accessToken: 'at-2' }) });
    const detach = auth.attach(b);
    await auth.setTokens({ accessToken: 'at-1-secret' });
    const error = (await a.get('/403').catch((e: unknown) => e)) as AxiosError;
    await b.request(error.config!).catch(() => {});
    detach();
    await b.request(error.config!).catch(() => {});
    expect(sent).toEqual(['Bearer at-1-secret', 'Bearer at-1-secret', undefined]);
  });
});

describe('one session per instance', () => {
  test('a second createAuthInterceptor on the same instance throws, saying what to do', () => {
    const instance = axios.create();
    createAuthInterceptor(instance, { refresh: jest.fn() });
    expect(() => createAuthInterceptor(instance, { refresh: jest.fn() })).toThrow(/already has an auth interceptor: eject\(\) that one first/);
  });

  test('after eject() the instance takes a new session', async () => {
    const api = mockApi();
    api.auth.eject();
    const auth = createAuthInterceptor(api.instance, { refresh: api.refresh });
    await auth.setTokens({ accessToken: 'at-1' });
    await expect(api.instance.get('/a')).resolves.toMatchObject({ status: 200 });
  });

  test('attach() of an instance another session guards throws too', () => {
    const a = mockApi();
    const b = mockApi();
    expect(() => a.auth.attach(b.instance)).toThrow(/already has an auth interceptor/);
  });
});

describe('a config an adapter of its own answered, or that passed no response interceptor of the session', () => {
  /** An instance whose adapter answers 200 to everything and records the Authorization it was sent with. */
  function api() {
    const sent: unknown[] = [];
    const instance = axios.create({ baseURL: 'https://api.test' });
    instance.defaults.adapter = async (config) => {
      sent.push(config.headers.Authorization);
      return { data: {}, status: 200, statusText: 'OK', headers: {}, config };
    };
    const refresh = async (): Promise<AuthTokens> => ({ accessToken: 'at-2' });
    return { instance, sent, refresh };
  }

  /** Another instance, no session: what a config re-sent through it carries. */
  function bystander() {
    const seen: unknown[] = [];
    const other = axios.create();
    const adapter: AxiosAdapter = async (config) => {
      seen.push(config.headers.Authorization);
      return { data: {}, status: 200, statusText: 'OK', headers: {}, config };
    };
    return { other, adapter, seen };
  }

  test('a call that an earlier request interceptor hands to an adapter of its own (an offline mock) leaves no token on response.config', async () => {
    const { instance } = api();
    const offline: AxiosAdapter = async (config) => ({ data: { offline: true }, status: 200, statusText: 'OK', headers: {}, config });
    // Set up before the session, so it runs after the session's request interceptor.
    instance.interceptors.request.use((config) => {
      config.adapter = offline;
      return config;
    });
    const auth = createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'at-2' }) });
    await auth.setTokens({ accessToken: 'at-1' });

    const response = await instance.get('/items');
    expect(response.data).toEqual({ offline: true });
    expect(response.config.headers.Authorization).toBeUndefined();

    // ...so the same config re-sent through another instance carries none.
    const { other, adapter, seen } = bystander();
    await other.request({ ...response.config, adapter });
    expect(seen).toEqual([undefined]);
  });

  test('an error such an adapter throws leaves no token on error.config either', async () => {
    const { instance } = api();
    const failing: AxiosAdapter = async (config) => {
      throw new AxiosError('offline', 'ERR_NETWORK', config);
    };
    instance.interceptors.request.use((config) => {
      config.adapter = failing;
      return config;
    });
    const auth = createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'at-2' }) });
    await auth.setTokens({ accessToken: 'at-1' });

    const error = (await instance.get('/items').catch((e: unknown) => e)) as AxiosError;
    expect(error.code).toBe('ERR_NETWORK');
    expect(error.config!.headers.Authorization).toBeUndefined();
  });

  test('after instance.interceptors.response.clear(), a call of a session set up behind earlier response interceptors leaves no token on response.config', async () => {
    const { instance, refresh } = api();
    instance.interceptors.response.use((response: AxiosResponse) => response);
    const auth = createAuthInterceptor(instance, { refresh });
    await auth.setTokens({ accessToken: 'at-1' });
    // The app drops its own response interceptors; the session's request side is untouched.
    instance.interceptors.response.clear();

    const response = await instance.get('/items');
    expect(response.config.headers.Authorization).toBeUndefined();

    const { other, adapter, seen } = bystander();
    await other.request({ ...response.config, adapter });
    expect(seen).toEqual([undefined]);
  });
});
