import axios from 'axios';
import { memoryStorage, type AuthTokens, type TokenStorage } from '../../../src';
import { flush } from '../../helpers/deferred';
import { mutexLock } from '../../helpers/tabs';
import { BILLING, FILES, grantServer, setUp, signIn } from '../../helpers/resourceApi';

describe("every resource's token survives a reload", () => {
  test("after a reload, a write by one resource (or by the session's own refresh) keeps the stored tokens of resources not called yet", async () => {
    const server = grantServer();
    const storage = memoryStorage();
    const before = setUp(server, { storage });
    await before.auth.setTokens(signIn);
    await before.instance.get(`${BILLING}/a`);
    await before.instance.get(`${FILES}/a`);
    before.auth.eject();
    const billingToken = (storage.get() as { resources?: Record<string, { accessToken: string }> }).resources?.[BILLING]?.accessToken;
    expect(billingToken).toBe(`at-1-${BILLING}`);

    // The reload: files' token has been revoked, billing's still works.
    const after = setUp(server, { storage });
    after.revokedAccess.add('at-2-urn:files');
    expect((await after.instance.get(`${FILES}/b`)).status).toBe(200); // files refreshes and stores its new token

    const asked = server.requests.length;
    expect((await after.instance.get(`${BILLING}/b`)).status).toBe(200);
    // billing's stored token was still good: no token request for it.
    expect(server.requests.length).toBe(asked);
    expect((storage.get() as { resources?: Record<string, unknown> }).resources).toHaveProperty([BILLING]);
  });

  test("after a reload, the session's own refresh keeps the stored resource tokens", async () => {
    const server = grantServer();
    const storage = memoryStorage();
    const before = setUp(server, { storage });
    await before.auth.setTokens(signIn);
    await before.instance.get(`${BILLING}/a`);
    before.auth.eject();

    const after = setUp(server, { storage });
    after.revokedAccess.add('at-0');
    expect((await after.instance.get('/me')).status).toBe(200); // the session's own refresh, and its write

    expect((storage.get() as { resources?: Record<string, unknown> }).resources).toHaveProperty([BILLING]);
  });
});

describe('tabs sharing a storage that tells of changes, and one lock', () => {
  test("one tab's own refresh does not make another tab forget (and ask again for) the resource token it holds", async () => {
    let stored: AuthTokens | null = null;
    const listeners = new Map<number, (tokens: AuthTokens | null) => void>();
    const storage = (tab: number): TokenStorage => ({
      get: () => stored && JSON.parse(JSON.stringify(stored)),
      set: (tokens) => {
        stored = JSON.parse(JSON.stringify(tokens));
        for (const [other, listener] of listeners) if (other !== tab) setImmediate(() => listener(JSON.parse(JSON.stringify(stored))));
      },
      clear: () => void (stored = null),
      subscribe: (listener) => (listeners.set(tab, listener), () => listeners.delete(tab)),
    });
    const server = grantServer();
    const lock = mutexLock();
    const one = setUp(server, { storage: storage(1), lock }, axios.create({ baseURL: 'https://api.test' }));
    const two = setUp(server, { storage: storage(2), lock }, axios.create({ baseURL: 'https://api.test' }));
    await one.auth.setTokens(signIn);
    await flush();
    await two.instance.get(`${BILLING}/a`); // tab two: billing's token, stored
    await flush();

    one.expireAll();
    await one.instance.get('/me'); // tab one's own token is refused: its refresh, stored, heard by tab two
    await flush();

    const asked = server.requests.length;
    expect((await two.instance.get(`${BILLING}/b`)).status).toBe(200);
    expect(server.requests.length).toBe(asked); // billing's token is still good: no second request for it
  });
});
