import { AxiosHeaders } from 'axios';
import { createDPoP, generateDPoPKeyPair } from '../../src/dpop';
import { jose } from './jose';

const nonceIn = async (proof: string) => (await jose.jwtVerify(proof, jose.EmbeddedJWK)).payload.nonce;

describe('DPoP nonces', () => {
  test('a nonce is remembered for its origin and sent only in proofs to that origin', async () => {
    const dpop = createDPoP(await generateDPoPKeyPair());
    dpop.remember('https://auth.example.com/token', 'eyJ7S_zG.eyJH0-Z.HX4w-7v');

    expect(await nonceIn(await dpop.proof('POST', 'https://auth.example.com/other/path'))).toBe('eyJ7S_zG.eyJH0-Z.HX4w-7v');
    expect(await nonceIn(await dpop.proof('GET', 'https://api.example.com/items'))).toBeUndefined();
    expect(await nonceIn(await dpop.proof('GET', 'https://auth.example.com:8443/token'))).toBeUndefined();
    expect(dpop.nonceFor('https://AUTH.example.com:443/')).toBe('eyJ7S_zG.eyJH0-Z.HX4w-7v');
  });

  test('a newer nonce replaces the older one, and a nonce given to proof() wins over both', async () => {
    const dpop = createDPoP(await generateDPoPKeyPair());
    dpop.remember('https://api.example.com', 'n-1');
    dpop.remember('https://api.example.com', 'n-2');
    expect(await nonceIn(await dpop.proof('GET', 'https://api.example.com/'))).toBe('n-2');
    expect(await nonceIn(await dpop.proof('GET', 'https://api.example.com/', { nonce: 'n-3' }))).toBe('n-3');
  });

  test.each([
    ['axios headers', AxiosHeaders.from({ 'DPoP-Nonce': 'n-axios' }), 'n-axios'],
    ['a plain object in lower case', { 'content-type': 'application/json', 'dpop-nonce': 'n-plain' }, 'n-plain'],
    ["fetch's Headers", new Headers({ 'DPoP-Nonce': 'n-fetch' }), 'n-fetch'],
  ])('observe() takes the DPoP-Nonce header from %s, on a success too', async (_, headers, nonce) => {
    const dpop = createDPoP(await generateDPoPKeyPair());
    expect(dpop.observe('https://api.example.com/items', headers)).toBe(nonce);
    expect(dpop.nonceFor('https://api.example.com/')).toBe(nonce);
  });

  test('a response without a nonce, or with a malformed one, keeps the nonce already known', async () => {
    const dpop = createDPoP(await generateDPoPKeyPair());
    dpop.remember('https://api.example.com', 'n-1');
    expect(dpop.observe('https://api.example.com/', { 'content-type': 'text/plain' })).toBeUndefined();
    expect(dpop.observe('https://api.example.com/', { 'dpop-nonce': 'has "quotes"' })).toBeUndefined();
    dpop.remember('https://api.example.com', '');
    expect(dpop.nonceFor('https://api.example.com/')).toBe('n-1');
  });

  test('nonces are kept for a bounded number of origins: the one heard from longest ago is forgotten first', async () => {
    const dpop = createDPoP(await generateDPoPKeyPair());
    dpop.remember('https://first.example.com', 'n-first');
    dpop.remember('https://kept.example.com', 'n-kept');
    for (let i = 0; i < 10_000; i++) dpop.remember(`https://host-${i}.example.com`, `n-${i}`);
    dpop.remember('https://kept.example.com', 'n-kept-2');
    dpop.remember('https://one-more.example.com', 'n-more');

    expect(dpop.nonceFor('https://first.example.com')).toBeUndefined();
    expect(dpop.nonceFor('https://kept.example.com')).toBe('n-kept-2');
    expect(dpop.nonceFor('https://host-9999.example.com')).toBe('n-9999');
    expect(dpop.nonceFor('https://host-0.example.com')).toBeUndefined();
  });

  test('two DPoP objects never share nonces, even with one key pair', async () => {
    const keyPair = await generateDPoPKeyPair();
    const [first, second] = [createDPoP(keyPair), createDPoP(keyPair)];
    first.remember('https://api.example.com', 'n-first');
    expect(second.nonceFor('https://api.example.com')).toBeUndefined();
  });
});
