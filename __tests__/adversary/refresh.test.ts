import { AxiosError, type AxiosResponse } from 'axios';
import type { AuthTokens } from '../../src';
import { settle } from '../helpers/deferred';
import { heldRefreshes, mockApi } from '../helpers/mockApi';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

const refused = () => new AxiosError('invalid_grant', 'ERR_BAD_REQUEST', undefined, undefined, { status: 400, data: { error: 'invalid_grant' } } as AxiosResponse);

// A call made after refresh's first await cannot be told from any other call in a browser (no
// async context there): it waits, and the timeout's message names skipAuth. README says so.
test('an async refresh that awaits something, then calls its own instance without skipAuth, fails by refreshTimeout with a message naming skipAuth', async () => {
  const api = mockApi({ refreshTimeout: 30_000 });
  api.routes['/auth/refresh'] = () => [200, { accessToken: 'at-2' }];
  api.refresh.mockImplementation(async (tokens) => {
    await Promise.resolve(tokens); // e.g. reading a device id or the refresh token first
    return (await api.instance.post('/auth/refresh')).data;
  });
  await api.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });

  const outcome = settle(api.auth.refresh());
  await jest.advanceTimersByTimeAsync(30_000);

  const result = await Promise.race([outcome, Promise.resolve('still waiting' as const)]);
  expect(result).toMatchObject({ ok: false, error: { code: 'ERR_REFRESH_TIMEOUT', message: expect.stringContaining('skipAuth: true') } });
});

test("a refusal of the refresh token that a timed-out refresh already spent waits for that refresh's late answer, and the session lives on with the rotated token", async () => {
  const onAuthFailure = jest.fn();
  const api = mockApi({ refreshTimeout: 1_000, onAuthFailure });
  const outcomes = heldRefreshes(api);
  await api.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });
  const first = settle(api.auth.refresh()); // the server receives rt-1 and rotates it; its answer is slow
  await jest.advanceTimersByTimeAsync(1_000);
  expect(await first).toMatchObject({ ok: false, error: { code: 'ERR_REFRESH_TIMEOUT' } });
  onAuthFailure.mockClear();

  const second = settle(api.auth.refresh()); // sends rt-1 again: already spent
  await jest.advanceTimersByTimeAsync(0);
  outcomes[1]!.reject(refused());
  await jest.advanceTimersByTimeAsync(0);
  outcomes[0]!.resolve({ accessToken: 'at-2', refreshToken: 'rt-2' }); // the only live refresh token
  await jest.advanceTimersByTimeAsync(0);

  expect(await second).toMatchObject({ ok: true, value: { accessToken: 'at-2' } });
  expect(await api.auth.getTokens()).toMatchObject({ accessToken: 'at-2', refreshToken: 'rt-2' });
  expect(onAuthFailure).not.toHaveBeenCalled();
});

test('that wait is bounded: when the late answer never comes, the refusal ends the session after refreshTimeout', async () => {
  const api = mockApi({ refreshTimeout: 1_000 });
  api.refresh.mockImplementationOnce(() => new Promise<AuthTokens>(() => {}));
  await api.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });
  const first = settle(api.auth.refresh());
  await jest.advanceTimersByTimeAsync(1_000);
  await first;
  api.refresh.mockRejectedValueOnce(refused());
  const second = settle(api.auth.refresh());
  await jest.advanceTimersByTimeAsync(1_000);
  expect(await second).toMatchObject({ ok: false });
  await jest.advanceTimersByTimeAsync(1_000);
  expect(await api.auth.getTokens()).toBeNull();
});
