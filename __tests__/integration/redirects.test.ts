import axios, { getAdapter, type AxiosInstance } from 'axios';
import { Readable } from 'node:stream';
import { createAuthInterceptor, type AuthInterceptorOptions } from '../../src';
import { generateDPoPKeyPair } from '../../src/dpop';
import { nodeAdapters, describeWithFetch } from '../helpers/adapters';
import { hop, startRecorder, type Recorder, type Seen } from '../helpers/recorder';

let api: Recorder;
let evil: Recorder; // another origin: same host, another port
beforeEach(async () => {
  [api, evil] = await Promise.all([startRecorder(), startRecorder()]);
});
afterEach(() => Promise.all([api.close(), evil.close()]));

/** An instance on `api` with a session holding `at-1`, whose refresh issues `at-2`. */
async function signedIn(adapter: 'http' | 'fetch', options: Partial<AuthInterceptorOptions> = {}) {
  const instance = axios.create({ baseURL: api.url, adapter });
  const refresh = jest.fn(async () => ({ accessToken: 'at-2', expiresAt: Date.now() + 3_600_000 }));
  const auth = createAuthInterceptor(instance, { refresh, ...options });
  await auth.setTokens({ accessToken: 'at-1', expiresAt: Date.now() + 3_600_000 });
  return { instance, auth, refresh };
}

const echoed = async (instance: AxiosInstance, url: string, config = {}) => (await instance.request<Seen>({ url, ...config })).data;

describe.each(nodeAdapters)('with the %s adapter', (adapter) => {
  test.each([301, 302, 303, 307, 308])('a %i to another origin delivers no custom token header there', async (status) => {
    const { instance } = await signedIn(adapter, { header: 'X-Api-Token', scheme: '' });
    const seen = await echoed(instance, hop(status, `${evil.url}/echo`));
    expect(seen.path).toBe('/echo');
    expect(seen.headers['x-api-token']).toBeUndefined();
    expect(evil.seen.every((request) => request.headers['x-api-token'] === undefined)).toBe(true);
    expect(api.seen[0]!.headers['x-api-token']).toBe('at-1');
  });

  test('a redirect to another origin delivers no Authorization there', async () => {
    const { instance } = await signedIn(adapter);
    const seen = await echoed(instance, hop(302, `${evil.url}/echo`));
    expect(seen.headers.authorization).toBeUndefined();
    expect(api.seen[0]!.headers.authorization).toBe('Bearer at-1');
  });

  test('a redirect within the origin, or to an allowed origin, keeps a custom token header', async () => {
    const { instance } = await signedIn(adapter, { header: 'X-Api-Token', scheme: '', allowedOrigins: [evil.url] });
    expect((await echoed(instance, hop(307, `${api.url}/same`))).headers['x-api-token']).toBe('at-1');
    expect((await echoed(instance, hop(302, `${evil.url}/allowed`))).headers['x-api-token']).toBe('at-1');
  });

  test('once a hop left for a refused origin, the token does not come back on the way home', async () => {
    const { instance } = await signedIn(adapter, { header: 'X-Api-Token', scheme: '' });
    const seen = await echoed(instance, hop(302, `${evil.url}${hop(302, `${api.url}/home`)}`));
    expect(seen.path).toBe('/home');
    expect(seen.headers['x-api-token']).toBeUndefined();
  });

  test("a 401 from an origin a redirect reached starts no refresh, and its Date does not move the session's clock", async () => {
    const { instance, refresh } = await signedIn(adapter);
    await expect(instance.get(hop(302, `${evil.url}/unauthorized`))).rejects.toMatchObject({ response: { status: 401 } });
    expect(refresh).not.toHaveBeenCalled();
    // Had the session believed that Date, its token (an hour left) would look expired now, and this call would refresh first.
    expect((await echoed(instance, '/echo')).headers.authorization).toBe('Bearer at-1');
    expect(refresh).not.toHaveBeenCalled();
  });

  test('a 401 after a redirect within the origin still refreshes and replays', async () => {
    const { instance, refresh } = await signedIn(adapter);
    await expect(instance.get(hop(302, `${api.url}/unauthorized`))).rejects.toMatchObject({ response: { status: 401 } });
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(api.seen.filter((request) => request.path === '/unauthorized').map((request) => request.headers.authorization)).toEqual(['Bearer at-1', 'Bearer at-2']);
  });

  test('a foreign origin that bounces a call back home, where it arrives without the token, cannot make the session refresh', async () => {
    const instance = axios.create({ baseURL: api.url, adapter });
    let issued = 0;
    const refresh = jest.fn(async () => ({ accessToken: `at-fresh-${++issued}-000000` }));
    const auth = createAuthInterceptor(instance, { refresh });
    await auth.setTokens({ accessToken: 'at-first-0000000' });

    // api -> evil (the token is dropped) -> back to api's /guarded, which sees no token and answers 401.
    const bounce = hop(302, `${evil.url}${hop(302, `${api.url}/guarded`)}`);
    await Promise.allSettled([instance.get(bounce), instance.get(bounce)]);
    await instance.get(bounce).catch(() => {});

    expect(refresh).not.toHaveBeenCalled();
  });

  test('a redirect to an origin that may not have the token carries neither the token nor its DPoP proof there', async () => {
    const instance = axios.create({ baseURL: api.url, adapter });
    const auth = createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'at-dpop-2', tokenType: 'DPoP' }), dpop: await generateDPoPKeyPair() });
    await auth.setTokens({ accessToken: 'at-dpop-1', tokenType: 'DPoP' });

    await instance.get(hop(302, `${evil.url}/landing`));

    expect(api.seen[0]!.headers.dpop).toEqual(expect.any(String)); // the call home was signed
    expect(evil.seen).toHaveLength(1);
    expect(evil.seen[0]!.headers.authorization).toBeUndefined();
    // The proof is made for this token (its `ath`) and the first URL: nothing another origin should hold.
    expect(evil.seen[0]!.headers.dpop).toBeUndefined();
  });
});

describeWithFetch('the fetch adapter, whose redirects Node follows inside undici, is followed hop by hop', () => {
  test('301 and 302 turn a POST into a GET without its body; 303 turns any method but HEAD into GET', async () => {
    const { instance } = await signedIn('fetch');
    for (const [status, method] of [[301, 'post'], [302, 'post'], [303, 'put']] as const) {
      const seen = await echoed(instance, hop(status, `${api.url}/landed`), { method, data: { a: 1 } });
      expect(seen).toMatchObject({ method: 'GET', body: '' });
      expect(seen.headers['content-type']).toBeUndefined();
      expect(seen.headers.authorization).toBe('Bearer at-1');
    }
  });

  test('307 and 308 resend the method and body', async () => {
    const { instance } = await signedIn('fetch');
    for (const status of [307, 308]) {
      const seen = await echoed(instance, hop(status, `${api.url}/landed`), { method: 'put', data: { a: 1 } });
      expect(seen).toMatchObject({ method: 'PUT', body: '{"a":1}', headers: { 'content-type': 'application/json', authorization: 'Bearer at-1' } });
    }
  });

  test('a stream body cannot be sent again: 307 rejects saying so, 303 goes on as a GET', async () => {
    const { instance } = await signedIn('fetch');
    const stream = () => Readable.from(['chunk']);
    await expect(instance.post(hop(307, `${api.url}/landed`), stream())).rejects.toMatchObject({ code: 'ERR_BAD_REQUEST', message: 'Cannot follow a redirect that resends a stream body' });
    expect((await echoed(instance, hop(303, `${api.url}/landed`), { method: 'post', data: stream() })).method).toBe('GET');
  });

  test('a cross-origin hop drops Authorization, Cookie and Proxy-Authorization, as undici does, even to an allowed origin', async () => {
    const { instance } = await signedIn('fetch', { allowedOrigins: [evil.url] });
    const seen = await echoed(instance, hop(302, `${evil.url}/echo`), { headers: { Cookie: 'sid=1', 'Proxy-Authorization': 'Basic eA==' } });
    expect(seen.headers).not.toHaveProperty('cookie');
    expect(seen.headers).not.toHaveProperty('proxy-authorization');
    expect(seen.headers).not.toHaveProperty('authorization');
  });

  test('maxRedirects bounds the hops, and the final URL is known', async () => {
    const { instance } = await signedIn('fetch');
    const loop = `${api.url}${hop(302, `${api.url}${hop(302, `${api.url}/end`)}`)}`;
    await expect(instance.get(loop, { maxRedirects: 1 })).rejects.toMatchObject({ code: 'ERR_FR_TOO_MANY_REDIRECTS' });
    const response = await instance.get(loop, { maxRedirects: 2 });
    expect(response.data.path).toBe('/end');
    expect((response.request as Request).url).toBe(`${api.url}/end`);
  });

  test('maxRedirects: 0 and a redirect mode of its own leave the 3xx to the caller, and the config keeps no option of ours', async () => {
    const { instance } = await signedIn('fetch');
    await expect(instance.get(hop(302, `${api.url}/end`), { maxRedirects: 0 })).rejects.toMatchObject({ response: { status: 302 } });
    await expect(instance.get(hop(302, `${api.url}/end`), { fetchOptions: { redirect: 'manual' } })).rejects.toMatchObject({ response: { status: 302 } });
    const response = await instance.get(hop(302, `${api.url}/end`));
    expect(response.config.fetchOptions).toBeUndefined();
    expect(response.config.url).toBe(hop(302, `${api.url}/end`));
  });
});

describeWithFetch('a per-call adapter function', () => {
  const token = 'at-0123456789abcdef';

  test.each([
    ['http', 'fetch'],
    ['fetch', 'http'],
  ] as const)('(instance %s, call %s) does not carry a custom token header through a redirect to another origin', async (instanceAdapter, callAdapter) => {
    const instance = axios.create({ baseURL: api.url, adapter: instanceAdapter });
    const auth = createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'at-other-000000' }), header: 'X-Api-Token', scheme: '' });
    await auth.setTokens({ accessToken: token });

    await instance.get(hop(302, `${evil.url}/landing`), { adapter: getAdapter(callAdapter) });

    expect(api.seen[0]!.headers['x-api-token']).toBe(token);
    expect(evil.seen.map((request) => request.headers['x-api-token'])).toEqual([undefined]);
  });
});
