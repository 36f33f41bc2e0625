import axios, { AxiosError, type AxiosResponse } from 'axios';
import { createAuthInterceptor, type AuthTokens, type RefreshContext, type RefreshFunction } from '../../src';
import { mockApi } from '../helpers/mockApi';

describe('refreshWithoutTokens', () => {
  test('a refresh function that says so makes an empty session fetch tokens first: one refresh for a burst, no bare call', async () => {
    const api = mockApi();
    api.auth.eject();
    const refresh = Object.assign(
      jest.fn(async (_tokens: AuthTokens | null, _context: RefreshContext): Promise<AuthTokens> => ({ accessToken: (api.valid = 'at-cc'), expiresIn: 300 })),
      { refreshWithoutTokens: true },
    ) satisfies RefreshFunction;
    createAuthInterceptor(api.instance, { refresh });
    await Promise.all(Array.from({ length: 5 }, (_, i) => api.instance.get(`/c/${i}`)));
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(refresh.mock.calls[0]![1]).toMatchObject({ reason: 'missing' });
    expect(api.sent.every((s) => s.auth === 'Bearer at-cc')).toBe(true);
    expect(api.unauthorized).toBe(0);
  });

  test('the option does the same for a refresh token in a cookie after a reload', async () => {
    const api = mockApi({ refreshWithoutTokens: true });
    await expect(api.instance.get('/me')).resolves.toMatchObject({ status: 200 });
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(api.unauthorized).toBe(0);
  });

  test('without it, an empty session sends the call bare, as before', async () => {
    const api = mockApi();
    api.routes['/public'] = () => [200, {}];
    await api.instance.get('/public');
    expect(api.refresh).not.toHaveBeenCalled();
    expect(api.sent).toEqual([{ url: '/public', auth: undefined }]);
  });

  test('once the auth server refused, calls reject with ERR_SESSION_EXPIRED without another refresh, until tokens are set', async () => {
    const api = mockApi({ refreshWithoutTokens: true });
    api.refresh.mockRejectedValueOnce(new AxiosError('refused', 'ERR_BAD_REQUEST', undefined, undefined, { status: 401, data: {} } as AxiosResponse));
    await expect(api.instance.get('/a')).rejects.toMatchObject({ code: 'ERR_SESSION_EXPIRED' });
    await expect(api.instance.get('/b')).rejects.toMatchObject({ code: 'ERR_SESSION_EXPIRED', config: { url: '/b' } });
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(api.sent).toEqual([]);
    await api.auth.setTokens({ accessToken: (api.valid = 'at-again') });
    await expect(api.instance.get('/c')).resolves.toMatchObject({ status: 200 });
  });

  test('must be a boolean', () => {
    expect(() => createAuthInterceptor(axios.create(), { refresh: jest.fn(), refreshWithoutTokens: 'yes' as never })).toThrow('Expected `refreshWithoutTokens` to be a boolean, got "yes"');
  });
});
