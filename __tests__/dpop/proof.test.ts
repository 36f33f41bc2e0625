import { createHash } from 'node:crypto';
import { createDPoP, generateDPoPKeyPair } from '../../src/dpop';
import { inPage } from '../helpers/page';
import { jose } from './jose';

const verify = (proof: string) => jose.jwtVerify(proof, jose.EmbeddedJWK, { typ: 'dpop+jwt' });

describe('a DPoP proof', () => {
  test('verifies with the key it embeds and carries exactly typ, alg, jwk, jti, htm, htu and iat', async () => {
    const keyPair = await generateDPoPKeyPair();
    const proof = await createDPoP(keyPair).proof('post', 'https://api.example.com/items', { now: 1_700_000_000_999 });

    const { protectedHeader, payload } = await verify(proof);

    const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', keyPair.publicKey);
    expect(protectedHeader).toEqual({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } });
    expect(payload).toEqual({ jti: expect.any(String), htm: 'POST', htu: 'https://api.example.com/items', iat: 1_700_000_000 });
  });

  test.each([
    ['https://api.example.com/items?page=2&token=secret#top', 'https://api.example.com/items'],
    ['HTTPS://API.Example.COM:443/a/./b/../items', 'https://api.example.com/a/items'],
    ['http://user:password@api.example.com:8080', 'http://api.example.com:8080/'],
    ['https://api.example.com/caf%C3%A9/ä', 'https://api.example.com/caf%C3%A9/%C3%A4'],
  ])('names %s as htu %s: no query, no fragment, normalised as the server compares it', async (url, expected) => {
    const dpop = createDPoP(await generateDPoPKeyPair());
    const { payload } = await verify(await dpop.proof('GET', url));
    expect(payload.htu).toBe(expected);
  });

  test('a method or a nonce given outside ASCII reads back from the proof as given', async () => {
    const dpop = createDPoP(await generateDPoPKeyPair());
    const { payload } = await verify(await dpop.proof('gét', 'https://api.example.com/items', { nonce: 'nønce-☃' }));
    expect(payload).toMatchObject({ htm: 'GÉT', nonce: 'nønce-☃' });
  });

  test('a relative URL outside a browser is refused without echoing it', async () => {
    const dpop = createDPoP(await generateDPoPKeyPair());
    await expect(dpop.proof('GET', '/items?token=secret')).rejects.toThrow(/^Expected an absolute http\(s\) URL[^?]*$/);
  });

  test('a relative URL in a page resolves against the document\'s base URL, where fetch and xhr send it', async () => {
    const dpop = createDPoP(await generateDPoPKeyPair());
    const proof = await inPage('https://app.example.com/page', () => dpop.proof('GET', 'items?page=2'), 'https://cdn.example.com/app/');
    expect((await verify(proof)).payload.htu).toBe('https://cdn.example.com/app/items');
  });

  test('each proof has a fresh jti, also for the same request sent again', async () => {
    const dpop = createDPoP(await generateDPoPKeyPair());
    const proofs = await Promise.all(Array.from({ length: 50 }, () => dpop.proof('GET', 'https://api.example.com/items')));
    const ids = await Promise.all(proofs.map(async (proof) => (await verify(proof)).payload.jti));
    expect(new Set(ids).size).toBe(50);
    expect(ids[0]).toMatch(/^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/);
  });

  test('binds the access token with ath = base64url(SHA-256(token)), and has no ath without one', async () => {
    const dpop = createDPoP(await generateDPoPKeyPair());
    const token = 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU';
    const expected = createHash('sha256').update(token, 'ascii').digest('base64url');

    const bound = await verify(await dpop.proof('GET', 'https://api.example.com/items', { accessToken: token }));
    const again = await verify(await dpop.proof('GET', 'https://api.example.com/items', { accessToken: 'another' }));
    const unbound = await verify(await dpop.proof('POST', 'https://auth.example.com/token'));

    expect(bound.payload.ath).toBe(expected);
    expect(again.payload.ath).toBe(createHash('sha256').update('another').digest('base64url'));
    expect(unbound.payload).not.toHaveProperty('ath');
  });

  test('iat is in seconds on the clock the caller gives, by default the local one', async () => {
    const dpop = createDPoP(await generateDPoPKeyPair());
    const before = Math.floor(Date.now() / 1000);
    const local = await verify(await dpop.proof('GET', 'https://api.example.com/'));
    const server = await verify(await dpop.proof('GET', 'https://api.example.com/', { now: Date.now() + 3_600_000 }));
    expect(local.payload.iat).toBeGreaterThanOrEqual(before);
    expect(server.payload.iat! - local.payload.iat!).toBeGreaterThanOrEqual(3_599);
    await expect(dpop.proof('GET', 'https://api.example.com/', { now: Number.NaN })).rejects.toThrow('Expected `now` to be a time in milliseconds');
  });

  test('its signature is in JOSE form (r || s, 64 bytes for ES256), not DER', async () => {
    const proof = await createDPoP(await generateDPoPKeyPair()).proof('GET', 'https://api.example.com/');
    expect(Buffer.from(proof.split('.')[2]!, 'base64url')).toHaveLength(64);
  });
});
