import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { type RefreshContext } from '../../src';
import { refreshTokenGrant } from '../../src/oauth';
import { metadataUrls } from '../../src/oauth/discovery';
import { settle } from '../helpers/deferred';

const context = (): RefreshContext => ({ signal: new AbortController().signal, reason: 'manual' });
const previous = { accessToken: 'at-old', refreshToken: 'rt-old' };

function setup(issuer = 'https://id.example.com/tenant') {
  const http = axios.create();
  const mock = new MockAdapter(http);
  const asked: string[] = [];
  mock.onPost('https://id.example.com/token').reply(200, { access_token: 'at-new' });
  const grant = refreshTokenGrant({ issuer, clientId: 'spa', http });
  const answer = (url: string, ...reply: [number, unknown?]) =>
    mock.onGet(url).reply(() => {
      asked.push(url);
      return reply;
    });
  return { grant, mock, asked, answer };
}

test('RFC 8414 inserts the well-known path before the issuer path; OpenID Discovery appends it', () => {
  expect(metadataUrls('https://id.example.com/tenant/a/')).toEqual([
    'https://id.example.com/.well-known/oauth-authorization-server/tenant/a',
    'https://id.example.com/tenant/a/.well-known/openid-configuration',
  ]);
  expect(metadataUrls('https://id.example.com')).toEqual(['https://id.example.com/.well-known/oauth-authorization-server', 'https://id.example.com/.well-known/openid-configuration']);
});

test('when the RFC 8414 location has nothing, the OpenID configuration is asked, once for every refresh after', async () => {
  const { grant, asked, answer } = setup();
  answer('https://id.example.com/.well-known/oauth-authorization-server/tenant', 404);
  answer('https://id.example.com/tenant/.well-known/openid-configuration', 200, { issuer: 'https://id.example.com/tenant', token_endpoint: 'https://id.example.com/token' });

  await grant(previous, context());
  await grant(previous, context());

  expect(asked).toEqual(['https://id.example.com/.well-known/oauth-authorization-server/tenant', 'https://id.example.com/tenant/.well-known/openid-configuration']);
});

test('a failed discovery is not kept: the next refresh asks again', async () => {
  const { grant, asked, mock, answer } = setup();
  answer('https://id.example.com/.well-known/oauth-authorization-server/tenant', 503);
  answer('https://id.example.com/tenant/.well-known/openid-configuration', 503);

  const failed = await settle(grant(previous, context()));
  mock.reset();
  mock.onPost('https://id.example.com/token').reply(200, { access_token: 'at-new' });
  answer('https://id.example.com/.well-known/oauth-authorization-server/tenant', 200, { issuer: 'https://id.example.com/tenant', token_endpoint: 'https://id.example.com/token' });

  expect(!failed.ok && failed.error).toMatchObject({ code: 'ERR_REFRESH_FAILED' });
  await expect(grant(previous, context())).resolves.toMatchObject({ accessToken: 'at-new' });
  expect(asked).toHaveLength(3);
});

test("metadata naming another issuer is refused (RFC 8414 section 3.3) and its token endpoint never called", async () => {
  const { grant, mock, answer } = setup();
  answer('https://id.example.com/.well-known/oauth-authorization-server/tenant', 200, { issuer: 'https://evil.example.com', token_endpoint: 'https://id.example.com/token' });

  const result = await settle(grant(previous, context()));

  expect(!result.ok && result.error).toMatchObject({ code: 'ERR_REFRESH_FAILED', message: expect.stringContaining('RFC 8414 section 3.3') });
  expect(mock.history.post).toHaveLength(0);
});

test('a discovered token endpoint on plain http (not loopback) is refused', async () => {
  const { grant, mock, answer } = setup();
  answer('https://id.example.com/.well-known/oauth-authorization-server/tenant', 200, { issuer: 'https://id.example.com/tenant', token_endpoint: 'http://id.example.com/token' });

  const result = await settle(grant(previous, context()));

  expect(!result.ok && result.error).toMatchObject({ code: 'ERR_REFRESH_FAILED' });
  expect(mock.history.post).toHaveLength(0);
});
