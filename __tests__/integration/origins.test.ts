import axios from 'axios';
import { createAuthInterceptor, type AuthEvent } from '../../src';
import { startTokenServer, type TokenServer } from '../../examples/server';
import { nodeAdapters } from '../helpers/adapters';
import { startRecorder, type Recorder } from '../helpers/recorder';

let api: TokenServer;
let evil: TokenServer; // another origin: same host, another port
beforeEach(async () => {
  [api, evil] = await Promise.all([startTokenServer(), startTokenServer()]);
});
afterEach(() => Promise.all([api.close(), evil.close()]));

/** An instance signed in to `api`, with or without a baseURL. */
async function signedIn(adapter: 'http' | 'fetch', baseURL?: string) {
  const instance = axios.create({ adapter, ...(baseURL !== undefined && { baseURL }) });
  const refresh = jest.fn(async () => api.signIn());
  const auth = createAuthInterceptor(instance, { refresh });
  await auth.setTokens(api.signIn());
  return { instance, refresh };
}

/** Ways of writing evil's echo URL that the URL parser reads as evil's, but a `^scheme://` test does not. */
const disguised = (origin: string) => {
  const echo = `${origin}/open/echo`;
  return [` ${echo}`, `\t${echo}`, `\n${echo}`, `\x01${echo}`, `\x1f${echo}`, echo.replace('http', 'ht\ttp'), echo.replace('http', 'h\nttp'), echo.replace('//', '/\t/')];
};

describe.each(nodeAdapters)('in Node with the %s adapter', (adapter) => {
  test('without a baseURL, URLs the parser reads as another origin reach it without the token', async () => {
    const { instance } = await signedIn(adapter);
    const urls = disguised(evil.url);
    for (const url of urls) {
      const { data } = await instance.get(url);
      expect(data.headers.authorization).toBeUndefined();
    }
    expect(evil.log).toHaveLength(urls.length);
    expect(evil.log.every((entry) => !entry.header)).toBe(true);
  });

  test('without a baseURL, allowAbsoluteUrls: false does not turn another origin into home', async () => {
    const { instance } = await signedIn(adapter);
    const { data } = await instance.get(`${evil.url}/open/echo`, { allowAbsoluteUrls: false });
    expect(data.headers.authorization).toBeUndefined();
  });

  test("a call that clears baseURL to send an absolute URL (as generated OpenAPI clients do) carries the token to the instance's origin only", async () => {
    const { instance, refresh } = await signedIn(adapter, api.url);
    const home = await instance.request({ baseURL: '', url: `${api.url}/api/echo` });
    expect(home.data.headers.authorization).toMatch(/^Bearer at-/);
    const away = await instance.request({ baseURL: '', url: `${evil.url}/open/echo` });
    expect(away.data.headers.authorization).toBeUndefined();
    expect(refresh).not.toHaveBeenCalled();
  });

  test('with a baseURL, the same disguised URLs are paths on it and carry the token there', async () => {
    const { instance } = await signedIn(adapter, api.url);
    for (const url of disguised(evil.url)) await instance.get(url).catch(() => {});
    expect(evil.log).toEqual([]);
    expect(api.log.length).toBeGreaterThan(0);
    expect(api.log.every((entry) => entry.header)).toBe(true);
  });
});

describe('a call that brings its own baseURL, seen by a recording server', () => {
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
});
