import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { createAuthInterceptor } from '../../src';
import { jwkThumbprint } from '../../src/dpop';
import { settle } from '../helpers/deferred';
import { dpopApi, type Reply } from '../helpers/dpopApi';

const ath = (token: string) => createHash('sha256').update(token).digest('base64url');
const nonceChallenge = (nonce: string): Reply => [401, '', { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': nonce }];

describe('DPoP-bound tokens', () => {
  test('go out as Authorization: DPoP with a proof whose header and claims follow RFC 9449 section 4.2', async () => {
    const api = await dpopApi();
    await api.instance.get('/items/7?page=2#top', { params: { q: 'x' } });

    const [call] = api.seen;
    expect(call!.auth).toBe('DPoP at-dpop-1');
    expect(call!.header).toEqual({ typ: 'dpop+jwt', alg: 'ES256', jwk: await (async () => {
      const { kty, crv, x, y } = (await crypto.subtle.exportKey('jwk', api.keys.publicKey)) as Record<string, string>;
      return { kty, crv, x, y };
    })() });
    expect(call!.claims).toEqual({ jti: expect.any(String), htm: 'GET', htu: 'https://api.test/items/7', iat: expect.any(Number), ath: ath('at-dpop-1') });
    expect(await jwkThumbprint(call!.header!.jwk as JsonWebKey)).toBe(await jwkThumbprint((await crypto.subtle.exportKey('jwk', api.keys.publicKey)) as JsonWebKey));
  });

  test('the token type is matched case-insensitively', async () => {
    const api = await dpopApi();
    await api.auth.setTokens({ accessToken: api.valid, tokenType: 'dpop' });
    await api.instance.post('/items', { a: 1 });
    expect(api.seen[0]).toMatchObject({ auth: 'DPoP at-dpop-1', claims: { htm: 'POST' } });
  });

  test('each send gets a fresh proof, the refresh replay included, with ath of the token it carries', async () => {
    const api = await dpopApi();
    await api.instance.get('/a');
    await api.instance.get('/a');
    api.valid = 'at-revoked'; // the server no longer takes at-dpop-1: the next call refreshes and replays
    await api.instance.get('/a');

    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(api.seen.map((s) => s.auth)).toEqual(['DPoP at-dpop-1', 'DPoP at-dpop-1', 'DPoP at-dpop-1', 'DPoP at-dpop-2']);
    expect(new Set(api.seen.map((s) => s.claims!.jti)).size).toBe(4);
    expect(new Set(api.seen.map((s) => s.proof)).size).toBe(4);
    expect(api.seen[3]!.claims!.ath).toBe(ath('at-dpop-2'));
  });

  test('iat is on the server clock learnt from the Date header', async () => {
    const api = await dpopApi();
    const ahead = 3_600_000;
    api.answer = () => [200, {}, { date: new Date(Date.now() + ahead).toUTCString() }];
    await api.instance.get('/first');
    await api.instance.get('/second');

    const serverSeconds = (Date.now() + ahead) / 1000;
    expect(Math.abs((api.seen[1]!.claims!.iat as number) - serverSeconds)).toBeLessThan(60);
    expect(Math.abs((api.seen[0]!.claims!.iat as number) - Date.now() / 1000)).toBeLessThan(60);
  });

  test('Bearer tokens go out unchanged, without a DPoP header, even with a key pair set', async () => {
    const api = await dpopApi();
    await api.auth.setTokens({ accessToken: 'at-bearer', tokenType: 'Bearer' });
    api.answer = () => [200, {}];
    await api.instance.get('/a');
    await api.auth.setTokens({ accessToken: 'at-untyped' });
    await api.instance.get('/b');
    expect(api.seen.map(({ auth, proof }) => ({ auth, proof }))).toEqual([{ auth: 'Bearer at-bearer' }, { auth: 'Bearer at-untyped' }]);
  });

  test('without the dpop option a DPoP token type is sent as configured, with no proof', async () => {
    const instance = axios.create({ baseURL: 'https://api.test' });
    const mock = new MockAdapter(instance);
    const headers: unknown[] = [];
    mock.onAny().reply((config) => (headers.push({ auth: config.headers?.Authorization, proof: config.headers?.DPoP }), [200, {}]));
    const auth = createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'x' }) });
    await auth.setTokens({ accessToken: 'at-1', tokenType: 'DPoP' });
    await instance.get('/a');
    expect(headers).toEqual([{ auth: 'Bearer at-1', proof: undefined }]);
  });
});

describe('DPoP nonces', () => {
  test('a DPoP-Nonce on a 200 is used by the next proof to that origin, and only that origin', async () => {
    const api = await dpopApi({ allowedOrigins: ['https://files.test'] });
    api.answer = (call) => (call.url.startsWith('https://api.test') ? [200, {}, { 'DPoP-Nonce': 'n-api-1' }] : [200, {}]);
    await api.instance.get('/first');
    await api.instance.get('/second');
    await api.instance.get('https://files.test/f');

    expect(api.seen.map((s) => s.claims!.nonce)).toEqual([undefined, 'n-api-1', undefined]);
  });

  test('a 401 use_dpop_nonce is answered by one replay with the nonce: no refresh', async () => {
    const api = await dpopApi();
    api.answer = (call) => (call.claims!.nonce === 'n-1' ? undefined : nonceChallenge('n-1'));
    await expect(api.instance.get('/a')).resolves.toMatchObject({ status: 200 });

    expect(api.refresh).not.toHaveBeenCalled();
    expect(api.seen.map((s) => s.claims!.nonce)).toEqual([undefined, 'n-1']);
    expect(api.seen[0]!.claims!.jti).not.toBe(api.seen[1]!.claims!.jti);
  });

  test('a server that asks for a new nonce every time costs two requests and no refresh, then its 401 passes through', async () => {
    const api = await dpopApi();
    let n = 0;
    api.answer = () => nonceChallenge(`n-${++n}`);
    const result = await settle(api.instance.get('/a'));

    expect(result.ok).toBe(false);
    expect((result as { error: { response?: { status: number } } }).error.response?.status).toBe(401);
    expect(api.seen).toHaveLength(2);
    expect(api.refresh).not.toHaveBeenCalled();
  });

  test('a nonce replay does not use up the refresh replay, in either order', async () => {
    const nonceFirst = await dpopApi();
    nonceFirst.valid = 'at-revoked';
    nonceFirst.answer = (call) => (call.claims!.nonce ? undefined : nonceChallenge('n-1'));
    await expect(nonceFirst.instance.get('/a')).resolves.toMatchObject({ status: 200 });
    expect(nonceFirst.refresh).toHaveBeenCalledTimes(1);
    expect(nonceFirst.seen.map((s) => [s.auth, s.claims!.nonce])).toEqual([
      ['DPoP at-dpop-1', undefined],
      ['DPoP at-dpop-1', 'n-1'],
      ['DPoP at-dpop-2', 'n-1'],
    ]);

    const refreshFirst = await dpopApi();
    refreshFirst.valid = 'at-revoked';
    refreshFirst.answer = (call) => (call.auth === `DPoP ${refreshFirst.valid}` && !call.claims!.nonce ? nonceChallenge('n-1') : undefined);
    await expect(refreshFirst.instance.get('/a')).resolves.toMatchObject({ status: 200 });
    expect(refreshFirst.refresh).toHaveBeenCalledTimes(1);
    expect(refreshFirst.seen.map((s) => [s.auth, s.claims!.nonce])).toEqual([
      ['DPoP at-dpop-1', undefined],
      ['DPoP at-dpop-2', undefined],
      ['DPoP at-dpop-2', 'n-1'],
    ]);
  });

  test('a use_dpop_nonce without a usable DPoP-Nonce is not replayed', async () => {
    const api = await dpopApi();
    api.answer = () => [401, '', { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"' }];
    const result = await settle(api.instance.get('/a'));
    expect(result.ok).toBe(false);
    expect(api.seen).toHaveLength(1);
    expect(api.refresh).not.toHaveBeenCalled();
  });
});

describe('DPoP errors', () => {
  test('invalid_dpop_proof passes through at once: no replay, no refresh', async () => {
    const api = await dpopApi();
    api.answer = () => [401, '', { 'WWW-Authenticate': 'DPoP error="invalid_dpop_proof", algs="ES256"' }];
    const result = await settle(api.instance.get('/a'));
    expect(result.ok).toBe(false);
    expect(api.seen).toHaveLength(1);
    expect(api.refresh).not.toHaveBeenCalled();
  });

  test('a DPoP invalid_token challenge refreshes and replays like a Bearer one', async () => {
    const api = await dpopApi();
    api.valid = 'at-revoked';
    await expect(api.instance.get('/a')).resolves.toMatchObject({ status: 200 });
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(api.seen.map((s) => s.auth)).toEqual(['DPoP at-dpop-1', 'DPoP at-dpop-2']);
  });

  test('no error and no event holds a proof or a token, whether printed or serialised', async () => {
    const api = await dpopApi();
    api.answer = (call) => (call.claims!.nonce ? [401, '', { 'WWW-Authenticate': 'DPoP error="invalid_dpop_proof"' }] : nonceChallenge('n-1'));
    const result = await settle(api.instance.get('/a'));
    expect(result.ok).toBe(false);
    const { error } = result as { error: unknown };

    const secrets = [...api.seen.map((s) => s.proof!), ...api.seen.map((s) => s.proof!.split('.')[2]!), 'at-dpop-1'];
    const printed = [inspect(error, { depth: 8 }), JSON.stringify(error), JSON.stringify(api.events)];
    for (const text of printed) for (const secret of secrets) expect(text).not.toContain(secret);
    expect(api.events.map((e) => e.type)).toEqual(expect.arrayContaining(['call-replayed', 'challenge']));
  });
});
