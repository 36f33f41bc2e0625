import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { inspect } from 'node:util';
import type { RefreshContext } from '../../src';
import { createDPoP, generateDPoPKeyPair, type DPoP } from '../../src/dpop';
import { clientCredentialsGrant, isOAuthError, refreshTokenGrant } from '../../src/oauth';
import { settle } from '../helpers/deferred';
import { jose } from './jose';

const tokenEndpoint = 'https://id.example.com/oauth/token?tenant=1';
const previous = { accessToken: 'at-old', refreshToken: 'rt-old-0123456789' };
type Reply = [number, unknown?, Record<string, string>?];
const issued: Reply = [200, { access_token: 'at-new', token_type: 'DPoP', expires_in: 300, refresh_token: 'rt-new-0123456789' }];
const nonceError = (nonce: string): Reply => [400, { error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce in DPoP proof' }, { 'DPoP-Nonce': nonce }];

/** A token endpoint on axios-mock-adapter that verifies each DPoP proof with jose and answers from `replies` in turn. */
async function setup(...replies: Reply[]) {
  const http = axios.create();
  const mock = new MockAdapter(http);
  const dpop = createDPoP(await generateDPoPKeyPair());
  const proofs: Array<{ proof: string; claims: Record<string, unknown> }> = [];
  mock.onPost(tokenEndpoint).reply(async (config) => {
    const proof = config.headers?.DPoP as string;
    const { payload } = await jose.compactVerify(proof, jose.EmbeddedJWK);
    proofs.push({ proof, claims: JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown> });
    return replies.shift() ?? issued;
  });
  const context = (): RefreshContext => ({ signal: new AbortController().signal, reason: 'manual', dpop });
  return { http, dpop, proofs, context, grant: refreshTokenGrant({ tokenEndpoint, clientId: 'spa', http }) };
}

test('with context.dpop a token request carries a proof of POST to the endpoint, without query or ath', async () => {
  const { grant, context, proofs } = await setup();
  await grant(previous, context());
  expect(proofs[0]!.claims).toEqual({ jti: expect.any(String), htm: 'POST', htu: 'https://id.example.com/oauth/token', iat: expect.any(Number) });
});

test('a DPoP token_type comes back as tokenType DPoP', async () => {
  const { grant, context } = await setup();
  await expect(grant(previous, context())).resolves.toMatchObject({ accessToken: 'at-new', tokenType: 'DPoP' });
});

test('a 400 use_dpop_nonce is answered by one retry with a fresh proof carrying the nonce, and the nonce is kept for the next request', async () => {
  const { grant, context, proofs } = await setup(nonceError('n-1'));
  await expect(grant(previous, context())).resolves.toMatchObject({ accessToken: 'at-new' });
  await grant(previous, context());

  expect(proofs.map((p) => p.claims.nonce)).toEqual([undefined, 'n-1', 'n-1']);
  expect(new Set(proofs.map((p) => p.claims.jti)).size).toBe(3);
});

test('a nonce handed out with a success is used by the next token request', async () => {
  const { grant, context, proofs } = await setup([200, issued[1], { 'DPoP-Nonce': 'n-next' }]);
  await grant(previous, context());
  await grant(previous, context());
  expect(proofs.map((p) => p.claims.nonce)).toEqual([undefined, 'n-next']);
});

test('a second use_dpop_nonce is not retried again: the refresh fails with that OAuth error after two requests', async () => {
  const { grant, context, proofs } = await setup(nonceError('n-1'), nonceError('n-2'), nonceError('n-3'));
  const result = await settle(grant(previous, context()));
  const error = (result as { error: unknown }).error;
  expect(isOAuthError(error) && error.error).toBe('use_dpop_nonce');
  expect(proofs).toHaveLength(2);
});

test('a use_dpop_nonce without a nonce is not retried', async () => {
  const { grant, context, proofs } = await setup([400, { error: 'use_dpop_nonce' }]);
  await settle(grant(previous, context()));
  expect(proofs).toHaveLength(1);
});

test('no proof or refresh token appears in a failed token request, printed or serialised', async () => {
  const { grant, context, proofs } = await setup(nonceError('n-1'), [503, 'down']);
  const result = await settle(grant(previous, context()));
  const error = (result as { error: unknown }).error;
  expect((error as { response?: { status: number } }).response?.status).toBe(503);
  const printed = [inspect(error, { depth: 8 }), JSON.stringify(error)];
  for (const text of printed) {
    for (const { proof } of proofs) expect(text).not.toContain(proof.split('.')[2]);
    expect(text).not.toContain(previous.refreshToken);
  }
});

test('the client credentials grant signs its requests too', async () => {
  const { http, context, proofs } = await setup(nonceError('n-1'));
  const grant = clientCredentialsGrant({ tokenEndpoint, clientId: 'worker', clientSecret: 'worker-secret', http });
  await expect(grant(null, context())).resolves.toMatchObject({ tokenType: 'DPoP' });
  expect(proofs.map((p) => p.claims.nonce)).toEqual([undefined, 'n-1']);
});

test('without context.dpop no DPoP header is sent', async () => {
  const http = axios.create();
  const mock = new MockAdapter(http);
  const headers: unknown[] = [];
  mock.onPost(tokenEndpoint).reply((config) => (headers.push(config.headers?.DPoP), issued));
  await refreshTokenGrant({ tokenEndpoint, clientId: 'spa', http })(previous, { signal: new AbortController().signal, reason: 'manual' });
  expect(headers).toEqual([undefined]);
});

test('a hand-written refresh gets the same signer from the interceptor: context.dpop', async () => {
  const { createAuthInterceptor } = await import('../../src');
  const api = axios.create({ baseURL: 'https://api.test' });
  const keyPair = await generateDPoPKeyPair();
  let given: DPoP | undefined;
  const auth = createAuthInterceptor(api, {
    dpop: keyPair,
    refresh: async (_tokens, context) => {
      given = context.dpop;
      return { accessToken: 'at-2', tokenType: 'DPoP' };
    },
  });
  await auth.refresh();
  expect(given?.keyPair).toBe(keyPair);
});
