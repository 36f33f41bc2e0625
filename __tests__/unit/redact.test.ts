import { inspect } from 'node:util';
import { redact } from '../../src/redact';
import { mockApi } from '../helpers/mockApi';

const leaks = (error: unknown, secrets: string[]) => {
  const printed = JSON.stringify(error) + inspect(error);
  return secrets.filter((secret) => printed.includes(secret));
};

test('a failed refresh: neither token appears in the error or its cause chain, however it is printed', async () => {
  let printedAtFailure = '';
  const api = mockApi({ onAuthFailure: (failure) => (printedAtFailure = JSON.stringify(failure) + inspect(failure)) });
  await api.auth.setTokens({ accessToken: 'at-secret-0', refreshToken: 'rt-secret-0' });
  api.routes['/auth/refresh'] = (config) => [503, { echo: config.data }];
  api.refresh.mockImplementation(async (tokens) => (await api.instance.post('/auth/refresh', { refreshToken: tokens?.refreshToken }, { skipAuth: true })).data);
  const error = await api.instance.get('/a').catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'ERR_REFRESH_FAILED' });
  expect(leaks(error, ['at-secret-0', 'rt-secret-0'])).toEqual([]);
  expect(printedAtFailure).toContain('ERR_REFRESH_FAILED'); // what an app logging in onAuthFailure sees
  expect(leaks(printedAtFailure, ['at-secret-0', 'rt-secret-0'])).toEqual([]);
});

test.each([
  ['a 401 after the replay', () => [401, {}]],
  ['a 500', () => [500, { error: 'boom' }]],
])('%s passing through carries no token, and its config can still be sent again', async (_, reply) => {
  const api = mockApi();
  await api.auth.setTokens({ accessToken: 'at-secret-0', refreshToken: 'rt-secret-0' });
  api.refresh.mockResolvedValue({ accessToken: 'at-secret-1' });
  api.routes['/a'] = reply as never;
  const error = (await api.instance.get('/a').catch((e: unknown) => e)) as { config: object };
  expect(leaks(error, ['at-secret-0', 'at-secret-1', 'rt-secret-0'])).toEqual([]);
  delete api.routes['/a'];
  api.valid = 'at-secret-1';
  await expect(api.instance.request(error.config)).resolves.toMatchObject({ status: 200 });
  expect(api.sent.at(-1)).toEqual({ url: '/a', auth: 'Bearer at-secret-1' });
});

test('redact masks secrets in nested data and in a cause that is a plain string', () => {
  const error = new Error('refresh failed', { cause: 'server said: token abc is revoked' });
  Object.assign(error, { config: { data: '{"refreshToken":"abc"}', params: { list: ['abc'] } } });
  redact(error, ['abc', undefined]);
  expect(leaks(error, ['abc'])).toEqual([]);
  expect(error.cause).toBe('server said: token [redacted] is revoked');
});

test("redact masks a secret in an error's message and stack, down the cause chain", () => {
  const error = new Error('refresh failed', { cause: new Error('refresh token abc was revoked') });
  redact(error, ['abc']);
  expect(leaks(error, ['abc'])).toEqual([]);
  expect((error.cause as Error).message).toBe('refresh token [redacted] was revoked');
});

test('redact leaves a plain `request` field in response data enumerable', () => {
  const data = { request: 'a user field' };
  redact({ response: { data } }, ['abc']);
  expect(Object.keys(data)).toEqual(['request']);
});
