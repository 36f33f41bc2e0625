import { flush, settle } from '../helpers/deferred';
import { heldRefreshes, mockApi } from '../helpers/mockApi';

/** Ten calls, every third a POST, to `/n/<i>`. */
const tenCalls = (api: ReturnType<typeof mockApi>) =>
  Array.from({ length: 10 }, (_, i) => settle(i % 3 === 0 ? api.instance.post(`/n/${i}`, { i }) : api.instance.get(`/n/${i}`)));

describe('a call held for its token is never sent bare', () => {
  test('with refreshWithoutTokens, calls held by a grant the app signed out of wait for the next grant and carry its token', async () => {
    const api = mockApi({ refreshWithoutTokens: true });
    const grants = heldRefreshes(api);
    const calls = tenCalls(api);
    await flush();
    expect(grants).toHaveLength(1);

    await api.auth.clearTokens();
    grants[0]!.resolve({ accessToken: 'at-stale' });
    await flush();
    expect(api.sent).toEqual([]);
    expect(grants).toHaveLength(2);

    api.valid = 'at-2';
    grants[1]!.resolve({ accessToken: 'at-2' });
    const outcomes = await Promise.all(calls);
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(api.sent).toHaveLength(10);
    expect(api.sent.every(({ auth }) => auth === 'Bearer at-2')).toBe(true);
  });

  test('with refreshWithoutTokens, a grant that fails after the sign-out does not fail the held POSTs: they wait for the next grant', async () => {
    const api = mockApi({ refreshWithoutTokens: true });
    const grants = heldRefreshes(api);
    const posts = [settle(api.instance.post('/orders', { n: 1 })), settle(api.instance.put('/orders/1', { n: 2 }))];
    await flush();
    await api.auth.clearTokens();
    grants[0]!.reject(new Error('network down'));
    await flush();
    expect(api.sent).toEqual([]);

    api.valid = 'at-2';
    grants[1]!.resolve({ accessToken: 'at-2' });
    expect((await Promise.all(posts)).map((outcome) => outcome.ok)).toEqual([true, true]);
    expect(api.sent.map(({ auth }) => auth)).toEqual(['Bearer at-2', 'Bearer at-2']);
  });

  test('without refreshWithoutTokens, a call held by a refresh during which the app signs out rejects with ERR_SESSION_EXPIRED and is not sent again', async () => {
    const api = mockApi();
    await api.auth.setTokens({ accessToken: 'at-1', refreshToken: 'rt-1' });
    const grants = heldRefreshes(api);
    api.valid = 'at-revoked';
    const refused = settle(api.instance.get('/refused'));
    await flush();
    const held = settle(api.instance.post('/held', { n: 1 }));
    await flush();
    expect(grants).toHaveLength(1);

    await api.auth.clearTokens();
    grants[0]!.resolve({ accessToken: 'at-2', refreshToken: 'rt-2' });
    const [first, second] = await Promise.all([refused, held]);

    expect(first).toMatchObject({ ok: false, error: { code: 'ERR_SESSION_EXPIRED' } });
    expect(second).toMatchObject({ ok: false, error: { code: 'ERR_SESSION_EXPIRED' } });
    expect(api.sent.map(({ url }) => url)).toEqual(['/refused']);
  });
});
