import axios from 'axios';
import { createAuthInterceptor } from '../../src';
import { flush } from '../helpers/deferred';
import { mockApi } from '../helpers/mockApi';

// mockApi's instance has baseURL https://api.test
describe('which URLs get the token', () => {
  test('relative URLs and absolute URLs on the baseURL origin do', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-1' });
    await api.instance.get('/a');
    await api.instance.get('https://api.test/b');
    expect(api.sent.map((s) => s.auth)).toEqual(['Bearer at-1', 'Bearer at-1']);
  });

  test.each(['https://evil.test/x', 'http://api.test/x', 'https://api.test:8443/x', 'https://sub.api.test/x', '//evil.test/x'])(
    '%s gets no token, and its 401 starts no refresh',
    async (url) => {
      const api = mockApi();
      await api.auth.setTokens({ accessToken: 'at-1' });
      await expect(api.instance.get(url)).rejects.toMatchObject({ response: { status: 401 } });
      expect(api.sent).toEqual([{ url, auth: undefined }]);
      expect(api.refresh).not.toHaveBeenCalled();
    },
  );

  test('a call to another origin never waits for a refresh', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-0' });
    const gate = api.hold();
    const waiting = api.instance.get('/a');
    await flush();
    api.routes['https://cdn.test/logo'] = () => [200, 'png'];
    await expect(api.instance.get('https://cdn.test/logo')).resolves.toMatchObject({ data: 'png' });
    gate.resolve();
    await waiting;
  });

  test.each([
    ['an origin string', ['https://files.test']],
    ['a RegExp', [/^https:\/\/[a-z]+\.files\.test$/]],
    ['a function', (url: URL) => url.hostname.endsWith('files.test')],
  ])('allowedOrigins widens it with %s', async (_, allowedOrigins) => {
    const api = mockApi({ allowedOrigins: allowedOrigins as never });
    await api.auth.setTokens({ accessToken: 'at-1' });
    const url = Array.isArray(allowedOrigins) && typeof allowedOrigins[0] === 'string' ? 'https://files.test/f' : 'https://eu.files.test/f';
    await api.instance.get(url);
    await expect(api.instance.get('https://other.test/f')).rejects.toMatchObject({ response: { status: 401 } });
    expect(api.sent.map((s) => s.auth)).toEqual(['Bearer at-1', undefined]);
  });

  test('without a baseURL only relative URLs get the token (in Node there is no page origin)', async () => {
    const instance = axios.create();
    const seen: unknown[] = [];
    instance.defaults.adapter = async (config) => (seen.push(config.headers.Authorization), { data: null, status: 200, statusText: '', headers: {}, config });
    const auth = createAuthInterceptor(instance, { refresh: jest.fn() });
    await auth.setTokens({ accessToken: 't' });
    await instance.get('/relative');
    await instance.get('https://anywhere.test/');
    expect(seen).toEqual(['Bearer t', undefined]);
  });

  test('allowedOrigins is validated', () => {
    expect(() => createAuthInterceptor(axios.create(), { refresh: jest.fn(), allowedOrigins: ['files.test'] })).toThrow(
      'Expected `allowedOrigins` to be an array of origins (like "https://api.example.com") and RegExps, or a function, got ["files.test"]',
    );
  });
});

test('an insufficient_scope refusal surfaces the required scope on the error', async () => {
  const api = mockApi();
  await api.auth.setTokens({ accessToken: 'at-1' });
  api.routes['/admin'] = () => [403, {}, { 'www-authenticate': 'Bearer realm="x", error="insufficient_scope", scope="admin write"' }];
  await expect(api.instance.get('/admin')).rejects.toMatchObject({ response: { status: 403 }, requiredScope: 'admin write' });
  api.routes['/plain403'] = () => [403, {}];
  const error = await api.instance.get('/plain403').catch((e: unknown) => e);
  expect(error).not.toHaveProperty('requiredScope');
});
