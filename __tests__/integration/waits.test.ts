import axios from 'axios';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthInterceptor } from '../../src';
import { nodeAdapters } from '../helpers/adapters';

let server: Server;
let url: string;
beforeAll(async () => {
  // Every call is refused with a challenge only a step-up can answer.
  server = createServer((_req, res) => res.writeHead(403, { 'www-authenticate': 'Bearer error="insufficient_scope", scope="admin"' }).end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe.each(nodeAdapters)('with the %s adapter', (adapter) => {
  // The jest timeout (5 s) bounds it: without the call's timeout, the wait for onChallenge would never end.
  test("a call's timeout ends the wait for an onChallenge that never answers, with axios's timeout error", async () => {
    const instance = axios.create({ baseURL: url, adapter });
    const onChallenge = jest.fn(() => new Promise<never>(() => {}));
    const auth = createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'at-2' }), onChallenge });
    await auth.setTokens({ accessToken: 'at-1' });

    await expect(instance.get('/admin', { timeout: 100 })).rejects.toMatchObject({ code: 'ECONNABORTED', message: 'timeout of 100ms exceeded' });
    expect(onChallenge).toHaveBeenCalledTimes(1);
  });
});
