import axios from 'axios';
import { gzipSync } from 'node:zlib';
import { refreshTokenGrant } from '../../src/oauth';
import { MAX_RESPONSE_BYTES } from '../../src/oauth/endpointRequest';
import { nodeAdapters } from '../helpers/adapters';
import { settle } from '../helpers/deferred';
import { context, endlessBody, previous, routes, serve, type Answer, type Loopback } from './servers';

/** Far below the 64 MiB the servers would write, far above what a client's and the kernel's buffers take in before the client stops reading. */
const CUT_OFF_BY = 16 * 1024 * 1024;

let servers: Loopback[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function grantOn(answer: Answer, adapter: 'http' | 'fetch', discover = false) {
  const server = await serve(answer);
  servers.push(server);
  const endpoint = discover ? { issuer: server.url } : { tokenEndpoint: `${server.url}/token` };
  return refreshTokenGrant({ ...endpoint, clientId: 'spa', http: axios.create({ adapter, maxContentLength: -1 }) });
}

describe.each(nodeAdapters)('the %s adapter', (adapter) => {
  test('a token response that never ends is cut off after 1 MiB: the client stops reading having been given a few MiB at most', async () => {
    const body = endlessBody();
    const grant = await grantOn(body.answer, adapter);

    const result = await settle(grant(previous, context()));

    expect(!result.ok && result.error).toMatchObject({ code: 'ERR_REFRESH_FAILED', message: expect.stringContaining('larger than 1 MiB') });
    expect(body.written()).toBeLessThan(CUT_OFF_BY);
  });

  test('a token response that declares 50 MB is refused without reading it', async () => {
    const body = endlessBody(50_000_000);
    const grant = await grantOn(body.answer, adapter);

    const result = await settle(grant(previous, context()));

    expect(!result.ok && result.error).toMatchObject({ code: 'ERR_REFRESH_FAILED', message: expect.stringContaining('larger than 1 MiB') });
    expect(body.written()).toBeLessThan(CUT_OFF_BY);
  });

  test('a compressed token response that unpacks to 32 MiB is cut off after 1 MiB unpacked', async () => {
    const bomb = gzipSync(Buffer.alloc(32 * 1024 * 1024, ' '));
    const grant = await grantOn((res) => res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }).end(bomb), adapter);

    const result = await settle(grant(previous, context()));

    expect(bomb.length).toBeLessThan(MAX_RESPONSE_BYTES);
    expect(!result.ok && result.error).toMatchObject({ code: 'ERR_REFRESH_FAILED', message: expect.stringContaining('larger than 1 MiB') });
  });

  test('a metadata document that never ends is cut off after 1 MiB, and discovery fails', async () => {
    const body = endlessBody();
    const grant = await grantOn(routes({ 'GET /.well-known/oauth-authorization-server': body.answer }), adapter, true);

    const result = await settle(grant(previous, context()));

    expect(!result.ok && result.error).toMatchObject({ code: 'ERR_REFRESH_FAILED', message: expect.stringContaining('larger than 1 MiB') });
    expect(body.written()).toBeLessThan(CUT_OFF_BY);
  });
});

test('an adapter that ignores maxContentLength (XHR, the fetch adapter before axios 1.16) is stopped once it reports more than 1 MiB received', async () => {
  let aborted = false;
  const http = axios.create({
    // Reports progress as it "reads" and answers only when told to stop, as a body that never ends would.
    adapter: (config) =>
      new Promise((_, reject) => {
        config.signal!.addEventListener!('abort', () => {
          aborted = true;
          reject(new axios.CanceledError('aborted', config));
        });
        for (let loaded = 0; loaded <= 2 * MAX_RESPONSE_BYTES; loaded += 64 * 1024) config.onDownloadProgress!({ loaded, bytes: 64 * 1024, lengthComputable: false });
      }),
  });
  const grant = refreshTokenGrant({ tokenEndpoint: 'https://id.example.com/token', clientId: 'spa', http });

  await expect(grant(previous, context())).rejects.toMatchObject({ code: 'ERR_REFRESH_FAILED', message: expect.stringContaining('larger than 1 MiB') });
  expect(aborted).toBe(true);
});
