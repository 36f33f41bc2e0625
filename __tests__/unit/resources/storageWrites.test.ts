import type { AuthTokens, TokenStorage } from '../../../src';
import { flush, settle } from '../../helpers/deferred';
import { grantServer, setUp, signIn } from '../../helpers/resourceApi';

/**
 * One tab, no lock, a storage whose writes can fail (localStorage over its quota, a Redis that
 * blips). The session keeps its tokens in memory when a write fails (setTokens/refresh reject
 * with ERR_STORAGE). With `resources`, every refresh now re-reads storage first (the `lock`
 * branch of RefreshFlight#run, run inside the turn) and adopts whatever differs from what it holds.
 */
function flakyStorage() {
  let stored: AuthTokens | null = null;
  const state = { failWrites: false };
  const storage: TokenStorage = {
    get: () => stored && JSON.parse(JSON.stringify(stored)),
    set: (tokens) => {
      if (state.failWrites) throw new Error('QuotaExceededError');
      stored = JSON.parse(JSON.stringify(tokens));
    },
    clear: () => void (stored = null),
  };
  return { storage, state, stored: () => stored };
}

const cases = [
  ['without resources', { resources: undefined }],
  ['with resources', {}],
] as const;

describe('a storage write that failed', () => {
  test.each(cases)('a sign-in whose write failed: the next refresh keeps the session (not "signed out in another tab"): %s', async (_, extra) => {
    const server = grantServer();
    const { storage, state } = flakyStorage();
    const { auth, failures } = setUp(server, { storage, ...extra });
    for (let i = 0; i < 4; i++) await flush();
    state.failWrites = true;
    expect(await settle(auth.setTokens(signIn))).toMatchObject({ ok: false, error: { code: 'ERR_STORAGE' } });
    state.failWrites = false; // the storage works again
    expect(await auth.getTokens()).toMatchObject({ accessToken: 'at-0' }); // the session holds the sign-in

    const outcome = await settle(auth.refresh());

    expect({ ok: outcome.ok, tokens: await auth.getTokens(), failures: failures.map((f) => (f as { code: string }).code) }).toEqual({
      ok: true,
      tokens: expect.objectContaining({ refreshToken: 'rt-1' }),
      failures: [],
    });
  });

  test.each(cases)("a refresh whose write failed: the next refresh does not go back to the spent refresh token storage still holds: %s", async (_, extra) => {
    const server = grantServer();
    const { storage, state } = flakyStorage();
    const { instance, auth, expireAll } = setUp(server, { storage, ...extra });
    for (let i = 0; i < 4; i++) await flush();
    await auth.setTokens(signIn); // stored: at-0 / rt-0

    state.failWrites = true;
    const first = await settle(auth.refresh()); // rt-0 -> rt-1 at the server; the write fails
    state.failWrites = false;
    expect(first).toMatchObject({ ok: false, error: { code: 'ERR_STORAGE' } });
    expect(await auth.getTokens()).toMatchObject({ refreshToken: 'rt-1' }); // held in memory

    await settle(auth.refresh()); // should present rt-1
    expireAll();
    const call = await settle(instance.get('/me'));

    expect({ presented: server.requests.map(({ presented }) => presented), reuse: server.reuse, ok: call.ok }).toEqual({
      presented: ['rt-0', 'rt-1', 'rt-2'],
      reuse: 0,
      ok: true,
    });
  });
});
