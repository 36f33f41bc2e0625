import axios from 'axios';
import { join } from 'node:path';
import { createAuthInterceptor } from '../../src';
import { clientCredentialsGrant, type GrantOptions } from '../../src/oauth';
import { settle } from '../helpers/deferred';
import { startOidc, stillClocks, type Oidc } from '../helpers/oidc';

let oidc: Oidc;
beforeAll(async () => {
  // The server's clock stands still between a test's steps: tokens expire when the test says.
  oidc = await startOidc({ setup: join(__dirname, '../helpers/serverClock.mjs') });
});
afterEach(() => jest.useRealTimers());
afterAll(() => oidc.close());
beforeEach(() => oidc.clearLog());

/** A service with no tokens yet, on the API, authenticating as `worker`. */
function service(options: Partial<GrantOptions> = {}) {
  const api = axios.create({ baseURL: oidc.api, adapter: 'http' });
  let grants = 0;
  createAuthInterceptor(api, {
    refresh: clientCredentialsGrant({ issuer: oidc.issuer, clientId: 'worker', clientSecret: 'worker secret: +/!', scope: 'api:read', resource: oidc.resource, ...options }),
    onRefreshed: () => grants++,
  });
  const burst = (calls = 10) => Promise.all(Array.from({ length: calls }, (_, i) => settle(api.get(`/orders/${i}`))));
  return { api, burst, grants: () => grants };
}

test('a fresh service sends no call without a token: twenty calls at once wait for one grant', async () => {
  const { burst } = service();

  const results = await burst(20);

  expect(results.map((result) => result.ok && result.value.data.clientId)).toEqual(Array(20).fill('worker'));
  const { token, api } = await oidc.log();
  expect(token.map((request) => [request.grantType, request.status])).toEqual([['client_credentials', 200]]);
  expect(api.filter((call) => !call.authenticated || call.status !== 200)).toEqual([]);
});

test('across three expiries a service makes one grant each and the API never sees a 401', async () => {
  // Only `Date` is faked here: both clocks stand still while a burst is on its way.
  const advanceBothClocks = stillClocks(oidc);
  const { burst, grants } = service();
  const results = [];
  while (grants() < 3) {
    results.push(...(await burst()));
    await advanceBothClocks(250); // tokens live 4 s: more than a dozen bursts per token, several within its last second
  }

  expect(results.every((result) => result.ok)).toBe(true);
  const { token, api } = await oidc.log();
  expect(token.filter((request) => request.grantType === 'client_credentials')).toHaveLength(3);
  expect(api.filter((call) => call.status !== 200)).toEqual([]);
  expect(new Set(api.map((call) => call.jti)).size).toBe(3);
}, 30_000);

test('client_secret_post sends the credentials in the form body, and the server accepts them', async () => {
  const { api } = service({ clientId: 'worker-post', clientSecret: 'worker-post-secret', clientAuthentication: 'client_secret_post' });

  const { data } = await api.get('/orders');

  expect(data).toMatchObject({ clientId: 'worker-post', scope: 'api:read' });
});

test('a wrong secret rejects the waiting calls with invalid_client and none reaches the API', async () => {
  const { burst } = service({ clientSecret: 'wrong' });

  const results = await burst(5);

  expect(results.map((result) => !result.ok && result.error)).toEqual(Array(5).fill(expect.objectContaining({ code: 'ERR_REFRESH_FAILED', cause: expect.objectContaining({ error: 'invalid_client' }) })));
  expect((await oidc.log()).api).toEqual([]);
});
