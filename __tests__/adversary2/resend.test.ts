import axios, { AxiosError, type AxiosAdapter, type AxiosResponse } from 'axios';
import { createAuthInterceptor, type AuthTokens } from '../../src';

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
