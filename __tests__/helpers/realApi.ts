import axios from 'axios';
import { createAuthInterceptor, type AuthInterceptorOptions, type AuthTokens, type RefreshContext } from '../../src';
import { startTokenServer, type TokenServer, type TokenServerOptions } from '../../examples/server';

/**
 * The real axios http adapter against a real token server on 127.0.0.1, signed in. Its refresh
 * goes through the same instance with `skipAuth`, as the README recommends.
 */
export async function realApi(options: Partial<AuthInterceptorOptions> = {}, { signIn = true, server: serverOptions = {} as TokenServerOptions } = {}) {
  const server: TokenServer = await startTokenServer(serverOptions);
  const instance = axios.create({ baseURL: server.url, adapter: 'http' });
  const refresh = jest.fn(async (tokens: AuthTokens | null, { signal }: RefreshContext): Promise<AuthTokens> => {
    const { data } = await instance.post('/auth/refresh', { refreshToken: tokens?.refreshToken }, { skipAuth: true, signal });
    return data;
  });
  const auth = createAuthInterceptor(instance, { refresh, ...options });
  if (signIn) await auth.setTokens(server.signIn());
  /** Calls the API saw, without the refresh traffic. */
  const apiLog = () => server.log.filter((entry) => entry.path.startsWith('/api/'));
  /** 401s the API answered. */
  const unauthorized = () => apiLog().filter((entry) => entry.status === 401).length;
  return { server, instance, auth, refresh, apiLog, unauthorized };
}
