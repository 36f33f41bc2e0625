import { normalizeTokens } from '../../src/tokens';

describe('normalizeTokens', () => {
  test('keeps the known fields and turns expiresIn into expiresAt', () => {
    expect(normalizeTokens({ accessToken: 'a', refreshToken: 'r', expiresIn: 30, extra: 1 }, null, 1_000)).toEqual({
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: 31_000,
    });
  });

  test('takes the previous refresh token when none is returned', () => {
    expect(normalizeTokens({ accessToken: 'b' }, { accessToken: 'a', refreshToken: 'r' }, 0)).toEqual({ accessToken: 'b', refreshToken: 'r' });
  });

  test.each([
    [{ accessToken: 'a', refreshToken: '' }, '`refreshToken` a non-empty string or absent'],
    [{ accessToken: 'a', expiresAt: 'soon' }, '`expiresAt` a finite number of epoch milliseconds or absent'],
    [{ accessToken: 'a', expiresIn: NaN }, '`expiresIn` a finite number of seconds or absent'],
  ])('refuses %p and never shows a token value', (value, what) => {
    expect(() => normalizeTokens(value, null, 0)).toThrow(`Expected tokens with ${what}`);
  });
});
