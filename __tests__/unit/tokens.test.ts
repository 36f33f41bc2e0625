import { normalizeTokens } from '../../src/tokens';
import { jwt } from '../helpers/fakes';

describe('normalizeTokens', () => {
  test('keeps the known fields and turns expiresIn into expiresAt', () => {
    expect(normalizeTokens({ accessToken: 'a', refreshToken: 'r', expiresIn: 30, tokenType: 'Bearer', scope: 'read', extra: 1 }, null, 1_000)).toEqual({
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: 31_000,
      tokenType: 'Bearer',
      scope: 'read',
    });
  });

  test('takes the previous refresh token when none is returned', () => {
    expect(normalizeTokens({ accessToken: 'b' }, { accessToken: 'a', refreshToken: 'r' }, 0)).toEqual({ accessToken: 'b', refreshToken: 'r' });
  });

  test.each([
    [{ accessToken: 'a', refreshToken: '' }, '`refreshToken` a non-empty string or absent'],
    [{ accessToken: 'a', expiresAt: 'soon' }, '`expiresAt` a finite number of epoch milliseconds within the range of a Date, or absent'],
    [{ accessToken: 'a', expiresIn: NaN }, '`expiresIn` a finite number of seconds within the range of a Date, or absent'],
    [{ accessToken: 'a', expiresIn: 1e306 }, '`expiresIn` a finite number of seconds within the range of a Date, or absent'],
    [{ accessToken: 'a', expiresAt: 1e300 }, '`expiresAt` a finite number of epoch milliseconds within the range of a Date, or absent'],
    [{ accessToken: 'a', tokenType: 1 }, '`tokenType` a string or absent'],
  ])('refuses %p and never shows a token value', (value, what) => {
    expect(() => normalizeTokens(value, null, 0)).toThrow(`Expected tokens with ${what}`);
  });

  test('a JWT whose exp no Date can hold has no expiry rather than an infinite one', () => {
    const tokens = normalizeTokens({ accessToken: jwt({ iat: 1e306, exp: 1e306 }) }, null, 0);
    expect(tokens.expiresAt).toBeUndefined();
    expect(JSON.parse(JSON.stringify(tokens))).toEqual(tokens);
  });

  test.each([
    [{ access_token: 'secret-value-1', refresh_token: 'secret-value-2', expires_in: 60 }, '"access_token", "refresh_token", "expires_in"'],
    [{ data: { accessToken: 'secret-value-1' }, status: 200, headers: {} }, '"data", "status", "headers"'],
  ])('a result that is not mapped says which keys came back and how to map them, without values: %p', (value, keys) => {
    let message = '';
    try {
      normalizeTokens(value, null, 0);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(keys);
    expect(message).toContain('accessToken: data.access_token');
    expect(message).not.toContain('secret-value');
  });
});
