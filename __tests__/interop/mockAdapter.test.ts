import axios, { type AxiosRequestConfig } from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor, type AuthTokens } from '../../src';

// MockAdapter replaces `instance.defaults.adapter`; our interceptor reads the adapter per call,
// so which of the two comes first must not matter.

type Order = 'MockAdapter before createAuthInterceptor' | 'MockAdapter after createAuthInterceptor';

function mocked(order: Order) {
  const api = axios.create({ baseURL: 'https://api.test' });
  let valid = 'at-1';
  let issued = 1;
  const seen: unknown[] = [];
  const refresh = jest.fn(async (): Promise<AuthTokens> => {
    valid = `at-${++issued}`;
    return { accessToken: valid, refreshToken: `rt-${issued}` };
  });
  const answer = (config: AxiosRequestConfig): [number, unknown] => {
    seen.push(config.headers?.Authorization);
    return config.headers?.Authorization === `Bearer ${valid}` ? [200, { url: config.url }] : [401, { error: 'invalid_token' }];
  };
  const early = order === 'MockAdapter before createAuthInterceptor' ? new MockAdapter(api) : undefined;
  const auth = createAuthInterceptor(api, { refresh });
  const mock = early ?? new MockAdapter(api);
  mock.onAny().reply(answer);
  return { api, auth, refresh, seen, expire: () => (valid = 'none') };
}

describe.each<Order>(['MockAdapter before createAuthInterceptor', 'MockAdapter after createAuthInterceptor'])('axios-mock-adapter, %s', (order) => {
  test('a call carries the token', async () => {
    const { api, auth, seen } = mocked(order);
    await auth.setTokens({ accessToken: 'at-1' });
    await expect(api.get('/me')).resolves.toMatchObject({ status: 200 });
    expect(seen).toEqual(['Bearer at-1']);
  });

  test('ten 401s cost one refresh, and every call is replayed with the new token', async () => {
    const { api, auth, refresh, seen, expire } = mocked(order);
    await auth.setTokens({ accessToken: 'at-1' });
    expire();
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => api.get(`/items/${i}`)));
    expect(responses.map((r) => r.data.url)).toEqual(Array.from({ length: 10 }, (_, i) => `/items/${i}`));
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(seen.filter((header) => header === 'Bearer at-2')).toHaveLength(10);
  });
});
