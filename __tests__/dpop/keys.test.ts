import { createDPoP, generateDPoPKeyPair, importDPoPKeyPair, jwkThumbprint, type DPoPAlgorithm } from '../../src/dpop';
import type { JWK } from 'jose';
import { jose } from './jose';

const verify = (proof: string, alg: string) => jose.jwtVerify(proof, jose.EmbeddedJWK, { typ: 'dpop+jwt', algorithms: [alg] });

describe('DPoP key pairs', () => {
  test('a generated pair has a private key no script can export, and a public key every proof can carry', async () => {
    const { privateKey, publicKey } = await generateDPoPKeyPair();
    expect(privateKey).toMatchObject({ type: 'private', extractable: false, usages: ['sign'], algorithm: { name: 'ECDSA', namedCurve: 'P-256' } });
    expect(publicKey).toMatchObject({ type: 'public', extractable: true });
    await expect(crypto.subtle.exportKey('jwk', privateKey)).rejects.toThrow();
    await expect(crypto.subtle.exportKey('pkcs8', privateKey)).rejects.toThrow();
  });

  test.each<[DPoPAlgorithm, string]>([
    ['ES384', 'EC'],
    ['ES512', 'EC'],
    ['PS256', 'RSA'],
    ['RS256', 'RSA'],
    ['Ed25519', 'OKP'],
  ])('%s keys sign proofs that verify, with the alg read from the key', async (alg, kty) => {
    const dpop = createDPoP(await generateDPoPKeyPair(alg));
    const { protectedHeader } = await verify(await dpop.proof('GET', 'https://api.example.com/'), alg);
    expect(dpop.alg).toBe(alg);
    expect(protectedHeader.alg).toBe(alg);
    expect(protectedHeader.jwk?.kty).toBe(kty);
    expect(Object.keys(protectedHeader.jwk!).sort()).toEqual(kty === 'RSA' ? ['e', 'kty', 'n'] : kty === 'EC' ? ['crv', 'kty', 'x', 'y'] : ['crv', 'kty', 'x']);
  });

  test('a pair another library made (here jose, non-extractable) is used as it is', async () => {
    const keyPair = await jose.generateKeyPair('ES256', { extractable: false });
    const dpop = createDPoP(keyPair);
    const { protectedHeader } = await verify(await dpop.proof('GET', 'https://api.example.com/'), 'ES256');
    expect(protectedHeader.jwk).toEqual(await dpop.publicJwk());
  });

  test('the thumbprint is RFC 7638 SHA-256, as jose calculates it', async () => {
    for (const alg of ['ES256', 'RS256', 'Ed25519'] as const) {
      const dpop = createDPoP(await generateDPoPKeyPair(alg));
      const full = await crypto.subtle.exportKey('jwk', dpop.keyPair.publicKey);
      expect(await dpop.thumbprint()).toBe(await jose.calculateJwkThumbprint(full as JWK, 'sha256'));
      expect(await jwkThumbprint(full)).toBe(await dpop.thumbprint());
    }
  });

  test('a private JWK from a secret store comes back as a non-extractable pair with the same thumbprint', async () => {
    const original = createDPoP(await generateDPoPKeyPair('ES256', { extractable: true }));
    const secret = await crypto.subtle.exportKey('jwk', original.keyPair.privateKey);

    const restored = createDPoP(await importDPoPKeyPair(secret));

    expect(restored.keyPair.privateKey.extractable).toBe(false);
    expect(await restored.thumbprint()).toBe(await original.thumbprint());
    await verify(await restored.proof('GET', 'https://api.example.com/'), 'ES256');
  });

  test('an RSA JWK without alg needs the alg named; with it, it imports', async () => {
    const pair = await generateDPoPKeyPair('PS256', { extractable: true });
    const { alg, ...secret } = await crypto.subtle.exportKey('jwk', pair.privateKey);
    expect(alg).toBe('PS256');
    await expect(importDPoPKeyPair(secret)).rejects.toThrow('Expected `jwk` to be a private EC, RSA or Ed25519 JWK');
    expect(createDPoP(await importDPoPKeyPair(secret, 'PS256')).alg).toBe('PS256');
  });

  test('keys proofs cannot use are refused up front, saying what is expected', async () => {
    const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const ecdh = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveBits'])) as CryptoKeyPair;
    const small = (await crypto.subtle.generateKey({ name: 'RSA-PSS', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const { privateKey, publicKey } = await generateDPoPKeyPair();
    const hidden = await crypto.subtle.importKey('jwk', await crypto.subtle.exportKey('jwk', publicKey), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);

    expect(() => createDPoP(undefined as unknown as CryptoKeyPair)).toThrow('Expected `dpop` to be a CryptoKeyPair (e.g. from `generateDPoPKeyPair()`), got undefined');
    expect(() => createDPoP({ privateKey: hmac, publicKey: hmac })).toThrow(TypeError);
    expect(() => createDPoP(ecdh)).toThrow('Expected `dpop` to be a key pair for one of ES256');
    expect(() => createDPoP(small)).toThrow('(RSA of 2048 bits or more)');
    expect(() => createDPoP({ privateKey, publicKey: hidden })).toThrow('public key is extractable');
    await expect(generateDPoPKeyPair('HS256' as DPoPAlgorithm)).rejects.toThrow('Expected `alg` to be one of ES256');
  });
});
