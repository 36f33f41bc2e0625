import axios from 'axios';
import { createAuthInterceptor, type AuthTokens, type RefreshContext } from '../../../src';
import { nodeAdapters } from '../../helpers/adapters';
import { settle } from '../../helpers/deferred';
import { hop, startRecorder, type Recorder, type Seen } from '../../helpers/recorder';

let home: Recorder, billing: Recorder, files: Recorder, evil: Recorder;
beforeEach(async () => {
  [home, billing, files, evil] = await Promise.all([startRecorder(), startRecorder(), startRecorder(), startRecorder()]);
});
afterEach(() => Promise.all([home, billing, files, evil].map((server) => server.close())));

function signedIn(adapter: 'http' | 'fetch', more = {}) {
  let n = 0;
  const refresh = jest.fn(async (_: AuthTokens | null, context: RefreshContext) => ({ accessToken: `at-${++n}-${context.resource ?? 'home'}`, refreshToken: `rt-${n}`, expiresIn: 300 }));
  const instance = axios.create({ baseURL: home.url, adapter });
  const auth = createAuthInterceptor(instance, {
    refresh,
    resources: { [billing.url]: { resource: 'urn:billing' }, [files.url]: { resource: 'urn:files' } },
    ...more,
  });
  return { instance, auth, refresh };
}
const auths = (server: Recorder) => server.seen.map((seen: Seen) => `${seen.path} ${seen.headers.authorization ?? '-'}`);

describe.each(nodeAdapters)('with the %s adapter', (adapter) => {
  test('redirects from a resource to another resource, home, another origin and back, and from home to a resource: no token crosses', async () => {
    const { instance, auth } = signedIn(adapter);
    await auth.setTokens({ accessToken: 'at-0', refreshToken: 'rt-0', expiresIn: 300 });
    await instance.get(`${billing.url}${hop(302, `${files.url}/from-billing`)}`);
    await instance.get(`${billing.url}${hop(307, `${home.url}/from-billing`)}`);
    await instance.get(`${billing.url}${hop(302, `${evil.url}${hop(302, `${billing.url}/back`)}`)}`);
    await instance.get(`${billing.url}${hop(302, `${billing.url.replace('127.0.0.1', 'localhost')}/alias`)}`);
    await instance.get(`${billing.url}${hop(308, `${billing.url}/same`)}`);
    await instance.get(hop(302, `${billing.url}/from-home`));
    await instance.get(`${files.url}/files`);

    expect(auths(files)).toEqual(['/from-billing -', '/files Bearer at-2-urn:files']);
    expect(auths(home)).toEqual(['/from-billing -', '/hop/302 Bearer at-0']);
    expect(auths(evil).every((line) => line.endsWith(' -'))).toBe(true);
    expect(auths(billing)).toEqual([
      '/hop/302 Bearer at-1-urn:billing',
      '/hop/307 Bearer at-1-urn:billing',
      '/hop/302 Bearer at-1-urn:billing',
      '/back -',
      '/hop/302 Bearer at-1-urn:billing',
      '/alias -',
      '/hop/308 Bearer at-1-urn:billing',
      '/same Bearer at-1-urn:billing',
      '/from-home -',
    ]);
  });

  test("allowAbsoluteUrls: false, a resource's baseURL and another origin's absolute URL: the resource token does not reach that origin", async () => {
    const { instance, auth } = signedIn(adapter);
    await auth.setTokens({ accessToken: 'at-0', refreshToken: 'rt-0', expiresIn: 300 });
    await settle(instance.get(`${evil.url}/steal`, { baseURL: billing.url, allowAbsoluteUrls: false }));
    expect(auths(evil).filter((line) => !line.endsWith(' -'))).toEqual([]);
  });
});
