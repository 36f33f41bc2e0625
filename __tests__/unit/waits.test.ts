import axios, { type AxiosInstance } from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createAuthInterceptor, type AuthInterceptorOptions, type TokenStorage } from '../../src';
import { deferred } from '../helpers/deferred';
import { settle } from '../helpers/deferred';

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

const never = () => new Promise<never>(() => {});
const stepUpAsked = { 'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="admin"' };

/** An instance whose API refuses every call with `status` and `headers`, guarded by a session made with `options`. */
function refusingApi(options: Partial<AuthInterceptorOptions>, status = 401, headers: Record<string, string> = { 'WWW-Authenticate': 'Bearer error="invalid_token"' }) {
  const instance = axios.create({ baseURL: 'https://api.test' });
  new MockAdapter(instance).onAny().reply(status, {}, headers);
  const auth = createAuthInterceptor(instance, { refresh: never, ...options });
  return { instance, auth };
}

/** Starts the call, and reports its outcome once it has one: `undefined` until then. */
function watch(call: Promise<unknown>) {
  const watched: { outcome?: Awaited<ReturnType<typeof settle>> } = {};
  void settle(call).then((outcome) => (watched.outcome = outcome));
  return watched;
}

/** Expects `call` to be pending just before its 300 ms are up, and to reject with axios's timeout error when they are. */
async function expectTimedOutAt300(instance: AxiosInstance, config = {}) {
  const call = watch(instance.get('/me', { timeout: 300, ...config }));
  await jest.advanceTimersByTimeAsync(299);
  expect(call.outcome).toBeUndefined();
  await jest.advanceTimersByTimeAsync(1);
  expect(call.outcome).toEqual({ ok: false, error: expect.objectContaining({ isAxiosError: true }) });
  return (call.outcome as { error: Error & { code?: string } }).error;
}

describe("a call's own timeout ends any wait, without a signal", () => {
  test('for an onChallenge that never answers: ECONNABORTED, with the message axios gives', async () => {
    const { instance, auth } = refusingApi({ onChallenge: never }, 403, stepUpAsked);
    await auth.setTokens({ accessToken: 'at-1' });
    const error = await expectTimedOutAt300(instance);
    expect(error).toMatchObject({ code: 'ECONNABORTED', message: 'timeout of 300ms exceeded' });
  });

  test('with timeoutErrorMessage and clarifyTimeoutError, as axios honours them', async () => {
    const { instance, auth } = refusingApi({ onChallenge: never }, 403, stepUpAsked);
    await auth.setTokens({ accessToken: 'at-1' });
    const error = await expectTimedOutAt300(instance, { timeoutErrorMessage: 'too slow', transitional: { clarifyTimeoutError: true } });
    expect(error).toMatchObject({ code: 'ETIMEDOUT', message: 'too slow' });
  });

  test('for a refresh that never settles, long before refreshTimeout', async () => {
    const { instance, auth } = refusingApi({ refreshTimeout: 600_000 });
    await auth.setTokens({ accessToken: 'at-1' });
    expect(await expectTimedOutAt300(instance)).toMatchObject({ code: 'ECONNABORTED' });
  });

  test('for a storage get that never answers', async () => {
    const storage: TokenStorage = { get: never, set: () => {}, clear: () => {} };
    const { instance } = refusingApi({ storage, refreshTimeout: 600_000 });
    expect(await expectTimedOutAt300(instance)).toMatchObject({ code: 'ECONNABORTED' });
  });

  test('for a lock that never grants', async () => {
    const { instance, auth } = refusingApi({ lock: { withLock: never }, refreshTimeout: 600_000 });
    await auth.setTokens({ accessToken: 'at-1' });
    expect(await expectTimedOutAt300(instance)).toMatchObject({ code: 'ECONNABORTED' });
  });

  test('for a dpop key pair function that never resolves', async () => {
    const { instance, auth } = refusingApi({ dpop: never, refreshTimeout: 600_000 });
    await auth.setTokens({ accessToken: 'at-1', tokenType: 'DPoP' });
    expect(await expectTimedOutAt300(instance)).toMatchObject({ code: 'ECONNABORTED' });
  });

  test('a call without a timeout still waits for the refresh, and is answered by it', async () => {
    const instance = axios.create({ baseURL: 'https://api.test' });
    new MockAdapter(instance).onAny().reply((config) => (config.headers?.Authorization === 'Bearer at-2' ? [200, 'ok'] : [401, {}]));
    const auth = createAuthInterceptor(instance, { refresh: () => new Promise((resolve) => setTimeout(() => resolve({ accessToken: 'at-2' }), 5_000)) });
    await auth.setTokens({ accessToken: 'at-1' });
    const call = watch(instance.get('/me'));
    await jest.advanceTimersByTimeAsync(5_000);
    expect(call.outcome).toMatchObject({ ok: true, value: { data: 'ok' } });
  });

  test('a refresh that answers after the call timed out still becomes the session\'s tokens, for the next call', async () => {
    const grant = deferred<{ accessToken: string }>();
    const instance = axios.create({ baseURL: 'https://api.test' });
    new MockAdapter(instance).onAny().reply((config) => (config.headers?.Authorization === 'Bearer at-2' ? [200, 'ok'] : [401, {}]));
    const auth = createAuthInterceptor(instance, { refresh: () => grant.promise });
    await auth.setTokens({ accessToken: 'at-1' });
    expect(await expectTimedOutAt300(instance)).toMatchObject({ code: 'ECONNABORTED' });

    grant.resolve({ accessToken: 'at-2' });
    await jest.advanceTimersByTimeAsync(0);
    expect((await auth.getTokens())?.accessToken).toBe('at-2');
    await expect(instance.get('/me')).resolves.toMatchObject({ data: 'ok' });
  });

  test('the timer of a wait that ended in time is cleared', async () => {
    const { instance, auth } = refusingApi({ onChallenge: async () => ({ accessToken: 'at-2' }) }, 403, stepUpAsked);
    await auth.setTokens({ accessToken: 'at-1' });
    await settle(instance.get('/me', { timeout: 60_000 }));
    expect(jest.getTimerCount()).toBe(0);
  });
});
