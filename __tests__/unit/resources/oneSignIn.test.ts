import axios from 'axios';
import { createAuthInterceptor, memoryStorage, type AuthInterceptorOptions } from '../../../src';
import { flush, settle } from '../../helpers/deferred';
import { AUDIENCE, BILLING, FILES, grantServer, HOME, setUp, signIn } from '../../helpers/resourceApi';

describe('one sign-in, many APIs', () => {
  test("a call to a resource's origin carries that resource's token, asked for with its resource and scope before the call; the session's own origin keeps the session's token", async () => {
    const server = grantServer();
    const { instance, auth, sent } = setUp(server);
    await auth.setTokens(signIn);

    expect((await instance.get(`${BILLING}/invoices`)).status).toBe(200);
    expect((await instance.get(`${FILES}/files`)).status).toBe(200);
    expect((await instance.get('/me')).status).toBe(200);

    expect(server.requests).toEqual([
      { resource: BILLING, scope: 'invoices', presented: 'rt-0' },
      { resource: 'urn:files', scope: 'files:read', presented: 'rt-1' },
    ]);
    expect(sent).toEqual([
      { origin: BILLING, auth: `Bearer at-1-${BILLING}` },
      { origin: FILES, auth: 'Bearer at-2-urn:files' },
      { origin: HOME, auth: 'Bearer at-0' },
    ]);
    expect((await auth.getTokens())?.refreshToken).toBe('rt-2');
  });

  test('bursts to every API across three expiries: one token request at a time, each presenting the refresh token the one before left, one per API per expiry', async () => {
    const server = grantServer();
    const { instance, auth, sent, expireAll } = setUp(server);
    await auth.setTokens(signIn);
    const burst = () => Promise.all([HOME, BILLING, FILES].flatMap((origin) => Array.from({ length: 5 }, (_, i) => settle(instance.get(`${origin}/n/${i}`)))));

    for (let round = 0; round < 3; round++) {
      const before = server.requests.length;
      const outcomes = await burst();
      expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
      const asked = server.requests.slice(before).map(({ resource }) => resource ?? 'home');
      expect(asked.sort()).toEqual(round === 0 ? [BILLING, 'urn:files'] : ['home', BILLING, 'urn:files']);
      expireAll();
    }
    expect(server.reuse).toBe(0);
    expect(server.mostAtOnce).toBe(1);
    expect(sent.every(({ origin, auth: header }) => server.audiences.get(String(header).slice(7)) === AUDIENCE[origin])).toBe(true);
  });

  test("the session's own refresh waiting for its turn presents the refresh token a resource's request rotated meanwhile", async () => {
    const server = grantServer();
    server.held = [];
    const { instance, auth, expireAll } = setUp(server);
    await auth.setTokens(signIn);
    const billing = settle(instance.get(`${BILLING}/a`));
    await flush();
    expireAll();
    const home = settle(instance.get('/b'));
    await flush();
    expect(server.held).toHaveLength(1);
    server.held[0]!.resolve();
    await flush();
    await flush();
    expect(server.held).toHaveLength(2);
    server.held[1]!.resolve();
    expect((await billing).ok).toBe(true);
    await flush();
    server.held[2]?.resolve();
    expect((await home).ok).toBe(true);
    expect(server.requests.map(({ presented }) => presented)).toEqual(['rt-0', 'rt-1', ...server.requests.slice(2).map(({ presented }) => presented)]);
    expect(server.reuse).toBe(0);
  });

  test('a resource the server refuses (invalid_target) rejects its calls with ERR_RESOURCE_REFUSED, asks once, and never gets another token; the others carry on', async () => {
    const server = grantServer([BILLING]);
    const { instance, auth, sent, failures } = setUp(server);
    await auth.setTokens(signIn);

    const first = await Promise.all([settle(instance.get(`${FILES}/a`)), settle(instance.get(`${FILES}/b`)), settle(instance.get(`${BILLING}/c`))]);
    const later = await settle(instance.get(`${FILES}/d`));

    for (const outcome of [first[0], first[1], later]) {
      expect(outcome).toMatchObject({ ok: false, error: { code: 'ERR_RESOURCE_REFUSED' } });
      expect(String((outcome as { error: Error }).error.message)).toContain('urn:files');
    }
    expect(first[2].ok).toBe(true);
    expect(server.requests.filter(({ resource }) => resource === 'urn:files')).toHaveLength(1);
    expect(sent.filter(({ origin }) => origin === FILES)).toEqual([]);
    expect(failures).toHaveLength(1);
    expect((await instance.get('/me')).status).toBe(200);
    expect(await auth.getTokens()).not.toBeNull();
  });

  test('a refused grant ends the whole session once, whichever request heard it', async () => {
    const server = grantServer();
    const { instance, auth, failures, events } = setUp(server);
    await auth.setTokens(signIn);
    server.revoked = true;

    const outcomes = await Promise.all([settle(instance.get(`${BILLING}/a`)), settle(instance.get(`${FILES}/b`))]);

    expect(outcomes.map((outcome) => (outcome.ok ? 'ok' : (outcome.error as { code: string }).code))).toEqual(['ERR_SESSION_EXPIRED', 'ERR_SESSION_EXPIRED']);
    expect(failures).toHaveLength(1);
    expect(events.filter(({ type }) => type === 'session-ended')).toHaveLength(1);
    expect(await auth.getTokens()).toBeNull();
    expect(server.requests).toHaveLength(1);
  });

  test("a resource's token never reaches another origin: not another resource's, not the session's own, not one allowedOrigins lets through", async () => {
    const server = grantServer();
    const { instance, auth, sent } = setUp(server, { allowedOrigins: [/\.test$/] });
    await auth.setTokens(signIn);

    await instance.get(`${BILLING}/a`);
    await settle(instance.get('https://other.test/b'));
    await instance.get(`${FILES}/c`);

    expect(sent.map(({ origin, auth: header }) => [origin, header])).toEqual([
      [BILLING, `Bearer at-1-${BILLING}`],
      ['https://other.test', 'Bearer at-0'],
      [FILES, 'Bearer at-2-urn:files'],
    ]);
  });

  test("every resource's token is stored with the session's, and a session on the same storage uses them without a token request", async () => {
    const server = grantServer();
    const storage = memoryStorage();
    const first = setUp(server, { storage });
    await first.auth.setTokens(signIn);
    await first.instance.get(`${BILLING}/a`);
    await first.instance.get(`${FILES}/b`);
    first.auth.eject();
    const asked = server.requests.length;

    const second = setUp(server, { storage });
    expect((await second.instance.get(`${BILLING}/a`)).status).toBe(200);
    expect((await second.instance.get(`${FILES}/b`)).status).toBe(200);
    expect(server.requests).toHaveLength(asked);
    expect(await second.auth.getTokens(FILES)).toMatchObject({ accessToken: 'at-2-urn:files' });
    expect((await second.auth.getTokens())?.refreshToken).toBe('rt-2');
  });

  test("getTokens and setTokens take a resource's origin or its resource indicator", async () => {
    const server = grantServer();
    const { instance, auth, sent } = setUp(server);
    await auth.setTokens(signIn);
    server.audiences.set('at-given', 'urn:files');

    await auth.setTokens({ accessToken: 'at-given', expiresIn: 300 }, 'urn:files');
    await instance.get(`${FILES}/a`);

    expect(sent).toEqual([{ origin: FILES, auth: 'Bearer at-given' }]);
    expect(await auth.getTokens(FILES)).toMatchObject({ accessToken: 'at-given' });
    expect(await auth.getTokens(BILLING)).toBeNull();
    await expect(auth.getTokens('https://nowhere.test')).rejects.toThrow(/resources/);
    expect(server.requests).toEqual([]);
  });

  test('signing in again forgets every resource token of the sign-in before', async () => {
    const server = grantServer();
    const { instance, auth, sent } = setUp(server);
    await auth.setTokens(signIn);
    await instance.get(`${BILLING}/a`);
    server.live = 'rt-again';
    await auth.setTokens({ accessToken: 'at-0', refreshToken: 'rt-again' });

    await instance.get(`${BILLING}/b`);

    expect(server.requests.map(({ presented }) => presented)).toEqual(['rt-0', 'rt-again']);
    expect(sent[1]!.auth).not.toBe(sent[0]!.auth);
  });

  test("events name the resource, and an error masks every resource's token", async () => {
    const server = grantServer();
    const { instance, auth, events } = setUp(server);
    await auth.setTokens(signIn);
    await instance.get(`${BILLING}/a`);
    const issued = (await auth.getTokens(BILLING))!.accessToken;

    const outcome = await settle(instance.get(`${FILES}/echo`, { params: { echo: `${issued} and rt-2` } }));

    expect(events).toContainEqual({ type: 'refresh-start', reason: 'missing', resource: BILLING });
    expect(events).toContainEqual(expect.objectContaining({ type: 'refresh-end', resource: BILLING }));
    expect(JSON.stringify(events)).not.toContain('at-1');
    const { response, config } = (outcome as { error: { response: { data: unknown }; config: unknown } }).error;
    expect(response.data).toEqual({ echo: expect.stringContaining(' and ') });
    for (const leaked of [JSON.stringify(response.data), JSON.stringify(config)]) {
      expect(leaked).not.toContain(issued);
      expect(leaked).not.toContain('rt-2');
    }
  });
});

describe('the resources option is checked up front', () => {
  const create = (resources: unknown, more: Partial<AuthInterceptorOptions> = {}) => () =>
    createAuthInterceptor(axios.create(), { refresh: async () => signIn, resources: resources as AuthInterceptorOptions['resources'], ...more });

  test.each([
    ['an origin with a path', { 'https://a.test/api': { resource: 'urn:a' } }, /`resources\["https:\/\/a\.test\/api"\]` to be .* under its origin, "https:\/\/a\.test"/],
    ['an origin spelt two ways', { 'https://a.test:443': { resource: 'urn:a' } }, /under its origin, "https:\/\/a\.test"/],
    ['a key that is no URL', { files: { resource: 'urn:a' } }, /`resources\["files"\]` to be .* under its origin, like "https:\/\/api\.example\.com"/],
    ['an empty resource', { 'https://a.test': { resource: '' } }, /`resources\["https:\/\/a\.test"\]` to be \{ resource: an absolute URI \(RFC 8707\), scope\?: a string \}/],
    ['a relative resource', { 'https://a.test': { resource: 'files' } }, /absolute URI/],
    ['a resource with a fragment', { 'https://a.test': { resource: 'https://a.test/#x' } }, /absolute URI/],
    ['a scope that is not a string', { 'https://a.test': { resource: 'urn:a', scope: ['a'] } }, /scope\?: a string \}.*, got an object with keys resource, scope/],
    ['a misspelt member', { 'https://a.test': { resource: 'urn:a', scopes: 'a' } }, /Unknown option `scopes`: did you mean `scope`\?/],
    ['a string', 'https://a.test', /Expected `resources` to be an object of resource servers by origin, got "https:\/\/a\.test"/],
  ])('%s is refused with what to write instead', (_, resources, message) => {
    expect(create(resources)).toThrow(message);
  });

});
