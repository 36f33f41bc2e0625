import axios from 'axios';
import { createAuthInterceptor } from '../../src';
import { generateDPoPKeyPair } from '../../src/dpop';
import { nodeAdapters } from '../helpers/adapters';
import { hop, startRecorder, type Recorder } from '../helpers/recorder';

let api: Recorder;
let evil: Recorder; // another origin: same host, another port
beforeEach(async () => {
  [api, evil] = await Promise.all([startRecorder(), startRecorder()]);
});
afterEach(() => Promise.all([api.close(), evil.close()]));

describe.each(nodeAdapters)('with the %s adapter', (adapter) => {
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
