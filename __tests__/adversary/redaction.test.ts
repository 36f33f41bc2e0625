import axios from 'axios';
import MockAdapter from 'axios-mock-adapter';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { createAuthInterceptor } from '../../src';

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
