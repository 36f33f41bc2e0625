import axios from 'axios';
import type { AuthTokens, TokenStorage } from '../../../src';
import { flush, settle } from '../../helpers/deferred';
import { mutexLock } from '../../helpers/tabs';
import { BILLING, grantServer, HOME, setUp, sharedStorage, signIn } from '../../helpers/resourceApi';

describe('two tabs on one storage that tells of changes (no lock)', () => {
  test("a refresh token one tab's resource request rotated is the one the other tab presents next", async () => {
    const server = grantServer();
    const storageFor = sharedStorage();
    const one = setUp(server, { storage: storageFor() }, axios.create({ baseURL: HOME }));
    const two = setUp(server, { storage: storageFor() }, axios.create({ baseURL: HOME }));
    await one.auth.setTokens(signIn);
    await flush();
    expect(await two.auth.getTokens()).toMatchObject({ refreshToken: 'rt-0' });

    await one.instance.get(`${BILLING}/a`); // tab one: billing token, rt-0 -> rt-1, stored
    await flush();
    two.expireAll();

    // Later, tab two's own token is refused: its refresh must present rt-1, not the spent rt-0.
    const outcome = await settle(two.instance.get('/me'));

    expect(server.requests.map(({ presented }) => presented)).toEqual(['rt-0', 'rt-1']);
    expect(server.reuse).toBe(0);
    expect(outcome.ok).toBe(true);
  });
});

describe('two processes on one storage that cannot tell of changes (Redis storage), with one lock', () => {
  test("a resource's request inside the lock presents the refresh token another process's own refresh left in storage", async () => {
    const server = grantServer();
    const lock = mutexLock();
    let stored: AuthTokens | null = null;
    const storage = (): TokenStorage => ({
      get: () => stored && JSON.parse(JSON.stringify(stored)),
      set: (tokens) => void (stored = JSON.parse(JSON.stringify(tokens))),
      clear: () => void (stored = null),
    });
    const one = setUp(server, { storage: storage(), lock }, axios.create({ baseURL: HOME }));
    const two = setUp(server, { storage: storage(), lock }, axios.create({ baseURL: HOME }));
    await one.auth.setTokens(signIn);
    expect((await two.instance.get('/me')).status).toBe(200); // process two loads rt-0 from storage

    one.expireAll();
    expect((await one.instance.get('/me')).status).toBe(200); // process one's own refresh: rt-0 -> rt-1, stored
    expect(stored).toMatchObject({ refreshToken: 'rt-1' });

    // Process two's first billing call: its token request, inside the lock, must present rt-1.
    const outcome = await settle(two.instance.get(`${BILLING}/a`));

    expect(server.requests.map(({ presented }) => presented)).toEqual(['rt-0', 'rt-1']);
    expect(server.reuse).toBe(0);
    expect(outcome.ok).toBe(true);
  });
});
