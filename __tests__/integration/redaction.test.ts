import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios, { type AxiosError, type AxiosInstance } from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { inspect } from 'node:util';
import { createAuthInterceptor, isAuthError, type AuthError, type AuthTokens } from '../../src';
import { redact } from '../../src/redact';
import { leaks } from '../helpers/leaks';

// Tokens as opaque as real ones: `/`, `+` and `=` are what form encoding rewrites (RFC 6749 §B).
const AT = '2YotnFZFEjr1zCsicMWp/A+A==';
const RT = 'tGzv3JOkF0XG5Qx2/TlKW+IA=';

/**
 * A token endpoint that refuses every grant (RFC 6749 §5.2) and, like many a debugging server,
 * echoes what it received, as it came and in base64; and an API that answers 401 to any token.
 */
async function refusingServer() {
  const received: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      received.push(body);
      const refused = req.url!.startsWith('/oauth/token')
        ? { status: 400, body: { error: 'invalid_grant', error_description: `grant not recognised: ${body}`, received: Buffer.from(body).toString('base64') } }
        : { status: 401, body: { error: 'invalid_token', url: req.url } };
      const challenge = refused.status === 401 ? { 'www-authenticate': 'Bearer error="invalid_token"' } : {};
      res.writeHead(refused.status, { 'content-type': 'application/json', ...challenge }).end(JSON.stringify(refused.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return { url, received, close };
}

/** The refresh an OAuth client runs: a form-encoded `refresh_token` grant, through the same instance with `skipAuth`. */
const oauthRefresh = (instance: AxiosInstance) => async (tokens: AuthTokens | null): Promise<AuthTokens> => {
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens?.refreshToken ?? '' });
  const { data } = await instance.post('/oauth/token', body, { skipAuth: true });
  return { accessToken: data.access_token, refreshToken: data.refresh_token };
};

let server: Awaited<ReturnType<typeof refusingServer>>;
beforeEach(async () => {
  server = await refusingServer();
});
afterEach(() => server.close());

test('a refused form-encoded token request, once redacted, prints no token in any spelling and keeps its socket out of print', async () => {
  const instance = axios.create({ baseURL: server.url, adapter: 'http' });
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: RT, access_token: AT });
  const error = (await instance.post(`/oauth/token?hint=${encodeURIComponent(AT)}`, body).catch((e: unknown) => e)) as AxiosError;
  expect(server.received[0]).toContain(encodeURIComponent(RT)); // the server really got the encoded token
  expect(leaks(error, [AT, RT])).not.toEqual([]);

  const clean = redact(error, [AT, RT]);
  expect(clean).toBe(error);
  expect(clean).toMatchObject({ name: 'AxiosError', code: 'ERR_BAD_REQUEST', response: { status: 400, data: { error: 'invalid_grant' } } });
  expect(leaks(clean, [AT, RT])).toEqual([]);
  expect(Object.keys(clean)).not.toContain('request');
  expect(Object.keys(clean.response!)).not.toContain('request');
});

test('auth.refresh() refused by the token endpoint rejects with ERR_SESSION_EXPIRED, and neither it nor what onAuthFailure got shows a token', async () => {
  const reported: unknown[] = [];
  const instance = axios.create({ baseURL: server.url, adapter: 'http' });
  const auth = createAuthInterceptor(instance, { refresh: oauthRefresh(instance), onAuthFailure: (error) => reported.push(error) });
  await auth.setTokens({ accessToken: AT, refreshToken: RT });

  const error = await auth.refresh().catch((e: unknown) => e);
  expect(server.received[0]).toContain(encodeURIComponent(RT));
  expect(isAuthError(error) && error.code).toBe('ERR_SESSION_EXPIRED');
  expect(leaks(error, [AT, RT])).toEqual([]);
  expect(reported).toHaveLength(1);
  expect(leaks(reported, [AT, RT])).toEqual([]);
});

test('a call whose refresh the token endpoint refuses rejects with an AuthError that shows no token', async () => {
  const instance = axios.create({ baseURL: server.url, adapter: 'http' });
  await createAuthInterceptor(instance, { refresh: oauthRefresh(instance) }).setTokens({ accessToken: AT, refreshToken: RT });

  const error = (await instance.get(`/api/me?access_token=${encodeURIComponent(AT)}`).catch((e: unknown) => e)) as AuthError;
  expect(isAuthError(error) && error.code).toBe('ERR_SESSION_EXPIRED');
  expect(error.cause).toMatchObject({ response: { status: 400 } });
  expect(leaks(error, [AT, RT])).toEqual([]);
});

describe('a refresh that fails with the fetch Request it sent in its cause', () => {
  const refreshToken = 'rt-0123456789abcdef';

  test('a refresh failure whose cause carries the fetch Request that was sent (as ky and fetch wrappers throw) prints no refresh token under util.inspect', async () => {
    const auth = createServer((req, res) => req.resume().on('end', () => res.writeHead(503).end()));
    await new Promise<void>((resolve) => auth.listen(0, '127.0.0.1', resolve));
    const authUrl = `http://127.0.0.1:${(auth.address() as AddressInfo).port}`;
    try {
      const instance = axios.create({ baseURL: 'https://api.test' });
      new MockAdapter(instance).onAny().reply(401, {}, { 'www-authenticate': 'Bearer error="invalid_token"' });
      const session = createAuthInterceptor(instance, {
        refresh: async (tokens) => {
          // ky's HTTPError keeps the Request and Response it failed with.
          const request = new Request(`${authUrl}/refresh`, { method: 'POST', headers: { authorization: `Bearer ${tokens!.refreshToken}` } });
          const response = await fetch(request);
          if (!response.ok) throw Object.assign(new Error(`Request failed with status code ${response.status}`), { name: 'HTTPError', request, response });
          return response.json();
        },
      });
      await session.setTokens({ accessToken: 'at-0123456789abcdef', refreshToken });

      const error = await instance.get('/me').catch((failure: unknown) => failure);

      expect((error as { code?: string }).code).toBe('ERR_REFRESH_FAILED');
      expect(inspect(error)).not.toContain(refreshToken);
    } finally {
      auth.closeAllConnections();
      await new Promise((resolve) => auth.close(resolve));
    }
  });
});
