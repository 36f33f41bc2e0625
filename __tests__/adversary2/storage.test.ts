import axios from 'axios';
import { createAuthInterceptor, type AuthTokens, type TokenStorage } from '../../src';
import { deferred } from '../helpers/deferred';

afterEach(() => jest.useRealTimers());

test("a storage write that timed out and lands late does not leave storage holding tokens older than the session's", async () => {
  jest.useFakeTimers();
  const slow = deferred();
  let stored: AuthTokens | null = null;
  let writes = 0;
  // A store whose first write is stuck on the network, then goes through after all (a Redis failover).
  const storage: TokenStorage = {
    get: async () => stored,
    set: async (tokens) => {
      if (writes++ === 0) await slow.promise;
      stored = tokens;
    },
    clear: async () => {
      stored = null;
    },
  };
  let issued = 1;
  const refresh = async (): Promise<AuthTokens> => ({ accessToken: `at-${++issued}`, refreshToken: `rt-${issued}` });
  const auth = createAuthInterceptor(axios.create(), { refresh, storage, refreshTimeout: 1_000 });

  const signIn = auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' }).catch((error: unknown) => error);
  await jest.advanceTimersByTimeAsync(1_000);
  expect(await signIn).toMatchObject({ code: 'ERR_STORAGE' });

  await auth.refresh(); // spends rt-1; storage now holds rt-2
  expect(stored).toMatchObject({ refreshToken: 'rt-2' });

  slow.resolve(); // the first write lands
  await jest.advanceTimersByTimeAsync(0);

  // Storage must not go back to rt-1, which the auth server has already spent: the next start would be signed out.
  expect(stored).toMatchObject({ refreshToken: 'rt-2' });
});
