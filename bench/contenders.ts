// Each contender wired the way its own README shows, against the token server's routes.
import axios, { type AxiosInstance, type InternalAxiosRequestConfig } from 'axios';
import { createAuthRefresh } from 'axios-auth-refresh';
import { applyAuthTokenInterceptor, setAuthTokens, type StorageType } from 'axios-jwt';
import { createAuthInterceptor } from '../src';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export interface Contender {
  name: string;
  /** Attaches the contender to `instance`; `refreshUrl` answers `{ accessToken, refreshToken }`. */
  attach(instance: AxiosInstance, refreshUrl: string): Promise<(tokens: Tokens) => Promise<void>>;
}

const refreshWith = (refreshUrl: string, refreshToken?: string) => axios.post<Tokens>(refreshUrl, { refreshToken }).then((r) => r.data);

export const contenders: Contender[] = [
  {
    name: 'axios (no auth)',
    async attach() {
      return async () => {};
    },
  },
  {
    name: 'axios-auth-interceptor',
    async attach(instance, refreshUrl) {
      const auth = createAuthInterceptor(instance, { refresh: (tokens) => refreshWith(refreshUrl, tokens?.refreshToken) });
      return (tokens) => auth.setTokens(tokens);
    },
  },
  {
    name: 'axios-auth-refresh',
    async attach(instance, refreshUrl) {
      let tokens: Tokens | undefined;
      instance.interceptors.request.use((request: InternalAxiosRequestConfig) => {
        if (tokens) request.headers.Authorization = `Bearer ${tokens.accessToken}`;
        return request;
      });
      createAuthRefresh(instance, async (failedRequest: { response: { config: InternalAxiosRequestConfig } }) => {
        tokens = await refreshWith(refreshUrl, tokens?.refreshToken);
        failedRequest.response.config.headers.Authorization = `Bearer ${tokens.accessToken}`;
      });
      return async (next) => {
        tokens = next;
      };
    },
  },
  {
    name: 'axios-jwt',
    async attach(instance, refreshUrl) {
      const items = new Map<string, string>();
      const storage: StorageType = {
        get: async (key) => items.get(key) ?? null,
        set: async (key, value) => void items.set(key, value),
        remove: async (key) => void items.delete(key),
      };
      applyAuthTokenInterceptor(instance, { requestRefresh: (refreshToken) => refreshWith(refreshUrl, refreshToken), getStorage: () => storage });
      return (tokens) => setAuthTokens(tokens);
    },
  },
  {
    name: 'hand-written',
    // The blog-post pattern: a response interceptor that refreshes inside each failing call.
    async attach(instance, refreshUrl) {
      let tokens: Tokens | undefined;
      instance.interceptors.request.use((request) => {
        if (tokens) request.headers.Authorization = `Bearer ${tokens.accessToken}`;
        return request;
      });
      instance.interceptors.response.use(undefined, async (error) => {
        const original = error.config as InternalAxiosRequestConfig & { _retry?: boolean };
        if (error.response?.status !== 401 || original._retry) throw error;
        original._retry = true;
        tokens = await refreshWith(refreshUrl, tokens?.refreshToken);
        return instance(original);
      });
      return async (next) => {
        tokens = next;
      };
    },
  },
];
