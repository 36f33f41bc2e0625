import axios, { getAdapter } from 'axios';
import { createAuthInterceptor, type AuthEvent } from '../../src';
import { hop, startRecorder, type Recorder } from '../helpers/recorder';
import { nodeAdapters, describeWithFetch } from '../helpers/adapters';

let api: Recorder;
let evil: Recorder; // another origin: same host, another port
beforeEach(async () => {
  [api, evil] = await Promise.all([startRecorder(), startRecorder()]);
});
afterEach(() => Promise.all([api.close(), evil.close()]));

const token = 'at-0123456789abcdef';

describe.each(nodeAdapters)('with the %s adapter', (adapter) => {
  test("without an absolute instance baseURL, a call's own baseURL on another origin does not make that origin home", async () => {
    const events: AuthEvent[] = [];
    const instance = axios.create({ adapter });
    const auth = createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'at-other-000000' }), onEvent: (event) => events.push(event) });
    await auth.setTokens({ accessToken: token });

    // The same destination written as one absolute URL is withheld...
    await instance.get(`${evil.url}/x`);
    // ...so it must be withheld when the call splits it into baseURL and path.
    await instance.get('/x', { baseURL: evil.url });

    expect(evil.seen.map((request) => request.headers.authorization)).toEqual([undefined, undefined]);
  });
});

describeWithFetch('a per-call adapter function', () => {
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
