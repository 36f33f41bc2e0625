import { AuthError, isAuthError } from '../../src';

test('AuthError carries a name, a stable code and its cause', () => {
  const cause = new Error('network down');
  const error = new AuthError('ERR_REFRESH_FAILED', 'refresh() failed', { cause });
  expect(error).toBeInstanceOf(Error);
  expect(error).toMatchObject({ name: 'AuthError', code: 'ERR_REFRESH_FAILED', message: 'refresh() failed', cause });
  expect('cause' in new AuthError('ERR_REFRESH_TIMEOUT', 'x')).toBe(false);
});

test('isAuthError recognises an AuthError from another copy of the library', () => {
  let Other!: typeof AuthError;
  jest.isolateModules(() => {
    Other = (jest.requireActual('../../src/errors') as typeof import('../../src/errors')).AuthError;
  });
  const foreign = new Other('ERR_STORAGE', 'x');
  expect(foreign).not.toBeInstanceOf(AuthError);
  expect(isAuthError(foreign)).toBe(true);
});

test('isAuthError is false for look-alikes and non-objects', () => {
  expect(isAuthError(Object.assign(new Error('x'), { name: 'AuthError', code: 'ERR_REFRESH_FAILED' }))).toBe(false);
  for (const value of [null, undefined, 'AuthError', 1]) expect(isAuthError(value)).toBe(false);
});
