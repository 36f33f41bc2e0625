import axios from 'axios';
import { inspect } from 'node:util';
import { createAuthInterceptor, type AuthTokens } from '../../src';
import { startTokenServer, type TokenServer } from '../../examples/server';
import { realApi } from '../helpers/realApi';

let api: Awaited<ReturnType<typeof realApi>>;
let elsewhere: TokenServer; // another origin: same host, another port
beforeEach(async () => {
  elsewhere = await startTokenServer();
});
afterEach(() => Promise.all([api.server.close(), elsewhere.close()]));

describe('which hosts get the token', () => {
  test('an absolute URL to another origin gets no token, and its 401 never refreshes', async () => {
    api = await realApi();
    await expect(api.instance.get(`${elsewhere.url}/api/x`)).rejects.toMatchObject({ response: { status: 401 } });
    expect(elsewhere.log).toEqual([expect.objectContaining({ header: false })]);
    expect(api.refresh).not.toHaveBeenCalled();
  });

  test('allowedOrigins lets another origin have it', async () => {
    api = await realApi();
    api.auth.eject();
    const auth = createAuthInterceptor(api.instance, { refresh: api.refresh, allowedOrigins: [elsewhere.url] });
    await auth.setTokens(api.server.signIn());
    const { data } = await api.instance.get(`${elsewhere.url}/open/echo`);
    expect(data.headers.authorization).toMatch(/^Bearer at-/);
  });

  test('a redirect to another origin drops the token, also in a custom header', async () => {
    api = await realApi({ header: 'X-Api-Key', scheme: '' });
    const to = encodeURIComponent(`${elsewhere.url}/open/echo`);
    const { data } = await api.instance.get(`/api/redirect?to=${to}`);
    expect(data.headers['x-api-key']).toBeUndefined();
  });

  test('a redirect within the origin, or to an allowed one, keeps it', async () => {
    api = await realApi({ header: 'X-Api-Key', scheme: '', allowedOrigins: [elsewhere.url] });
    const tokens = (await api.auth.getTokens()) as AuthTokens;
    const same = await api.instance.get(`/api/redirect?to=${encodeURIComponent('/open/echo')}`);
    expect(same.data.headers['x-api-key']).toBe(tokens.accessToken);
    const allowed = await api.instance.get(`/api/redirect?to=${encodeURIComponent(`${elsewhere.url}/open/echo`)}`);
    expect(allowed.data.headers['x-api-key']).toBe(tokens.accessToken);
  });
});

describe('keeping tokens out of logs', () => {
  const printed = (error: unknown) => JSON.stringify(error) + inspect(error);
  const secrets = async () => {
    const tokens = (await api.auth.getTokens()) as AuthTokens;
    return [tokens.accessToken, tokens.refreshToken!];
  };

  test.each([400, 503])('a refresh refused with %i: no token in the error, its cause, or the Node request', async (status) => {
    api = await realApi();
    const known = await secrets();
    api.server.expireAccessTokens();
    api.server.failNextRefresh(status);
    const error = await api.instance.get('/api/a').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AuthError' });
    for (const secret of known) expect(printed(error)).not.toContain(secret);
  });

  test.each([
    ['a 401 whose replay was refused too', '/api/a'],
    ['a 500', '/api/boom'],
  ])('%s: no token in the error, yet its config can be sent again', async (_, path) => {
    api = await realApi();
    const known = await secrets();
    api.refresh.mockImplementationOnce(async () => {
      const tokens = api.server.signIn();
      api.server.expireAccessTokens(tokens.accessToken);
      known.push(tokens.accessToken, tokens.refreshToken);
      return tokens;
    });
    api.server.expireAccessTokens();
    const error = await api.instance.get(path).catch((e: unknown) => e);
    expect(axios.isAxiosError(error)).toBe(true);
    for (const secret of known) expect(printed(error)).not.toContain(secret);
    if (path === '/api/a') {
      await api.auth.setTokens(api.server.signIn());
      await expect(api.instance.request(axios.isAxiosError(error) ? error.config! : {})).resolves.toMatchObject({ status: 200 });
    }
  });
});

test('two instances attached to one session: concurrent 401s on both cause one refresh', async () => {
  api = await realApi();
  const other = axios.create({ baseURL: api.server.url, adapter: 'http' });
  api.auth.attach(other);
  api.server.expireAccessTokens();
  const hold = api.server.hold('/auth/refresh');
  const calls = [api.instance.get('/api/mine'), other.get('/api/theirs'), other.get('/api/theirs-too')];
  await hold.arrived;
  hold.release();
  await expect(Promise.all(calls)).resolves.toHaveLength(3);
  expect(api.server.refreshes).toBe(1);
});
