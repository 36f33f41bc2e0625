import { inspect } from 'node:util';
import fc from 'fast-check';
import { AuthError, isAuthError } from '../../src/errors';
import { redact } from '../../src/redact';
import { leaks } from '../helpers/leaks';
import { mockApi } from '../helpers/mockApi';

// Long enough to be masked anywhere, and holding what form encoding rewrites.
const AT = 'at/Q+x=9_k-2 p~Z';
const RT = 'rt+W/y=7.m!L(0)';

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
  const error = new Error('refresh failed', { cause: 'server said: token abcdefgh is revoked' });
  Object.assign(error, { config: { data: '{"refreshToken":"abcdefgh"}', params: { list: ['abcdefgh'] } } });
  const clean = redact(error, ['abcdefgh', undefined]);
  expect(leaks(clean, ['abcdefgh'])).toEqual([]);
  expect(clean.cause).toBe('server said: token [redacted] is revoked');
});

test('a token percent-encoded in a form body, a query string or URLSearchParams is masked in every spelling', () => {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: RT }).toString();
  const error = Object.assign(new Error('refresh failed', { cause: `the server echoed ${encodeURIComponent(RT).toLowerCase()}` }), {
    config: {
      url: `/token?access_token=${encodeURIComponent(AT)}`,
      data: form,
      params: new URLSearchParams({ hint: AT }),
      headers: { 'x-echo': `token=${encodeURIComponent(AT).replace(/%20/g, '+')}` },
    },
  });
  const clean = redact(error, [AT, RT]);
  expect(leaks(clean, [AT, RT])).toEqual([]);
  expect((clean as unknown as { config: { data: string } }).config.data).toBe('grant_type=refresh_token&refresh_token=[redacted]');
});

test.each([0, 1, 2])('a token inside base64 and base64url text is masked at alignment %i', (offset) => {
  const body = `${'x'.repeat(offset)}{"refresh_token":"${RT}"}`;
  const response = {
    data: { echo: Buffer.from(body).toString('base64'), url: Buffer.from(body).toString('base64url') },
    headers: { authorization: `Basic ${Buffer.from(`client:${AT}`).toString('base64')}` },
  };
  const clean = redact(response, [AT, RT]);
  expect(leaks(clean, [AT, RT])).toEqual([]);
});

test('AggregateError.errors, Map and Set keys and values, and object keys are walked', () => {
  const data = {
    byToken: { [AT]: 'session' },
    seen: new Map<unknown, unknown>([[AT, 'user 1'], ['user 2', { refreshToken: RT }]]),
    tokens: new Set([RT, 'other']),
  };
  const error = new AggregateError([new Error(`storage said ${RT}`), 'thrown ' + AT], 'two failures', { cause: data });
  const clean = redact(error, [AT, RT]);
  expect(leaks(clean, [AT, RT])).toEqual([]);
  expect([...data.seen.values()]).toEqual(['user 1', { refreshToken: '[redacted]' }]);
  expect([...data.tokens]).toEqual(['[redacted]', 'other']);
});

test('a frozen AuthError comes back as a clean AuthError with the same code, the original untouched', () => {
  const original = Object.freeze(new AuthError('ERR_STORAGE', `storage failed for ${AT}`, { cause: Object.freeze(new Error(`revoked: ${RT}`)) }));
  const clean = redact(original, [AT, RT]);
  expect(clean).toBeInstanceOf(AuthError);
  expect(isAuthError(clean)).toBe(true);
  expect(clean).toMatchObject({ name: 'AuthError', code: 'ERR_STORAGE', message: 'storage failed for [redacted]' });
  expect(clean.cause).toBeInstanceOf(Error);
  expect(leaks(clean, [AT, RT])).toEqual([]);
  expect(original.message).toContain(AT);
});

test('sealed errors and read-only or getter-only fields do not make redaction throw', () => {
  const sealed = Object.seal(Object.assign(new Error(`sealed ${AT}`), { detail: `detail ${RT}` }));
  const readOnly = new Error('read-only');
  Object.defineProperty(readOnly, 'detail', { value: `token ${AT}`, enumerable: true, writable: false, configurable: false });
  Object.defineProperty(readOnly, 'hint', { get: () => `token ${RT}`, enumerable: true });
  const error = new AuthError('ERR_REFRESH_FAILED', 'refresh() failed', { cause: new AggregateError([sealed, readOnly]) });
  const clean = redact(error, [AT, RT]);
  expect(clean).toMatchObject({ code: 'ERR_REFRESH_FAILED' });
  expect(leaks(clean, [AT, RT])).toEqual([]);
});

test('a frozen response keeps its request out of print, and its data clean', () => {
  const request = { _header: `GET / HTTP/1.1\r\nAuthorization: Bearer ${AT}\r\n` };
  const response = Object.freeze({ status: 500, data: { echo: AT }, config: {}, request: Object.setPrototypeOf(request, class ClientRequest {}.prototype) });
  const error = Object.assign(new Error('Request failed with status code 500'), { config: {}, request, response });
  const clean = redact(error, [AT]) as typeof error;
  expect(leaks(clean, [AT])).toEqual([]);
  expect(Object.keys(clean)).not.toContain('request');
  expect(Object.keys(clean.response)).not.toContain('request');
  expect(clean.response.request).toBe(request); // still there for code that asks
});

test('values that cannot even be read do not make redaction throw', () => {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  const hostile = new Proxy({}, { ownKeys: () => { throw new Error(`trap ${AT}`); } });
  const error = new AuthError('ERR_STORAGE', 'Token storage failed', { cause: [proxy, hostile] });
  const clean = redact(error, [AT]);
  expect(clean).toMatchObject({ code: 'ERR_STORAGE', cause: ['[redacted]', '[redacted]'] });
  expect(() => redact(proxy, [AT])).not.toThrow();
});

describe('short tokens', () => {
  const error = () =>
    new AuthError('ERR_REFRESH_FAILED', 'refresh() failed', {
      cause: Object.assign(new Error('Request failed'), {
        config: { headers: { Authorization: 'Bearer tok' }, data: 'grant_type=refresh_token&refresh_token=r' },
        response: { data: { data: 'stock', note: 'reorder' } },
      }),
    });

  test("an error's name, its code and words that merely contain a token are left as they are", () => {
    const clean = redact(error(), ['tok', 'r']);
    expect(clean).toMatchObject({ name: 'AuthError', code: 'ERR_REFRESH_FAILED', message: 'refresh() failed' });
    expect(clean.cause).toMatchObject({ message: 'Request failed', response: { data: { data: 'stock', note: 'reorder' } } });
  });

  test('a token that stands alone, as a header value or a form field, is masked', () => {
    const clean = redact(error(), ['tok', 'r']);
    expect(clean.cause).toMatchObject({ config: { headers: { Authorization: 'Bearer [redacted]' }, data: 'grant_type=refresh_token&refresh_token=[redacted]' } });
  });
});

const tokenChar = fc.constantFrom(...'ABCxyz0189-._~+/= !()*'.split(''));

test('property: a token of 8 or more characters leaves no trace in any spelling, wherever it is put', () => {
  fc.assert(
    fc.property(fc.string({ unit: tokenChar, minLength: 8, maxLength: 40 }), fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), (secret, before, after) => {
      const text = `${before}${secret}${after}`;
      const error = new AuthError('ERR_REFRESH_FAILED', text, {
        cause: Object.freeze(
          Object.assign(new Error(encodeURIComponent(text)), {
            config: { data: new URLSearchParams({ text }).toString(), params: new URLSearchParams({ text }), headers: { x: Buffer.from(text).toString('base64') } },
            response: { data: { echo: Buffer.from(text).toString('base64url') } },
          }),
        ),
      });
      const clean = redact(error, [secret]);
      expect(isAuthError(clean)).toBe(true);
      expect(leaks(clean, [secret])).toEqual([]);
    }),
  );
});

test('property: a short token inside a longer word never changes it', () => {
  const alnum = fc.string({ unit: fc.constantFrom(...'abcXYZ019'.split('')), minLength: 1, maxLength: 6 });
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom(...'abcXYZ019'.split('')), minLength: 1, maxLength: 7 }), alnum, alnum, (secret, before, after) => {
      const words = () => ({ data: `${before}${secret}${after}`, list: [`${before}${secret}`, `${secret}${after}`] });
      expect(redact({ response: { data: words() } }, [secret])).toEqual({ response: { data: words() } });
    }),
  );
});
