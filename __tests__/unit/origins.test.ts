import axios from 'axios';
import { createAuthInterceptor } from '../../src';
import { createOriginPolicy } from '../../src/origins';
import { finalUrl, isForeign } from '../../src/redirects';
import { flush } from '../helpers/deferred';
import { mockApi } from '../helpers/mockApi';

/** Runs `fn` as if in a page at `href` (what `document.baseURI` and `location` tell in a browser). */
function inPage<T>(href: string, fn: () => T): T {
  const page = globalThis as { location?: unknown; document?: unknown };
  const url = new URL(href);
  page.location = { href: url.href, origin: url.origin };
  page.document = { baseURI: url.href };
  try {
    return fn();
  } finally {
    delete page.location;
    delete page.document;
  }
}

const EVIL = 'https://evil.example';
const C0 = ['\x00', '\x01', '\x1f', ' '];

describe('the origin policy reads a URL as the URL parser will', () => {
  const policy = createOriginPolicy();

  describe('in a page at https://app.test/app/, with no baseURL', () => {
    const where = (url: string) => inPage('https://app.test/app/', () => policy.target({ url }, {}));

    test.each(['/x', 'x/y', '', '?q=1', '#top', './x', '../x', 'HTTPS://APP.TEST/x', 'https://app.test:443/x', 'https://user:pw@app.test/x', 'https:x/y'])(
      '%j is the page origin and gets the token',
      (url) => expect(where(url)).toEqual({ origin: 'https://app.test', home: 'https://app.test', allowed: true }),
    );

    test.each([
      '/\\evil.example/x',
      '\\\\evil.example/x',
      '\\/evil.example/x',
      '//evil.example/x',
      '/\t/evil.example/x',
      '/\n/evil.example/x',
      ' https://evil.example/x',
      '\thttps://evil.example/x',
      'ht\ttps://evil.example/x',
      'https:\n//evil.example/x',
      ...C0.map((c) => `${c}https://evil.example/x`),
      'https://evil.example/x ',
      'http:evil.example/x',
      'https://app.test@evil.example/x',
      'https://evil.example\\@app.test/x',
      'https://EVIL.example/x',
    ])('%j goes to evil.example and gets no token', (url) => {
      expect(where(url)).toMatchObject({ origin: expect.stringMatching(/^https?:\/\/evil\.example$/), allowed: false });
    });

    test.each(['http://app.test/x', 'https://app.test:8443/x', 'https://sub.app.test/x', 'wss://app.test/x'])('%j is another origin and gets no token', (url) => {
      expect(where(url).allowed).toBe(false);
    });

    test.each(['javascript:alert(1)', 'data:text/plain,x', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'file:///etc/passwd', 'about:blank'])(
      '%j has an opaque origin and gets no token',
      (url) => expect(where(url)).toMatchObject({ origin: 'null', allowed: false }),
    );
  });

  describe('in a page, with a relative baseURL', () => {
    const where = (baseURL: string, url: string) => inPage('https://app.test/app/', () => policy.target({ baseURL, url }, { baseURL }));

    test('calls on it stay on the page origin', () => {
      expect(where('/api', '/users')).toMatchObject({ origin: 'https://app.test', allowed: true });
      expect(where('/api/', '\\evil.example/x')).toMatchObject({ origin: 'https://app.test', allowed: true });
    });

    test('a baseURL of "/" does not turn `\\evil.example` into a path', () => {
      expect(where('/', '\\evil.example/x')).toMatchObject({ origin: EVIL, allowed: false });
    });
  });

  describe('in Node, with baseURL https://api.test', () => {
    const baseURL = 'https://api.test';
    const where = (url: string, extra: { allowAbsoluteUrls?: boolean; baseURL?: string } = {}) => policy.target({ baseURL, url, ...extra }, { baseURL });

    test.each(['/x', 'x', '', '/\\evil.example/x', '\\\\evil.example/x', ' https://evil.example/x', 'ht\ttps://evil.example/x', 'evil.example/x'])(
      '%j is put after the baseURL and gets the token',
      (url) => expect(where(url)).toEqual({ origin: baseURL, home: baseURL, allowed: true }),
    );

    test.each(['https://api.test/x', 'HTTPS://API.TEST:443/x', 'https://u:p@api.test/x'])('%j is on the baseURL origin and gets the token', (url) => {
      expect(where(url).allowed).toBe(true);
    });

    test.each(['https://evil.example/x', '//evil.example/x', 'http://api.test/x', 'https://api.test:8443/x', 'https://api.test.evil.example/x'])('%j gets no token', (url) => {
      expect(where(url).allowed).toBe(false);
    });

    test('allowAbsoluteUrls: false sends the token only when both axios readings stay home (axios < 1.8 ignores the option)', () => {
      expect(where('https://evil.example/x', { allowAbsoluteUrls: false })).toMatchObject({ origin: baseURL, allowed: false });
      expect(where('https://api.test/x', { allowAbsoluteUrls: false })).toMatchObject({ origin: baseURL, allowed: true });
      expect(where('/x', { allowAbsoluteUrls: false }).allowed).toBe(true);
    });

    test("a call that clears baseURL (generated OpenAPI clients send baseURL: '' and an absolute url) keeps the instance's origin as its own", () => {
      expect(where('https://api.test/pets', { baseURL: '' })).toMatchObject({ origin: baseURL, home: baseURL, allowed: true });
      expect(where('https://evil.example/pets', { baseURL: '' }).allowed).toBe(false);
      expect(where('/pets', { baseURL: '' })).toMatchObject({ allowed: true, origin: undefined });
    });

    test("a per-call baseURL on another origin is not the instance's own", () => {
      expect(where('/x', { baseURL: EVIL })).toMatchObject({ origin: EVIL, home: baseURL, allowed: false });
    });
  });

  describe('in Node, with no baseURL', () => {
    const where = (url: string) => policy.target({ url }, {});

    test('a path alone names no host and gets the token (it goes where the transport sends paths)', () => {
      expect(where('/x')).toEqual({ origin: undefined, home: undefined, allowed: true });
    });

    test.each([
      ' http://evil.example/x',
      '\thttp://evil.example/x',
      'ht\ttp://evil.example/x',
      ...C0.map((c) => `${c}http://evil.example/x`),
      '//evil.example/x',
      '/\\evil.example/x',
      '\\\\evil.example/x',
      'x/y',
      'https://api.test/x',
    ])('%j gets no token', (url) => expect(where(url).allowed).toBe(false));

    test('without a baseURL on the instance, a call\'s own absolute baseURL is not home: it could name any origin', () => {
      expect(policy.target({ baseURL: 'https://api.test', url: '/x' }, {})).toMatchObject({ home: undefined, allowed: false });
    });
  });

  test.each([
    ['http://[::1]:8080', 'http://[0:0::1]:8080/x', true],
    ['http://[::1]:8080', 'http://[::1]:8081/x', false],
    ['http://127.0.0.1:8080', 'http://0x7f.0.0.1:8080/x', true],
    ['http://127.0.0.1:8080', 'http://localhost:8080/x', false],
    ['https://bücher.example', 'https://xn--bcher-kva.example/x', true],
    ['HTTP://API.TEST:80/v1/', 'http://api.test/x', true],
  ])('baseURL %s and url %s: allowed is %s', (baseURL, url, allowed) => {
    expect(policy.target({ baseURL, url }, { baseURL }).allowed).toBe(allowed);
  });

  test('a baseURL with no host lets no URL after it have the token', () => {
    for (const baseURL of ['http://', 'http:', 'https:///']) {
      expect(policy.target({ baseURL, url: 'evil.example/x' }, { baseURL }).allowed).toBe(false);
    }
  });

  test('a url axios cannot read as a string gets no token; a URL object is read by its href', () => {
    expect(policy.target({ url: 42 as never }, { baseURL: 'https://api.test' }).allowed).toBe(false);
    expect(policy.target({ url: new URL('https://api.test/x') as never }, { baseURL: 'https://api.test' }).allowed).toBe(true);
    expect(policy.target({ url: new URL(`${EVIL}/x`) as never }, { baseURL: 'https://api.test' }).allowed).toBe(false);
  });

  test('allows() judges an absolute redirect target against the call\'s home', () => {
    expect(policy.allows('https://api.test/next', 'https://api.test')).toBe(true);
    expect(policy.allows(`${EVIL}/next`, 'https://api.test')).toBe(false);
    expect(policy.allows('/next', 'https://api.test')).toBe(false);
    expect(policy.allows('https://api.test/next', undefined)).toBe(false);
  });

  test('many distinct hosts do not change the answers', () => {
    for (let i = 0; i < 600; i++) expect(policy.target({ url: `https://h${i}.test/x` }, { baseURL: 'https://h7.test' }).allowed).toBe(i === 7);
    for (let i = 0; i < 600; i++) expect(policy.target({ baseURL: `https://b${i}.test`, url: '/x' }, { baseURL: 'https://b7.test' }).allowed).toBe(i === 7);
  });
});

describe('allowedOrigins', () => {
  test.each([
    ['an origin string', ['https://files.test']],
    ['a RegExp tested against the origin', [/^https:\/\/(eu\.)?files\.test$/]],
    ['a function of the URL', (url: URL) => url.hostname.endsWith('files.test')],
  ])('widens home with %s', (_, allowedOrigins) => {
    const policy = createOriginPolicy(allowedOrigins as never);
    expect(policy.target({ url: 'https://files.test/f' }, { baseURL: 'https://api.test' }).allowed).toBe(true);
    expect(policy.target({ url: 'https://other.test/f' }, { baseURL: 'https://api.test' }).allowed).toBe(false);
    expect(policy.allows('https://files.test/f', 'https://api.test')).toBe(true);
  });

  test.each(['g', 'y', 'gy'])('a stateful RegExp (flag %s) gives the same answer every time', (flags) => {
    const policy = createOriginPolicy([new RegExp('^https://files\\.test$', flags)]);
    const answers = Array.from({ length: 6 }, () => policy.target({ url: 'https://files.test/f' }, {}).allowed);
    expect(answers).toEqual(Array(6).fill(true));
  });

  test('a function sees the whole URL as the parser reads it, and one that throws lets nothing through', () => {
    const seen: string[] = [];
    const policy = createOriginPolicy((url) => (seen.push(url.href), url.pathname.startsWith('/public/')));
    expect(policy.target({ url: ' https://files.test/public/a' }, {}).allowed).toBe(true);
    expect(policy.target({ url: 'https://files.test/private/a' }, {}).allowed).toBe(false);
    expect(seen).toEqual(['https://files.test/public/a', 'https://files.test/private/a']);
    const throwing = createOriginPolicy(() => {
      throw new Error('bug in the app');
    });
    expect(throwing.target({ url: 'https://files.test/a' }, {}).allowed).toBe(false);
  });

  test('an opaque origin never gets the token, whatever the function says', () => {
    const policy = createOriginPolicy(() => true);
    expect(policy.target({ url: 'data:text/plain,x' }, {}).allowed).toBe(false);
    expect(policy.target({ url: 'javascript:alert(1)' }, {}).allowed).toBe(false);
  });
});

describe('where a response came from', () => {
  test.each([
    ['the http adapter after follow-redirects', { res: { responseUrl: 'https://evil.test/x' } }, 'https://evil.test/x'],
    ['xhr', { responseURL: 'https://evil.test/x' }, 'https://evil.test/x'],
    ['xhr before it has a response', { responseURL: '' }, undefined],
    ['a fetch Request that sendGuarded followed by hand', new Request('https://evil.test/x', { redirect: 'manual' }), 'https://evil.test/x'],
    ["a fetch Request the browser followed (its url is the first hop's)", new Request('https://api.test/x'), undefined],
    ['the http adapter without follow-redirects (maxRedirects: 0)', { res: {} }, undefined],
    ['no request at all', undefined, undefined],
  ])('%s', (_, request, url) => {
    expect(finalUrl({ request })).toBe(url);
  });

  test("isForeign: only a response from another origin that may not have the token, reached from the call's own", () => {
    const mayReceive = (href: string) => href.startsWith('https://api.test/') || href.startsWith('https://files.test/');
    const from = (url: string) => ({ request: { res: { responseUrl: url } } });
    expect(isForeign(from('https://evil.test/x'), 'https://api.test', mayReceive)).toBe(true);
    expect(isForeign(from('https://files.test/x'), 'https://api.test', mayReceive)).toBe(false);
    expect(isForeign(from('https://api.test/x'), 'https://api.test', mayReceive)).toBe(false);
    // axios-mock-adapter reports the config's url, which may be relative: the call's own.
    expect(isForeign({ request: { responseURL: '/x' } }, 'https://api.test', mayReceive)).toBe(false);
    // A path sent over a socketPath: where it started is unknown, so nothing is foreign.
    expect(isForeign(from('http://localhost/x'), undefined, mayReceive)).toBe(false);
  });
});

// mockApi's instance has baseURL https://api.test
describe('which calls get the token', () => {
  test('relative URLs and absolute URLs on the baseURL origin do', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-1' });
    await api.instance.get('/a');
    await api.instance.get('https://api.test/b');
    expect(api.sent.map((s) => s.auth)).toEqual(['Bearer at-1', 'Bearer at-1']);
  });

  test.each(['https://evil.test/x', 'http://api.test/x', 'https://api.test:8443/x', 'https://sub.api.test/x', '//evil.test/x'])(
    '%s gets no token, and its 401 starts no refresh',
    async (url) => {
      const api = mockApi();
      await api.auth.setTokens({ accessToken: 'at-1' });
      await expect(api.instance.get(url)).rejects.toMatchObject({ response: { status: 401 } });
      expect(api.sent).toEqual([{ url, auth: undefined }]);
      expect(api.refresh).not.toHaveBeenCalled();
    },
  );

  test('a call to another origin never waits for a refresh', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-0' });
    const gate = api.hold();
    const waiting = api.instance.get('/a');
    await flush();
    api.routes['https://cdn.test/logo'] = () => [200, 'png'];
    await expect(api.instance.get('https://cdn.test/logo')).resolves.toMatchObject({ data: 'png' });
    gate.resolve();
    await waiting;
  });

  test("baseURL: '' with an absolute URL on the instance's origin gets the token, as generated OpenAPI clients call", async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-1' });
    api.routes['https://api.test/pets'] = () => [200, []];
    api.routes['https://evil.test/pets'] = () => [200, []];
    await api.instance.request({ baseURL: '', url: 'https://api.test/pets' });
    await api.instance.request({ baseURL: '', url: 'https://evil.test/pets' });
    expect(api.sent.map((s) => s.auth)).toEqual(['Bearer at-1', undefined]);
  });

  test('in Node without a baseURL, a path gets the token and a URL the parser reads as another host does not', async () => {
    const instance = axios.create();
    const seen: unknown[] = [];
    instance.defaults.adapter = async (config) => (seen.push(config.headers.Authorization), { data: null, status: 200, statusText: '', headers: {}, config });
    const auth = createAuthInterceptor(instance, { refresh: jest.fn() });
    await auth.setTokens({ accessToken: 't' });
    for (const url of ['/relative', 'https://anywhere.test/', ' http://evil.test/', '\thttp://evil.test/', 'ht\ttp://evil.test/', '/\\evil.test/']) await instance.get(url);
    expect(seen).toEqual(['Bearer t', undefined, undefined, undefined, undefined, undefined]);
  });

  test('allowedOrigins is validated', () => {
    expect(() => createAuthInterceptor(axios.create(), { refresh: jest.fn(), allowedOrigins: ['files.test'] })).toThrow(
      /^Expected `allowedOrigins` to be an array of origins \(like "https:\/\/api\.example\.com"\) and RegExps, or a function, got /,
    );
  });
});

test('an insufficient_scope refusal surfaces the required scope on the error', async () => {
  const api = mockApi();
  await api.auth.setTokens({ accessToken: 'at-1' });
  api.routes['/admin'] = () => [403, {}, { 'www-authenticate': 'Bearer realm="x", error="insufficient_scope", scope="admin write"' }];
  await expect(api.instance.get('/admin')).rejects.toMatchObject({ response: { status: 403 }, requiredScope: 'admin write' });
  api.routes['/plain403'] = () => [403, {}];
  const error = await api.instance.get('/plain403').catch((e: unknown) => e);
  expect(error).not.toHaveProperty('requiredScope');
});
