/** What was tried against the resources option and held: every test here passes. */
import axios from 'axios';
import axiosRetry from 'axios-retry';
import { createAuthInterceptor, memoryStorage, type AuthTokens, type TokenStorage } from '../../../src';
import { flush, settle } from '../../helpers/deferred';
import { mutexLock } from '../../helpers/tabs';
import { fakeClock } from '../../helpers/fakes';
import { BILLING, FILES, grantServer, HOME, setUp, signIn } from '../../helpers/resourceApi';

describe('URLs the parser and a regex might read differently', () => {
  test.each([
    ['https://BILLING.test/x', BILLING],
    ['https://billing.test:443/x', BILLING],
    ['HTTPS://billing.test/x', BILLING],
    ['https://user:pw@billing.test/x', BILLING],
    ['https://bil\tling.test/x', BILLING],
    ['https://billing.test\n/x', BILLING],
    ['https://billing.test./x', undefined],
    ['http://billing.test/x', undefined],
    ['https://billing.test:8443/x', undefined],
    ['//billing.test/x', undefined],
    ['/\\billing.test/x', 'home'], // axios sends https://api.test/\billing.test/x: home
    ['https:\\\\billing.test\\x', 'home'],
    ['https:/billing.test/x', 'home'],
  ])('%j carries %s', async (url, expected) => {
    const server = grantServer();
    const { instance, auth, sent } = setUp(server);
    await auth.setTokens(signIn);
    await settle(instance.get(url));
    const header = sent.at(-1)?.auth;
    const carried = header === undefined ? undefined : header === 'Bearer at-0' ? 'home' : server.audiences.get(String(header).slice(7)) || 'home';
    expect(carried).toBe(expected);
  });

  test("a resource on the instance's own origin: its calls carry the resource's token only, the session's own never leaves", async () => {
    const server = grantServer();
    const instance = axios.create({ baseURL: BILLING });
    const { auth, sent } = setUp(server, {}, instance);
    await auth.setTokens(signIn);
    await instance.get('/a');
    await instance.get(`${BILLING}/b`);
    await settle(instance.get('https://other.test/c'));
    expect(sent.map(({ auth: header }) => header)).toEqual([`Bearer at-1-${BILLING}`, `Bearer at-1-${BILLING}`, undefined]);
  });
});

describe('the app and its plugins', () => {
  test("setTokens/getTokens with a name that is no resource reject with a TypeError, and change nothing", async () => {
    const server = grantServer();
    const { auth } = setUp(server);
    await auth.setTokens(signIn);
    await expect(auth.setTokens({ accessToken: 'x' }, 'unknown')).rejects.toThrow(TypeError);
    await expect(auth.setTokens({ accessToken: 'x' }, '')).rejects.toThrow(TypeError);
    await expect(auth.getTokens('https://BILLING.test')).rejects.toThrow(TypeError);
    expect(await auth.getTokens()).toMatchObject({ accessToken: 'at-0' });
    const plain = createAuthInterceptor(axios.create(), { refresh: server.refresh });
    // Without the option a name is ignored: a callback may be handed an argument it never used.
    expect(await plain.getTokens(BILLING)).toBeNull();
  });

  test('axios-retry re-sending a resource call: each send carries the resource token once, and it never goes home', async () => {
    const server = grantServer();
    const { instance, auth, sent, mock } = setUp(server);
    axiosRetry(instance, { retries: 2, retryDelay: () => 0, retryCondition: (error) => error.response?.status === 503 });
    mock.reset();
    let failures = 2;
    mock.onAny().reply((config) => {
      sent.push({ origin: new URL(config.url!, config.baseURL).origin, auth: config.headers?.Authorization });
      return failures-- > 0 ? [503, {}] : [200, {}];
    });
    await auth.setTokens(signIn);
    expect((await instance.get(`${BILLING}/a`)).status).toBe(200);
    expect(sent.map(({ auth: header }) => header)).toEqual(Array(3).fill(`Bearer at-1-${BILLING}`));
  });

  test('eject() while resource calls wait for their token: they still settle, later calls go bare', async () => {
    const server = grantServer();
    server.held = [];
    const { instance, auth, sent } = setUp(server);
    await auth.setTokens(signIn);
    const waiting = settle(instance.get(`${BILLING}/a`));
    await flush();
    auth.eject();
    server.held[0]!.resolve();
    expect((await waiting).ok).toBe(true);
    await settle(instance.get(`${BILLING}/b`));
    expect(sent.map(({ auth: header }) => header)).toEqual([`Bearer at-1-${BILLING}`, undefined]);
  });

  test('a refresh function that returns malformed tokens for a resource: ERR_INVALID_TOKENS for its calls, the rotated refresh token is kept, no secret in the error', async () => {
    const server = grantServer();
    const { instance, auth } = setUp(server, {
      refresh: async (tokens: AuthTokens | null, context) => {
        const result = await server.refresh(tokens, context);
        return context.resource ? ({ access_token: result.accessToken, refreshToken: result.refreshToken } as unknown as AuthTokens) : result;
      },
    });
    await auth.setTokens(signIn);
    const outcome = await settle(instance.get(`${BILLING}/a`));
    expect(outcome).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_TOKENS' } });
    expect(JSON.stringify((outcome as { error: Error }).error.message)).not.toContain('at-1');
    expect((await auth.getTokens())?.refreshToken).toBe(server.live);
  });
});

describe('turns and rotation', () => {
  test('two-second tokens, bursts to every API across five expiries: every call ok, no reuse, one at a time, one request per API per expiry', async () => {
    const clock = fakeClock();
    const server = grantServer();
    server.refresh.mockImplementation(
      (async (tokens: AuthTokens | null, context: { resource?: string }) => {
        server.running++;
        server.mostAtOnce = Math.max(server.mostAtOnce, server.running);
        server.requests.push({ resource: context.resource, presented: tokens?.refreshToken });
        await flush();
        server.running--;
        if (tokens?.refreshToken !== server.live) {
          server.reuse++;
          throw Object.assign(new Error('refused'), { name: 'OAuthError', error: 'invalid_grant' });
        }
        const n = server.requests.length;
        server.live = `rt-${n}`;
        const accessToken = `at-${n}-${context.resource ?? 'home'}`;
        server.audiences.set(accessToken, context.resource ?? '');
        return { accessToken, refreshToken: server.live, expiresIn: 2 };
      }) as never,
    );
    const { instance, auth } = setUp(server);
    await auth.setTokens({ ...signIn, expiresIn: 2 });
    for (let round = 0; round < 5; round++) {
      const before = server.requests.length;
      const outcomes = await Promise.all([HOME, BILLING, FILES].flatMap((origin) => [1, 2, 3].map((i) => settle(instance.get(`${origin}/n/${i}`)))));
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      expect(server.requests.length - before).toBe(round === 0 ? 2 : 3);
      clock.advance(2_000);
    }
    expect(server.reuse).toBe(0);
    expect(server.mostAtOnce).toBe(1);
  });

  test("with a lock and a storage two tabs share, a resource's rotation in one tab is presented by the other's next request", async () => {
    const server = grantServer();
    const lock = mutexLock();
    let stored: AuthTokens | null = null;
    const storage = (): TokenStorage => ({ get: () => stored && { ...stored }, set: (t) => void (stored = { ...t }), clear: () => void (stored = null) });
    const one = setUp(server, { storage: storage(), lock }, axios.create({ baseURL: HOME }));
    const two = setUp(server, { storage: storage(), lock }, axios.create({ baseURL: HOME }));
    await one.auth.setTokens(signIn);
    await two.instance.get('/warm');
    await one.instance.get(`${BILLING}/a`);
    two.expireAll();
    expect((await settle(two.instance.get('/me'))).ok).toBe(true);
    expect(server.reuse).toBe(0);
  });

  test('invalid_target for one resource, then invalid_grant: ERR_RESOURCE_REFUSED asked once, the session ends once', async () => {
    const server = grantServer([BILLING]);
    const { instance, auth, failures, events } = setUp(server);
    await auth.setTokens(signIn);
    await Promise.all([settle(instance.get(`${FILES}/a`)), settle(instance.get(`${FILES}/b`))]);
    server.revoked = true;
    await Promise.all([settle(instance.get(`${BILLING}/a`)), settle(instance.get(`${FILES}/c`)), settle(auth.refresh())]);
    expect(server.requests.filter(({ resource }) => resource === 'urn:files')).toHaveLength(1);
    expect(failures.map((failure) => (failure as { code: string }).code)).toEqual(['ERR_RESOURCE_REFUSED', 'ERR_SESSION_EXPIRED']);
    expect(events.filter(({ type }) => type === 'session-ended')).toHaveLength(1);
  });

  test('tokens restored after a reload, and every resource token masked in events', async () => {
    const server = grantServer();
    const storage = memoryStorage();
    const first = setUp(server, { storage });
    await first.auth.setTokens(signIn);
    await first.instance.get(`${BILLING}/a`);
    await first.instance.get(`${FILES}/a`);
    first.auth.eject();
    const second = setUp(server, { storage });
    await second.instance.get(`${BILLING}/a`);
    second.expireAll();
    await second.instance.get(`${FILES}/a`);
    const text = JSON.stringify(second.events);
    for (const token of ['at-1', 'at-2', 'at-3', 'rt-2', 'rt-3']) expect(text).not.toContain(token);
    expect(server.requests).toHaveLength(3);
  });
});

