import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor, type TokenStorage } from '../../src';
import { settle } from '../helpers/deferred';

afterEach(() => jest.useRealTimers());

test('a call does not hang when storage never answers: it settles within refreshTimeout', async () => {
  jest.useFakeTimers();
  const instance = axios.create({ baseURL: 'https://api.test' });
  new MockAdapter(instance).onAny().reply(200, {});
  const storage: TokenStorage = { get: () => new Promise(() => {}), set: () => {}, clear: () => {} };
  createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'at-0123456789abcdef' }), storage, refreshTimeout: 1_000 });

  let outcome: Awaited<ReturnType<typeof settle>> | undefined;
  void settle(instance.get('/me')).then((result) => (outcome = result));
  await jest.advanceTimersByTimeAsync(60_000);

  expect(outcome).toBeDefined();
});
