import axios, { type AxiosError, type InternalAxiosRequestConfig } from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor } from '../../src';
import { mockApi } from '../helpers/mockApi';

/** The config of a call the server refused for good (403: no refresh helps), as error handlers get it. */
async function refusedConfig(api: ReturnType<typeof mockApi>, url = '/forbidden') {
  api.routes[url] = () => [403, {}];
  const error = (await api.instance.get(url).catch((e: unknown) => e)) as AxiosError;
  return error.config as InternalAxiosRequestConfig;
}

describe('a config the library has sent, sent again', () => {
  test('costs what a fresh call costs, however often it is re-sent', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });
    let config = await refusedConfig(api);
    for (let resend = 1; resend <= 4; resend++) {
      const error = (await api.instance.request(config).catch((e: unknown) => e)) as AxiosError;
      config = error.config as InternalAxiosRequestConfig;
    }
    expect(api.sent.filter((s) => s.url === '/forbidden')).toHaveLength(5);
  });

  test('a 401 that no refresh fixes, re-sent k times, costs one refresh per send, not 2^k', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });
    api.routes['/always-401'] = () => [401, {}, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }];
    let config: InternalAxiosRequestConfig | undefined;
    for (let send = 0; send < 4; send++) {
      const error = (await api.instance.request(config ?? { url: '/always-401' }).catch((e: unknown) => e)) as AxiosError;
      config = error.config as InternalAxiosRequestConfig;
    }
    expect(api.refresh).toHaveBeenCalledTimes(4);
    expect(api.sent.filter((s) => s.url === '/always-401')).toHaveLength(8);
  });

  test('carries no token after eject()', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-1' });
    const config = await refusedConfig(api);
    api.auth.eject();
    await api.instance.request(config).catch(() => {});
    expect(api.sent.at(-1)).toEqual({ url: '/forbidden', auth: undefined });
  });

  test('carries no token with skipAuth: true', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-1' });
    const config = await refusedConfig(api);
    await api.instance.request({ ...config, skipAuth: true }).catch(() => {});
    expect(api.sent.at(-1)).toEqual({ url: '/forbidden', auth: undefined });
  });

  test('carries no token through another axios instance', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-1' });
    const config = await refusedConfig(api);
    const other = axios.create();
    const seen: unknown[] = [];
    new MockAdapter(other).onAny().reply((c) => {
      seen.push(c.headers?.Authorization);
      return [200];
    });
    await other.request({ ...config, adapter: undefined });
    await other.request(config); // its adapter is still the one the library wrapped
    expect(seen).toEqual([undefined, undefined]);
  });

  test('the response and error a caller gets hold the config without the token', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-1' });
    const response = await api.instance.get('/a');
    expect(response.config.headers.Authorization).toBeUndefined();
    expect((await refusedConfig(api)).headers.Authorization).toBeUndefined();
  });

  test("the caller's own header of the same name is left alone", async () => {
    const api = mockApi();
    api.routes['/open'] = () => [200, {}];
    const response = await api.instance.get('/open', { headers: { Authorization: 'Basic abc' } });
    expect(api.sent.at(-1)).toEqual({ url: '/open', auth: 'Basic abc' });
    expect(response.config.headers.Authorization).toBe('Basic abc');
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
