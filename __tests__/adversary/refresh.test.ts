import { AxiosError, type AxiosResponse } from 'axios';
import { isAuthError, type AuthTokens } from '../../src';
import { deferred, settle } from '../helpers/deferred';
import { mockApi } from '../helpers/mockApi';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

const refused = () => new AxiosError('invalid_grant', 'ERR_BAD_REQUEST', undefined, undefined, { status: 400, data: { error: 'invalid_grant' } } as AxiosResponse);

test('an async refresh that awaits something, then calls its own instance without skipAuth, fails at once naming skipAuth (not after refreshTimeout)', async () => {
  const api = mockApi({ refreshTimeout: 30_000 });
  api.routes['/auth/refresh'] = () => [200, { accessToken: 'at-2' }];
  api.refresh.mockImplementation(async (tokens) => {
    await Promise.resolve(tokens); // e.g. reading a device id or the refresh token first
    return (await api.instance.post('/auth/refresh')).data;
  });
  await api.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });

  const outcome = settle(api.auth.refresh());
  await jest.advanceTimersByTimeAsync(29_999);

  const result = await Promise.race([outcome, Promise.resolve('still waiting' as const)]);
  expect(result).toMatchObject({ ok: false, error: { code: 'ERR_REFRESH_FAILED', message: expect.stringContaining('skipAuth') } });
});

test("a late success is kept when the only thing since was a newer refresh's refusal of the refresh token the late one had already spent", async () => {
  const api = mockApi({ refreshTimeout: 1_000 });
  const outcomes: Array<ReturnType<typeof deferred<AuthTokens>>> = [];
  api.refresh.mockImplementation(() => {
    const outcome = deferred<AuthTokens>();
    outcomes.push(outcome);
    return outcome.promise;
  });
  await api.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });
  const first = settle(api.auth.refresh()); // the server receives rt-1 and rotates it; its answer is slow
  await jest.advanceTimersByTimeAsync(1_000);
  expect(await first).toMatchObject({ ok: false, error: { code: 'ERR_REFRESH_TIMEOUT' } });

  const second = settle(api.auth.refresh()); // sends rt-1 again: already spent
  await jest.advanceTimersByTimeAsync(0);
  outcomes[1]!.reject(refused());
  expect(await second).toMatchObject({ ok: false });
  outcomes[0]!.resolve({ accessToken: 'at-2', refreshToken: 'rt-2' }); // the only live refresh token
  await jest.advanceTimersByTimeAsync(0);

  expect(await api.auth.getTokens()).toMatchObject({ accessToken: 'at-2', refreshToken: 'rt-2' });
  expect(isAuthError((await second as { error: unknown }).error)).toBe(true);
});
