import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor, type AuthEvent, type AuthInterceptorOptions } from '../../src';

/** An instance as `axios.create()` gives it in Node: no baseURL, and no page to lend an origin. */
function homeless(options: Partial<AuthInterceptorOptions> = {}, instanceOptions = {}) {
  const instance = axios.create(instanceOptions);
  new MockAdapter(instance).onAny().reply(200, {});
  const auth = createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'at-2' }), ...options });
  return { instance, auth };
}

const TOKEN = 'tok-Secret-1234567';

test('an instance without a baseURL that withholds its token says so once, with the fix, to onEvent', async () => {
  const events: AuthEvent[] = [];
  const { instance, auth } = homeless({ onEvent: (event) => events.push(event) });
  await auth.setTokens({ accessToken: TOKEN });
  await instance.get('https://api.example.com/a');
  await instance.get('https://api.example.com/b');
  const problems = events.filter((event) => event.type === 'setup-problem');
  expect(problems).toEqual([{ type: 'setup-problem', problem: expect.stringMatching(/https:\/\/api\.example\.com.*baseURL.*allowedOrigins/) }]);
  expect(JSON.stringify(events)).not.toContain(TOKEN);
});

test('without onEvent, the same problem is one console warning', async () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
  const { instance, auth } = homeless();
  await auth.setTokens({ accessToken: TOKEN });
  await instance.get('https://api.example.com/a');
  await instance.get('https://other.example.com/b');
  expect(warn).toHaveBeenCalledTimes(1);
  expect(warn.mock.calls[0]![0]).toMatch(/withheld from https:\/\/api\.example\.com.*baseURL.*allowedOrigins/);
  expect(String(warn.mock.calls[0]![0])).not.toContain(TOKEN);
});

test('an instance with a baseURL, or one not signed in, has no such problem', async () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
  const withBase = homeless({}, { baseURL: 'https://api.example.com' });
  await withBase.auth.setTokens({ accessToken: TOKEN });
  await withBase.instance.get('https://elsewhere.example.com/a');
  const signedOut = homeless();
  await signedOut.instance.get('https://api.example.com/a');
  expect(warn).not.toHaveBeenCalled();
});
