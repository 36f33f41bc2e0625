import fc from 'fast-check';
import axios, { type AxiosAdapter, type AxiosRequestConfig, type CreateAxiosDefaults, type InternalAxiosRequestConfig } from 'axios';
import { createAuthInterceptor } from '../../src';
import { proofUrl } from '../../src/call';
import { generateDPoPKeyPair } from '../../src/dpop';
import { htu, targetUrl } from '../../src/dpop/htu';
import { jose } from '../dpop/jose';
import { inPage } from '../helpers/page';

/** What axios hands the adapter for `request`, sent through an instance made with `defaults`. */
async function handed(defaults: CreateAxiosDefaults, request: AxiosRequestConfig): Promise<InternalAxiosRequestConfig> {
  let seen: InternalAxiosRequestConfig | undefined;
  const adapter: AxiosAdapter = async (config) => {
    seen = config;
    return { data: null, status: 200, statusText: 'OK', headers: {}, config };
  };
  await axios.create({ ...defaults, adapter }).request(request);
  return seen!;
}

/** `baseURL` and `url` as axios's own `buildFullPath` joins them, or what it throws. */
const axiosJoin = ({ baseURL, url, allowAbsoluteUrls }: InternalAxiosRequestConfig) => new axios.Axios({}).getUri({ baseURL, url, allowAbsoluteUrls });

/** The `htu` a proof for `href` carries. */
const named = (href: string) => htu(targetUrl(href));

/** axios 1.8 and later join `baseURL` even to an absolute URL when `allowAbsoluteUrls` is false; older ones ignore the option. */
const [major, minor] = axios.VERSION.split('.').map(Number) as [number, number];
const joinsAbsolute = major > 1 || minor >= 8;

describe('the URL a proof is for is the one axios sends the call to', () => {
  test.each<[string, CreateAxiosDefaults, AxiosRequestConfig, string]>([
    ['a path on a bare origin', { baseURL: 'https://api.test' }, { url: '/items' }, 'https://api.test/items'],
    ['a baseURL with a trailing slash', { baseURL: 'https://api.test/' }, { url: '/items' }, 'https://api.test/items'],
    ['a baseURL with a path, a url without a slash', { baseURL: 'https://api.test/v1' }, { url: 'items' }, 'https://api.test/v1/items'],
    ['a baseURL with a path and a trailing slash, a url with one', { baseURL: 'https://api.test/v1/' }, { url: '/items' }, 'https://api.test/v1/items'],
    ['a baseURL ending in two slashes', { baseURL: 'https://api.test/v1//' }, { url: 'items' }, 'https://api.test/v1/items'],
    ['an empty url: the baseURL itself', { baseURL: 'https://api.test/v1' }, { url: '' }, 'https://api.test/v1'],
    ['an absolute url past the baseURL', { baseURL: 'https://api.test' }, { url: 'https://other.test/x' }, 'https://other.test/x'],
    ['an absolute url and no baseURL', {}, { url: 'https://other.test/x' }, 'https://other.test/x'],
    ['params, a query and a fragment, none of them in htu', { baseURL: 'https://api.test' }, { url: '/items?page=2#top', params: { q: 'x', token: 'secret' } }, 'https://api.test/items'],
    ['the call\'s own baseURL over the instance\'s', { baseURL: 'https://api.test' }, { baseURL: 'https://other.test/v2', url: 'x' }, 'https://other.test/v2/x'],
    ['case, a default port and dot segments, as the parser normalises them', { baseURL: 'HTTPS://API.test:443/a/' }, { url: './b/../items' }, 'https://api.test/a/items'],
    ['userinfo, which htu never carries', { baseURL: 'https://user:pw@api.test' }, { url: '/x' }, 'https://api.test/x'],
    ['a backslash after the baseURL, which the parser reads as a slash in the path', { baseURL: 'https://api.test' }, { url: '/\\other.test/x' }, 'https://api.test//other.test/x'],
    ['a tab and a newline, which the parser drops', { baseURL: 'https://api.test' }, { url: '/it\tem\ns' }, 'https://api.test/items'],
    ['a space before an absolute url: axios joins it to the baseURL', { baseURL: 'https://api.test' }, { url: ' https://other.test/x' }, 'https://api.test/%20https://other.test/x'],
    ['a space before an absolute url and no baseURL: the parser strips it', {}, { url: ' https://other.test/x' }, 'https://other.test/x'],
    ['encoded and non-ASCII path segments', { baseURL: 'https://api.test' }, { url: '/caf%C3%A9/ä' }, 'https://api.test/caf%C3%A9/%C3%A4'],
    ['encoded dot segments, which the parser resolves', { baseURL: 'https://api.test/v1' }, { url: '/%2e%2E/admin' }, 'https://api.test/admin'],
    ['a port and an upper-case scheme', { baseURL: 'HTTP://api.test:8080/v1' }, { url: '/items' }, 'http://api.test:8080/v1/items'],
    ['a baseURL with a query: the url lands in it', { baseURL: 'https://api.test/v1?key=k' }, { url: '/items' }, 'https://api.test/v1'],
    ['a baseURL with a fragment: the url lands in it', { baseURL: 'https://api.test/v1#top' }, { url: '/items' }, 'https://api.test/v1'],
    ['a baseURL ending in a backslash', { baseURL: 'https://api.test/v1\\' }, { url: '/items' }, 'https://api.test/v1//items'],
    ['a space before the baseURL', { baseURL: ' https://api.test' }, { url: '/items' }, 'https://api.test/items'],
    ['allowAbsoluteUrls: false and a path', { baseURL: 'https://api.test/v1', allowAbsoluteUrls: false }, { url: '/items' }, 'https://api.test/v1/items'],
  ])('%s', async (_what, defaults, request, expected) => {
    const config = await handed(defaults, request);
    expect(proofUrl(config)).toBe(axiosJoin(config));
    expect(named(proofUrl(config))).toBe(expected);
    // The same as axios.getUri without its query, on an axios whose global defaults are untouched.
    expect(named(axios.getUri(config))).toBe(expected);
  });

  test('allowAbsoluteUrls: false is honoured as this axios honours it', async () => {
    const config = await handed({ baseURL: 'https://api.test', allowAbsoluteUrls: false }, { url: 'https://other.test/x' });
    expect(named(proofUrl(config))).toBe(joinsAbsolute ? 'https://api.test/https://other.test/x' : 'https://other.test/x');
    expect(named(proofUrl(config))).toBe(named(axios.getUri(config)));
  });

  test('any baseURL and url give what axios\'s own join gives, or throw as it throws', () => {
    const piece = fc.string({ unit: fc.constantFrom(...'/\\:.?#@%2eE \tabhtps'.split('')), maxLength: 10 });
    const start = fc.constantFrom('', 'http://', 'https://', 'HTTPS://', 'http:', '/', '//', ' https://', 'ftp://');
    const text = fc.tuple(start, piece).map(([a, b]) => a + b);
    fc.assert(
      fc.property(fc.option(text, { nil: undefined }), fc.option(text, { nil: undefined }), fc.option(fc.boolean(), { nil: undefined }), (baseURL, url, allowAbsoluteUrls) => {
        const config = { baseURL, url, allowAbsoluteUrls } as InternalAxiosRequestConfig;
        let expected: string;
        try {
          expected = axiosJoin(config);
        } catch {
          expect(() => proofUrl(config)).toThrow();
          return;
        }
        expect(proofUrl(config)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  test('a baseURL this axios refuses to join is refused for the proof too, and one it joins is joined alike', async () => {
    const config = await handed({ baseURL: 'https:/api.test' }, { url: '/items' });
    let joined: string | undefined;
    try {
      joined = named(axios.getUri(config));
    } catch {
      expect(() => proofUrl(config)).toThrow();
      return;
    }
    expect(named(proofUrl(config))).toBe(joined);
  });

  test('a protocol-relative url takes the page\'s scheme, past the baseURL', async () => {
    const config = await handed({ baseURL: 'https://api.test' }, { url: '//other.test/x' });
    expect(inPage('http://app.test/', () => named(proofUrl(config)))).toBe('http://other.test/x');
    // Outside a page it names no scheme: no proof, as axios's http adapter sends nothing either.
    expect(() => named(proofUrl(config))).toThrow(TypeError);
  });

  test('a config a retry plugin sends again is for the same URL as the first send', async () => {
    let seen: InternalAxiosRequestConfig[] = [];
    const adapter: AxiosAdapter = async (config) => {
      seen = [...seen, config];
      return { data: null, status: 200, statusText: 'OK', headers: {}, config };
    };
    const instance = axios.create({ baseURL: 'https://api.test/v1/', adapter });
    const { config } = await instance.get('items', { params: { page: 2 } });
    await instance.request(config);
    expect(seen.map(proofUrl).map(named)).toEqual(['https://api.test/v1/items', 'https://api.test/v1/items']);
  });

  test('a baseURL put on axios.defaults after the instance was made is not the call\'s, for its proof either', async () => {
    const config = await handed({}, { url: '/x' });
    const global = axios.defaults.baseURL;
    axios.defaults.baseURL = 'https://global.test';
    try {
      // The adapter requests `/x` from the page; axios.getUri(config) would have named global.test.
      expect(inPage('https://app.test/', () => named(proofUrl(config)))).toBe('https://app.test/x');
    } finally {
      axios.defaults.baseURL = global;
    }
  });
});

describe('a DPoP call in a page', () => {
  async function signedIn(instance: ReturnType<typeof axios.create>, allowedOrigins: string[] = []) {
    const auth = createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'at-dpop-2', tokenType: 'DPoP' }), dpop: await generateDPoPKeyPair(), allowedOrigins });
    await auth.setTokens({ accessToken: 'at-dpop-1', tokenType: 'DPoP' });
  }
  const proofs: string[] = [];
  const adapter: AxiosAdapter = async (config) => {
    proofs.push(String(config.headers.DPoP));
    return { data: null, status: 200, statusText: 'OK', headers: {}, config };
  };
  const htuOf = async (proof: string) => (await jose.jwtVerify(proof, jose.EmbeddedJWK)).payload.htu;
  beforeEach(() => {
    proofs.length = 0;
  });

  test('with no baseURL of its own names the page\'s origin, even with a baseURL put on axios.defaults later', async () => {
    await inPage('https://app.test/app/', async () => {
      const instance = axios.create({ adapter });
      await signedIn(instance);
      const global = axios.defaults.baseURL;
      axios.defaults.baseURL = 'https://global.test';
      try {
        await instance.get('/items', { params: { q: 1 } });
      } finally {
        axios.defaults.baseURL = global;
      }
    });
    expect(await htuOf(proofs[0]!)).toBe('https://app.test/items');
  });

  test('resolves a relative URL against the document\'s base URL (<base href>), where fetch and xhr send it', async () => {
    await inPage('https://app.test/page', async () => {
      const instance = axios.create({ baseURL: 'v2/', adapter });
      await signedIn(instance, ['https://cdn.test']);
      await instance.get('items');
    }, 'https://cdn.test/app/');
    expect(await htuOf(proofs[0]!)).toBe('https://cdn.test/app/v2/items');
  });
});
