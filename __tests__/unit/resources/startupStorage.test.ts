import axios from 'axios';
import type { AuthTokens, TokenStorage } from '../../../src';
import { flush, settle } from '../../helpers/deferred';
import { mutexLock } from '../../helpers/tabs';
import { BILLING, FILES, grantServer, HOME, setUp, signIn } from '../../helpers/resourceApi';

describe('the sign-in name when the first read of storage fails', () => {
  test("a process whose storage failed once at start-up still takes, inside the lock, the refresh token another process's resource request rotated", async () => {
    const server = grantServer();
    const lock = mutexLock();
    let stored: AuthTokens | null = null;
    const storage = (failFirst = false): TokenStorage => ({
      get: () => {
        if (failFirst) {
          failFirst = false;
          throw new Error('storage blip');
        }
        return stored && JSON.parse(JSON.stringify(stored));
      },
      set: (tokens) => void (stored = JSON.parse(JSON.stringify(tokens))),
      clear: () => void (stored = null),
    });
    const one = setUp(server, { storage: storage(), lock }, axios.create({ baseURL: HOME }));
    await one.auth.setTokens(signIn);
    await flush();

    // Process two starts; its very first storage read fails (a blip), the next ones work.
    const two = setUp(server, { storage: storage(true), lock }, axios.create({ baseURL: HOME }));
    for (let i = 0; i < 4; i++) await flush();
    // Its first call meets the blip (ERR_STORAGE, as without resources); the next loads rt-0.
    expect(await settle(two.instance.get('/me'))).toMatchObject({ ok: false, error: { code: 'ERR_STORAGE' } });
    expect((await two.instance.get('/me')).status).toBe(200);

    expect((await one.instance.get(`${BILLING}/a`)).status).toBe(200); // process one: rt-0 -> rt-1, stored
    expect(stored).toMatchObject({ accessToken: 'at-0', refreshToken: 'rt-1' });

    // Process two's first files call: its request, inside the lock, must present rt-1.
    const outcome = await settle(two.instance.get(`${FILES}/b`));

    expect({ presented: server.requests.map(({ presented }) => presented), reuse: server.reuse, ok: outcome.ok }).toEqual({ presented: ['rt-0', 'rt-1'], reuse: 0, ok: true });
  });
});
