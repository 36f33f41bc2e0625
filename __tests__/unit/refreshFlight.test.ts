import { AxiosError, type AxiosResponse } from 'axios';
import { isAuthError, type AuthTokens } from '../../src';
import { flush, settle } from '../helpers/deferred';
import { fakeClock } from '../helpers/fakes';
import { heldRefreshes, mockApi } from '../helpers/mockApi';

const refused = () => new AxiosError('invalid_grant', 'ERR_BAD_REQUEST', undefined, undefined, { status: 400, data: { error: 'invalid_grant' } } as AxiosResponse);

describe('a refresh that calls its own instance without skipAuth', () => {
  /** The mistake every peer's tracker shows: the refresh call goes through the guarded instance bare. */
  function selfCalling(options = {}) {
    const api = mockApi(options);
    api.routes['/auth/refresh'] = () => [200, { accessToken: 'at-2' }];
    api.refresh.mockImplementation(async () => (await api.instance.post('/auth/refresh')).data);
    return api;
  }

  test('with a token about to expire, one call runs one refresh, which fails at once naming skipAuth', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const clock = fakeClock();
      const api = selfCalling();
      await api.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1', expiresIn: 60 });
      clock.advance(59_000);
      const result = await settle(api.instance.get('/a'));
      await flush();
      expect(api.refresh).toHaveBeenCalledTimes(1);
      expect(api.sent.filter((s) => s.url === '/auth/refresh')).toHaveLength(0);
      // The token still works, so the call goes out with it; the refresh's failure says why.
      expect(result).toMatchObject({ ok: true });
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  test('auth.refresh() rejects with ERR_REFRESH_FAILED whose message names skipAuth, and onAuthFailure hears it once', async () => {
    const onAuthFailure = jest.fn();
    const api = selfCalling({ onAuthFailure });
    await api.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });
    const error = await api.auth.refresh().catch((e: unknown) => e);
    expect(isAuthError(error) && error.code).toBe('ERR_REFRESH_FAILED');
    expect((error as Error).message).toContain('skipAuth: true');
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(onAuthFailure).toHaveBeenCalledTimes(1);
  });

  test('a refresh is recorded as running before refresh() is invoked', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });
    let joined: Promise<AuthTokens> | undefined;
    api.refresh.mockImplementationOnce(async () => {
      joined ??= api.auth.refresh(); // a manual refresh from inside joins, it does not start another
      return { accessToken: (api.valid = 'at-2') };
    });
    await expect(api.auth.refresh()).resolves.toMatchObject({ accessToken: 'at-2' });
    await expect(joined).resolves.toMatchObject({ accessToken: 'at-2' });
    expect(api.refresh).toHaveBeenCalledTimes(1);
  });

  describe('after its first await', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    // A call made after refresh's first await cannot be told from any other call in a browser
    // (no async context there): it waits, and the timeout's message names skipAuth, as
    // docs/recipes.md says.
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
  });
});

describe('outcomes that arrive after refreshTimeout', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** A session whose refreshes each wait for a deferred the test settles. */
  async function slowRefresh(options = {}) {
    const onAuthFailure = jest.fn();
    const api = mockApi({ refreshTimeout: 1_000, onAuthFailure, ...options });
    const outcomes = heldRefreshes(api);
    await api.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });
    const timedOut = settle(api.auth.refresh());
    await jest.advanceTimersByTimeAsync(1_000);
    expect(await timedOut).toMatchObject({ ok: false, error: { code: 'ERR_REFRESH_TIMEOUT' } });
    return { api, outcomes, onAuthFailure };
  }

  test('a late success is kept: its rotated refresh token is the only one left', async () => {
    const { api, outcomes } = await slowRefresh();
    outcomes[0]!.resolve({ accessToken: 'at-2', refreshToken: 'rt-2' });
    await jest.advanceTimersByTimeAsync(0);
    expect(await api.auth.getTokens()).toMatchObject({ accessToken: 'at-2', refreshToken: 'rt-2' });
  });

  test('a late refusal ends the session and says so, when nothing replaced the tokens', async () => {
    const { api, outcomes, onAuthFailure } = await slowRefresh();
    onAuthFailure.mockClear();
    outcomes[0]!.reject(refused());
    await jest.advanceTimersByTimeAsync(0);
    expect(await api.auth.getTokens()).toBeNull();
    expect(onAuthFailure).toHaveBeenCalledWith(expect.objectContaining({ code: 'ERR_SESSION_EXPIRED' }));
  });

  test('a late refusal never clears tokens that setTokens put there', async () => {
    const { api, outcomes } = await slowRefresh();
    await api.auth.setTokens({ accessToken: 'at-signed-in', refreshToken: 'rt-signed-in' });
    outcomes[0]!.reject(refused());
    await jest.advanceTimersByTimeAsync(0);
    expect(await api.auth.getTokens()).toMatchObject({ accessToken: 'at-signed-in' });
  });

  test('a late refusal never discards a newer refresh that is running, nor its result', async () => {
    const { api, outcomes } = await slowRefresh();
    const newer = settle(api.auth.refresh());
    await jest.advanceTimersByTimeAsync(0);
    outcomes[0]!.reject(refused());
    await jest.advanceTimersByTimeAsync(0);
    expect(await api.auth.getTokens()).toMatchObject({ accessToken: 'at-1' });
    outcomes[1]!.resolve({ accessToken: 'at-3', refreshToken: 'rt-3' });
    expect(await newer).toMatchObject({ ok: true, value: { accessToken: 'at-3' } });
    expect(await api.auth.getTokens()).toMatchObject({ accessToken: 'at-3', refreshToken: 'rt-3' });
  });

  test('a late success after setTokens is discarded: the app signed someone in since', async () => {
    const { api, outcomes } = await slowRefresh();
    await api.auth.setTokens({ accessToken: 'at-other-user' });
    outcomes[0]!.resolve({ accessToken: 'at-2', refreshToken: 'rt-2' });
    await jest.advanceTimersByTimeAsync(0);
    expect(await api.auth.getTokens()).toMatchObject({ accessToken: 'at-other-user' });
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
});

describe('what the auth server said decides whether the session ends', () => {
  test.each([
    ['invalid_client', 401, 'ERR_REFRESH_FAILED', true],
    ['invalid_scope', 400, 'ERR_REFRESH_FAILED', true],
    ['invalid_grant', 400, 'ERR_SESSION_EXPIRED', false],
    ['use_dpop_nonce', 400, 'ERR_REFRESH_FAILED', true],
    ['server_error', 400, 'ERR_REFRESH_FAILED', true],
  ])('an RFC 6749 %s (status %i) rejects with %s; tokens kept: %s', async (error, status, code, kept) => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });
    api.refresh.mockRejectedValueOnce(new AxiosError(error, 'ERR_BAD_REQUEST', undefined, undefined, { status, data: { error } } as AxiosResponse));
    await expect(api.auth.refresh()).rejects.toMatchObject({ code });
    expect((await api.auth.getTokens()) !== null).toBe(kept);
  });

  test("an OAuthError's code is read the same way, and is the rejection's cause", async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });
    const cause = Object.assign(new Error('The auth server refused the client'), { name: 'OAuthError', error: 'invalid_client', status: 401 });
    api.refresh.mockRejectedValueOnce(cause);
    await expect(api.auth.refresh()).rejects.toMatchObject({ code: 'ERR_REFRESH_FAILED', cause: { error: 'invalid_client' } });
    expect(await api.auth.getTokens()).toMatchObject({ accessToken: 'at-1' });
  });
});
