import axios from 'axios';
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { createAuthInterceptor, type AuthInterceptorOptions } from '../../src';
import { generateDPoPKeyPair } from '../../src/dpop';
import { jose } from '../dpop/jose';
import { nodeAdapters } from '../helpers/adapters';
import { settle } from '../helpers/deferred';
import { hop, startRecorder, type Recorder, type Seen } from '../helpers/recorder';

let api: Recorder;
let other: Recorder; // another origin (same host, another port), allowed to receive the token
beforeEach(async () => {
  [api, other] = await Promise.all([startRecorder(), startRecorder()]);
});
afterEach(() => Promise.all([api.close(), other.close()]));

const ath = (token: string) => createHash('sha256').update(token).digest('base64url');

/** The claims of the DPoP proof a request carried, verified against the key embedded in it, as a server would. */
async function proofOf(request: Seen): Promise<Record<string, unknown>> {
  const { payload } = await jose.compactVerify(String(request.headers.dpop), jose.EmbeddedJWK);
  return JSON.parse(new TextDecoder().decode(payload));
}

async function signedIn(adapter: 'http' | 'fetch', options: Partial<AuthInterceptorOptions> = {}) {
  const instance = axios.create({ baseURL: api.url, adapter });
  const auth = createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'at-dpop-2', tokenType: 'DPoP' }), dpop: await generateDPoPKeyPair(), ...options });
  await auth.setTokens({ accessToken: 'at-dpop-1', tokenType: 'DPoP' });
  return instance;
}

describe.each(nodeAdapters)('with the %s adapter', (adapter) => {
  test.each([
    ['/v1', '/items', { q: 'x' }],
    ['/v1/', 'items#top', undefined],
    ['/v1', '/a/./b/../c%2e%2E/d?x=1', { page: 2 }],
    ['', '/caf%C3%A9/ä', undefined],
  ])('the proof of a call on baseURL …%s to %s names the URL the server was sent, without its query', async (path, url, params) => {
    const instance = await signedIn(adapter);
    instance.defaults.baseURL = `${api.url}${path}`;
    await instance.get(url, { params });
    const [seen] = api.seen;
    expect((await proofOf(seen!)).htu).toBe(`${api.url}${seen!.path}`);
  });

  test('each hop of a same-origin redirect carries a proof of its own: its URL, a new jti, the token', async () => {
    const instance = await signedIn(adapter);
    await instance.post(hop(307, `${api.url}${hop(308, '/landing')}`), { a: 1 });

    expect(api.seen.map(({ path, method }) => `${method} ${path}`)).toEqual(['POST /hop/307', 'POST /hop/308', 'POST /landing']);
    const proofs = await Promise.all(api.seen.map(proofOf));
    expect(proofs.map(({ htu, htm }) => `${htm} ${htu}`)).toEqual([`POST ${api.url}/hop/307`, `POST ${api.url}/hop/308`, `POST ${api.url}/landing`]);
    expect(new Set(proofs.map(({ jti }) => jti)).size).toBe(3);
    expect(proofs.every((proof) => proof.ath === ath('at-dpop-1'))).toBe(true);
    expect(api.seen.every(({ headers }) => headers.authorization === 'DPoP at-dpop-1')).toBe(true);
  });

  test('a 303 hop turns the proof into a GET proof for the new URL', async () => {
    const instance = await signedIn(adapter);
    await instance.post(hop(303, '/after'), { a: 1 });
    const [, landed] = await Promise.all(api.seen.map(proofOf));
    expect(landed).toMatchObject({ htm: 'GET', htu: `${api.url}/after` });
  });

  test('a hop to an allowed origin carries a proof for that origin (with a header that survives another origin)', async () => {
    const instance = await signedIn(adapter, { allowedOrigins: [other.url], header: 'X-Api-Token' });
    await instance.get(hop(302, `${other.url}/there`));
    expect(other.seen[0]!.headers['x-api-token']).toBe('DPoP at-dpop-1');
    expect(await proofOf(other.seen[0]!)).toMatchObject({ htu: `${other.url}/there`, ath: ath('at-dpop-1') });
  });

  test('a call that fails after a redirect leaves neither hop\'s proof nor the token in its error', async () => {
    const instance = await signedIn(adapter);
    const outcome = await settle(instance.get(hop(307, hop(500, '/x'))));
    expect(outcome.ok).toBe(false);
    const { error } = outcome as { error: unknown };
    const proofs = api.seen.map(({ headers }) => String(headers.dpop));
    expect(new Set(proofs).size).toBe(2);
    const printed = `${inspect(error, { depth: 10 })}${JSON.stringify(error)}`;
    for (const secret of [...proofs, ...proofs.map((proof) => proof.split('.')[2]!), 'at-dpop-1']) expect(printed).not.toContain(secret);
  });

  test('a DPoP-Nonce learnt from the origin a redirect reached goes into proofs for that origin only', async () => {
    const instance = await signedIn(adapter, { allowedOrigins: [other.url] });
    await instance.get(hop(302, `${other.url}/nonce/nonce-from-B`));
    await instance.get('/home');
    await instance.get(`${other.url}/again`);

    const home = await proofOf(api.seen.find(({ path }) => path === '/home')!);
    expect(home.nonce).toBeUndefined();
    expect(await proofOf(other.seen.find(({ path }) => path === '/again')!)).toMatchObject({ nonce: 'nonce-from-B' });
  });
});
