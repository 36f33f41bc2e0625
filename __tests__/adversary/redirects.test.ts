import axios from 'axios';
import { createAuthInterceptor } from '../../src';
import { hop, startRecorder, type Recorder } from '../helpers/recorder';
import { nodeAdapters } from '../helpers/adapters';

let api: Recorder;
let evil: Recorder; // another origin: same host, another port
beforeEach(async () => {
  [api, evil] = await Promise.all([startRecorder(), startRecorder()]);
});
afterEach(() => Promise.all([api.close(), evil.close()]));

describe.each(nodeAdapters)('with the %s adapter', (adapter) => {
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
});
