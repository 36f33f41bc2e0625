import { type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { createHash } from 'node:crypto';
import { jwkThumbprint, generateDPoPKeyPair } from '../../src/dpop';
import { settle } from '../helpers/deferred';
import { dpopApi, type Reply } from '../helpers/dpopApi';
import { jose } from '../dpop/jose';

const ath = (token: string) => createHash('sha256').update(token).digest('base64url');
const thumbprintOf = async (keys: CryptoKeyPair) => jwkThumbprint((await crypto.subtle.exportKey('jwk', keys.publicKey)) as JsonWebKey);
const stepUpAsked: Reply = [401, '', { 'WWW-Authenticate': 'DPoP error="insufficient_scope", scope="admin"' }];

describe('every send carries the credentials of its own token', () => {
  test('a DPoP call refused and refreshed to a Bearer token is replayed as Bearer, with no DPoP header', async () => {
    const api = await dpopApi();
    api.refresh.mockResolvedValueOnce({ accessToken: 'at-bearer-2', tokenType: 'Bearer' });
    api.answer = (call) => (call.auth === 'Bearer at-bearer-2' ? [200, { ok: true }] : undefined);
    api.valid = 'at-revoked';

    await api.instance.get('/items');

    expect(api.seen.map(({ auth, proof }) => ({ auth, proof: proof !== undefined }))).toEqual([
      { auth: 'DPoP at-dpop-1', proof: true },
      { auth: 'Bearer at-bearer-2', proof: false },
    ]);
  });

  test('a DPoP call stepped up by onChallenge to a Bearer token is replayed as Bearer, with no DPoP header', async () => {
    const onChallenge = jest.fn(async () => ({ accessToken: 'at-bearer-admin', tokenType: 'Bearer' }));
    const api = await dpopApi({ onChallenge });
    api.answer = (call) => (call.auth === 'Bearer at-bearer-admin' ? [200, { ok: true }] : stepUpAsked);

    await api.instance.delete('/items/7');

    expect(onChallenge).toHaveBeenCalledTimes(1);
    expect(api.refresh).not.toHaveBeenCalled();
    expect(api.seen[1]).toEqual({ url: 'https://api.test/items/7', method: 'delete', auth: 'Bearer at-bearer-admin' });
  });

  test('a Bearer call refreshed to a DPoP token is replayed with a proof for the new token', async () => {
    const api = await dpopApi();
    await api.auth.setTokens({ accessToken: 'at-bearer-1', tokenType: 'Bearer' });
    await api.instance.get('/items');

    expect(api.seen.map(({ auth }) => auth)).toEqual(['Bearer at-bearer-1', 'DPoP at-dpop-2']);
    expect(api.seen[1]!.claims).toMatchObject({ htu: 'https://api.test/items', ath: ath('at-dpop-2') });
  });
});

describe('a stand-in adapter on a DPoP session', () => {
  test('sends Authorization: DPoP with a proof for its own URL that verifies', async () => {
    const api = await dpopApi();
    const received: InternalAxiosRequestConfig[] = [];
    const adapter = async (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
      received.push({ ...config, headers: config.headers.toJSON() as InternalAxiosRequestConfig['headers'] });
      return { data: 'stub', status: 200, statusText: 'OK', headers: {}, config };
    };

    await api.instance.post('/reports/9', { a: 1 }, { adapter, params: { q: 'x' } });

    const [sent] = received;
    expect(sent!.headers.Authorization).toBe('DPoP at-dpop-1');
    const proof = sent!.headers.DPoP as string;
    const { payload, protectedHeader } = await jose.compactVerify(proof, jose.EmbeddedJWK);
    const claims = JSON.parse(new TextDecoder().decode(payload));
    expect(claims).toMatchObject({ htm: 'POST', htu: 'https://api.test/reports/9', ath: ath('at-dpop-1') });
    expect(await jwkThumbprint(protectedHeader.jwk as JsonWebKey)).toBe(await thumbprintOf(api.keys));
    expect(api.seen).toEqual([]);
  });

  test('takes the token and the proof back off the config once it answered', async () => {
    const api = await dpopApi();
    const adapter = async (config: InternalAxiosRequestConfig): Promise<AxiosResponse> => ({ data: '', status: 200, statusText: 'OK', headers: {}, config });
    const { config } = await api.instance.get('/a', { adapter });
    expect(config.headers.Authorization).toBeUndefined();
    expect(config.headers.DPoP).toBeUndefined();
  });
});

describe('DPoP keys that change with the sign-in', () => {
  test('dpop as a function: after sign-out and a sign-in with a new key, proofs are signed with the new key', async () => {
    const key1 = await generateDPoPKeyPair();
    const key2 = await generateDPoPKeyPair();
    let current = key1;
    const api = await dpopApi({ dpop: () => current });
    await api.instance.get('/first');

    await api.auth.clearTokens();
    current = key2;
    api.valid = 'at-dpop-key2';
    await api.auth.setTokens({ accessToken: 'at-dpop-key2', tokenType: 'DPoP' });
    await api.instance.get('/second');

    const [first, second] = await Promise.all(api.seen.map((call) => jwkThumbprint(call.header!.jwk as JsonWebKey)));
    expect(first).toBe(await thumbprintOf(key1));
    expect(second).toBe(await thumbprintOf(key2));
    expect(api.seen[1]!.claims!.ath).toBe(ath('at-dpop-key2'));
  });

  test('dpop as an async function is awaited for each proof', async () => {
    const keys = await generateDPoPKeyPair();
    const source = jest.fn(async () => keys);
    const api = await dpopApi({ dpop: source });
    await api.instance.get('/a');
    await api.instance.get('/b');
    expect(source.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(await jwkThumbprint(api.seen[1]!.header!.jwk as JsonWebKey)).toBe(await thumbprintOf(keys));
  });
});

describe('a hostile server or a careless app cannot make a send go out without its proof', () => {
  test('a server asking for a new nonce on every send gets one replay carrying its nonce, then the refusal', async () => {
    const api = await dpopApi();
    let n = 0;
    api.answer = () => [401, '', { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': `nonce-${++n}` }];
    const outcome = await settle(api.instance.get('/a'));

    expect(outcome).toMatchObject({ ok: false, error: { response: { status: 401 } } });
    expect(api.seen.map((call) => call.claims!.nonce)).toEqual([undefined, 'nonce-1']);
    expect(api.refresh).not.toHaveBeenCalled();
  });

  test.each([
    ['throws', () => {
      throw new Error('no key here');
    }],
    ['rejects', () => Promise.reject(new Error('no key here'))],
    ['returns something that is not a key pair', () => ({ publicKey: 'x' })],
    ['returns nothing', () => undefined],
  ])('a dpop function that %s fails the call, and nothing is sent', async (_what, source) => {
    const api = await dpopApi({ dpop: source as never });
    const outcome = await settle(api.instance.get('/a'));
    expect(outcome.ok).toBe(false);
    expect(api.seen).toEqual([]);
  });

  test('a response config sent again gets a fresh proof, never the first send\'s', async () => {
    const api = await dpopApi();
    const { config } = await api.instance.get('/a');
    await api.instance.request(config);
    expect(api.seen).toHaveLength(2);
    expect(api.seen[1]!.proof).not.toBe(api.seen[0]!.proof);
    expect(api.seen[1]!.claims!.jti).not.toBe(api.seen[0]!.claims!.jti);
  });
});
