import axios from 'axios';
import { createAuthInterceptor, type AuthError } from '../../src';
import { clientCredentialsGrant, isOAuthError } from '../../src/oauth';
import { settle } from '../helpers/deferred';
import { json, serve, type Answer, type Loopback } from './servers';

let servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

/** A service on an API that wants `Bearer at-1`, whose token endpoint answers `first`, then issues that token. */
async function service(first: Answer) {
  const tokenEndpoint = await serve(first, json(200, { access_token: 'at-1', token_type: 'Bearer', expires_in: 300 }));
  const apiServer = await serve((res, request) =>
    request.headers.authorization === 'Bearer at-1' ? json(200, { ok: true })(res, request) : json(401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer' })(res, request),
  );
  servers.push(tokenEndpoint, apiServer);
  const api = axios.create({ baseURL: apiServer.url, adapter: 'http' });
  const failures: AuthError[] = [];
  createAuthInterceptor(api, {
    refresh: clientCredentialsGrant({ tokenEndpoint: `${tokenEndpoint.url}/token`, clientId: 'worker', clientSecret: 'worker-secret-0123', http: axios.create({ adapter: 'http' }) }),
    onAuthFailure: (error) => failures.push(error),
  });
  return { api, failures, tokenEndpoint, apiServer };
}

const bare =
  (status: number, body = '', type = 'text/plain'): Answer =>
  (res) =>
    res.writeHead(status, { 'Content-Type': type }).end(body);

test.each<[string, Answer, string]>([
  ['a bare 401', bare(401), '401'],
  ['an HTML 400', bare(400, '<html><body>Bad Request</body></html>', 'text/html'), '400'],
  ['401 invalid_client', json(401, { error: 'invalid_client' }), '401 invalid_client'],
  ['400 invalid_grant', json(400, { error: 'invalid_grant' }), '400 invalid_grant'],
])('after %s from the token endpoint, the waiting call fails, the failure is reported, and the next call gets a fresh grant', async (_, first, named) => {
  const { api, failures, tokenEndpoint, apiServer } = await service(first);

  const failed = await settle(api.get('/orders'));
  const recovered = await api.get('/orders');

  expect(!failed.ok && failed.error).toMatchObject({ code: 'ERR_REFRESH_FAILED', message: expect.stringContaining(named) });
  expect(failures.map((failure) => failure.code)).toEqual(['ERR_REFRESH_FAILED']);
  expect(recovered.data).toEqual({ ok: true });
  expect(tokenEndpoint.received).toHaveLength(2);
  expect(apiServer.received.map((request) => request.headers.authorization)).toEqual(['Bearer at-1']);
});

test("an RFC 6749 error stays readable as the failure's cause", async () => {
  const { api } = await service(json(401, { error: 'invalid_client', error_description: 'unknown client' }));

  const failed = await settle(api.get('/orders'));

  const cause = !failed.ok && (failed.error as AuthError).cause;
  expect(isOAuthError(cause) && [cause.error, cause.errorDescription, cause.status]).toEqual(['invalid_client', 'unknown client', 401]);
});
