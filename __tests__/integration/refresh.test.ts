import { flush } from '../helpers/deferred';
import { realApi } from '../helpers/realApi';

let api: Awaited<ReturnType<typeof realApi>>;
afterEach(() => api.server.close());

test('attach: a call carries the current token; a call with no tokens carries no header', async () => {
  api = await realApi();
  await expect(api.instance.get('/api/me')).resolves.toMatchObject({ data: { token: 1 } });
  await api.auth.clearTokens();
  await expect(api.instance.get('/api/me', { skipAuthRefresh: true })).rejects.toMatchObject({ response: { status: 401 } });
  expect(api.apiLog().map(({ token, header }) => ({ token, header }))).toEqual([
    { token: 1, header: true },
    { token: 0, header: false },
  ]);
});

test('one refresh for 25 concurrent 401s, each call resolving with its own response', async () => {
  api = await realApi();
  api.server.expireAccessTokens();
  const responses = await Promise.all(Array.from({ length: 25 }, (_, i) => api.instance.get(`/api/item/${i}`)));
  expect(api.server.refreshes).toBe(1);
  expect(responses.map((r) => r.data.path)).toEqual(Array.from({ length: 25 }, (_, i) => `/api/item/${i}`));
  expect(api.server.reuses).toBe(0);
});

test('a call in flight when the refresh began joins it when its 401 arrives', async () => {
  api = await realApi();
  const slow = api.server.hold('/api/slow');
  const inFlight = api.instance.get('/api/slow');
  await slow.arrived;
  api.server.expireAccessTokens();
  const refresh = api.server.hold('/auth/refresh');
  const trigger = api.instance.get('/api/trigger');
  await refresh.arrived;
  slow.release();
  while (!api.server.log.some((entry) => entry.path === '/api/slow')) await flush();
  refresh.release();
  await expect(Promise.all([inFlight, trigger])).resolves.toHaveLength(2);
  expect(api.server.refreshes).toBe(1);
});

test('a call started during a refresh waits: the server never sees it with the old token', async () => {
  api = await realApi();
  api.server.expireAccessTokens();
  const refresh = api.server.hold('/auth/refresh');
  const trigger = api.instance.get('/api/trigger');
  await refresh.arrived;
  const later = api.instance.get('/api/later');
  const login = api.instance.get('/api/open', { skipAuth: true, validateStatus: () => true });
  await expect(login).resolves.toMatchObject({ status: 401 }); // skipAuth never waits
  refresh.release();
  await Promise.all([trigger, later]);
  expect(api.apiLog().filter((entry) => entry.path === '/api/later')).toEqual([expect.objectContaining({ token: 2, status: 200 })]);
});

test('a late 401 for a call sent with an older token is replayed with the current one, without a refresh', async () => {
  api = await realApi();
  const slow = api.server.hold('/api/slow');
  const late = api.instance.get('/api/slow');
  await slow.arrived;
  api.server.expireAccessTokens();
  await api.instance.get('/api/trigger');
  expect(api.server.refreshes).toBe(1);
  slow.release();
  await expect(late).resolves.toMatchObject({ data: { token: 2 } });
  expect(api.server.refreshes).toBe(1);
});
