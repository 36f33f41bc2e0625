import axios from 'axios';
import { refreshTokenGrant } from '../../src/oauth';
import { settle } from '../helpers/deferred';
import { context, json, previous, serve, type Loopback } from './servers';

let server: Loopback | undefined;
afterEach(() => server?.close());

async function answered(body: unknown) {
  server = await serve(json(200, body));
  return settle(refreshTokenGrant({ tokenEndpoint: `${server.url}/token`, clientId: 'spa', http: axios.create({ adapter: 'http' }) })(previous, context()));
}

test('null expires_in, refresh_token, scope and token_type mean absent, as servers that serialise every field send them', async () => {
  const result = await answered({ access_token: 'at-new', expires_in: null, refresh_token: null, scope: null, token_type: null });

  expect(result).toStrictEqual({ ok: true, value: { accessToken: 'at-new' } });
});

test('a null refresh_token leaves it out, so the session keeps its own', async () => {
  const result = await answered({ access_token: 'at-new', token_type: 'Bearer', expires_in: 300, refresh_token: null });

  expect(result).toStrictEqual({ ok: true, value: { accessToken: 'at-new', tokenType: 'Bearer', expiresIn: 300 } });
});

test.each([
  ['expires_in', { expires_in: -1 }],
  ['expires_in', { expires_in: '5 minutes' }],
  ['refresh_token', { refresh_token: '' }],
  ['refresh_token', { refresh_token: 42 }],
])('%s present but malformed is still ERR_INVALID_TOKENS', async (field, fields) => {
  const result = await answered({ access_token: 'at-new', ...fields });

  expect(!result.ok && result.error).toMatchObject({ code: 'ERR_INVALID_TOKENS', message: expect.stringContaining(field) });
});

test('a null access_token is ERR_INVALID_TOKENS', async () => {
  const result = await answered({ access_token: null });

  expect(!result.ok && result.error).toMatchObject({ code: 'ERR_INVALID_TOKENS', message: expect.stringContaining('access_token') });
});
