import axios from 'axios';
import { createAuthInterceptor, type AuthError } from '../../src';
import { createDPoP, generateDPoPKeyPair } from '../../src/dpop';
import { clientCredentialsGrant, refreshTokenGrant, type ClientAuthentication, type OAuthError } from '../../src/oauth';
import { settle } from '../helpers/deferred';
import { leaks } from '../helpers/leaks';
import { context, json, previous, redirect, serve, type Answer, type Loopback, type Received } from './servers';

const clientId = 'web app';
const clientSecret = 'the secret: +/!~ 0123456789';
const form = (value: string) => new URLSearchParams([['', value]]).toString().slice(1);
const basic = Buffer.from(`${form(clientId)}:${form(clientSecret)}`).toString('base64');
/** Every spelling of the client secret a server could echo. */
const secretSpellings = [clientSecret, encodeURIComponent(clientSecret), form(clientSecret), Buffer.from(clientSecret).toString('base64'), Buffer.from(clientSecret).toString('base64url'), basic];
/** ...and of the refresh token. */
const spellings = [...secretSpellings, previous.refreshToken, form(previous.refreshToken)];

let servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function grantOn(answer: Answer, clientAuthentication: ClientAuthentication = 'client_secret_basic') {
  const server = await serve(answer);
  servers.push(server);
  return refreshTokenGrant({ tokenEndpoint: `${server.url}/token`, clientId, clientSecret, clientAuthentication, http: axios.create({ adapter: 'http' }) });
}

/** An error response whose description and uri repeat every spelling of the secrets, and what the request carried. */
const echo: Answer = (res, request: Received) =>
  json(400, {
    error: 'invalid_client',
    error_description: `bad client: ${spellings.join(' / ')}; you sent ${request.headers.authorization ?? ''} ${request.body} ${request.headers.dpop ?? ''}`,
    error_uri: `https://id.example.com/errors?secret=${encodeURIComponent(clientSecret)}&basic=${basic}&token=${previous.refreshToken}&body=${encodeURIComponent(request.body)}`,
  })(res, request);

describe.each(['client_secret_basic', 'client_secret_post'] as const)('with %s', (clientAuthentication) => {
  test('an error response that echoes the secrets reaches the app with each of them masked, in every field', async () => {
    const grant = await grantOn(echo, clientAuthentication);

    const result = await settle(grant(previous, context()));
    const error = (!result.ok && result.error) as OAuthError;

    expect(error).toMatchObject({ name: 'OAuthError', error: 'invalid_client', status: 400 });
    expect(error.errorDescription).toContain('[redacted]');
    for (const field of [error.errorDescription, error.errorUri, error.message, error.stack, error]) expect(leaks(field, spellings)).toEqual([]);
  });
});

test('DPoP proofs the server echoes are masked too', async () => {
  const dpop = createDPoP(await generateDPoPKeyPair());
  const grant = await grantOn(echo);
  const server = servers[0]!;

  const result = await settle(grant(previous, context(undefined, dpop)));

  const proof = server.received[0]!.headers.dpop as string;
  expect(leaks(!result.ok && result.error, [proof, ...spellings])).toEqual([]);
});

test('a token response whose keys are secrets is refused without naming them', async () => {
  const grant = await grantOn(json(200, { [clientSecret]: 1, [previous.refreshToken]: 2 }));

  const result = await settle(grant(previous, context()));

  expect(!result.ok && result.error).toMatchObject({ code: 'ERR_INVALID_TOKENS' });
  expect(leaks(!result.ok && result.error, spellings)).toEqual([]);
});

test('what the session reports and rejects with holds no client secret the server echoed', async () => {
  const server = await serve(echo);
  servers.push(server);
  const api = axios.create();
  const failures: AuthError[] = [];
  const refresh = clientCredentialsGrant({ tokenEndpoint: `${server.url}/token`, clientId, clientSecret, http: axios.create({ adapter: 'http' }) });
  const auth = createAuthInterceptor(api, { refresh, onAuthFailure: (error) => failures.push(error) });

  const result = await settle(auth.refresh());

  expect(failures).toHaveLength(1);
  expect(leaks([!result.ok && result.error, failures[0]], secretSpellings)).toEqual([]);
});

test('a redirect whose Location carries the secrets is refused without repeating them', async () => {
  const grant = await grantOn(redirect(307, `http://${previous.refreshToken}.example.com/${encodeURIComponent(clientSecret)}?basic=${basic}`, {}));

  const result = await settle(grant(previous, context()));

  expect(!result.ok && result.error).toMatchObject({ code: 'ERR_REFRESH_FAILED' });
  expect(leaks(!result.ok && result.error, spellings)).toEqual([]);
});
