// One process of a fleet sharing one sign-in through Redis, with the `resources` option: its own
// axios instance on the rig's home API (helpers/resourceServers.ts), billing and files as
// resource servers, tokens in `redisStorage` and token requests under `redisLock`. Driven by the
// test over IPC, as worker.ts is.
import Module from 'node:module';
import { join } from 'node:path';
import axios from 'axios';
import IORedis from 'ioredis';
import { createClient } from 'redis';
import { createAuthInterceptor } from '../../src';
import { refreshTokenGrant } from '../../src/oauth';
import { redisLock, redisStorage } from '../../src/redis';
import type { Api } from '../helpers/resourceServers';
import { serve } from '../helpers/workers';

export type Command = { type: 'signIn' } | { type: 'burst'; calls: number; apis?: Api[] } | { type: 'advance'; ms: number } | { type: 'settle' };
export interface BurstResult {
  ok: number;
  failed: string[];
}

// The core loads the option's code from the package's own `/resources` entry. Under jest,
// moduleNameMapper points it at the source; this process runs under ts-node, which reads no
// tsconfig `paths`: without this it would load dist/, built from whatever src/ was then.
const loader = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
const resolve = loader._resolveFilename;
loader._resolveFilename = function (request, ...rest) {
  return resolve.call(this, request === 'axios-auth-interceptor/resources' ? join(__dirname, '..', '..', 'src', 'resources', 'index.ts') : request, ...rest);
};

const { ORIGINS, REDIS_URL, REDIS_CLIENT } = process.env;
const origins = JSON.parse(ORIGINS!) as Record<Api, string>;

// This process's clock, moved by the test together with the rig's.
let offset = 0;
const realNow = Date.now;
Date.now = () => realNow() + offset;

/** The client, and a PING through it: answered after every command sent before it. */
async function connect() {
  // Both clients report a lost connection as an 'error' event; unheard, it would end the process.
  if (REDIS_CLIENT === 'ioredis') {
    const client = new IORedis(REDIS_URL!).on('error', () => {});
    return { client, ping: () => client.ping() };
  }
  const client = createClient({ url: REDIS_URL! }).on('error', () => {});
  await client.connect();
  return { client, ping: () => client.ping() };
}

async function main() {
  const { client, ping } = await connect();
  const api = axios.create({ baseURL: origins.home });
  const auth = createAuthInterceptor(api, {
    storage: redisStorage(client, { timeout: 1_000 }),
    lock: redisLock(client, { ttl: 5_000, timeout: 1_000 }),
    refreshTimeout: 4_000,
    refresh: refreshTokenGrant({ tokenEndpoint: `${origins.home}/token`, clientId: 'spa' }),
    // The rig's resource indicators and scopes: billing is named by its origin, files by a URN.
    resources: {
      [origins.billing]: { resource: origins.billing, scope: 'invoices' },
      [origins.files]: { resource: 'urn:files', scope: 'files:read' },
    },
  });
  let sequence = 0;

  const handle = async (command: Command): Promise<unknown> => {
    switch (command.type) {
      case 'signIn': {
        const { data } = await api.post('/auth/sign-in', null, { skipAuth: true });
        return auth.setTokens({ accessToken: data.access_token, refreshToken: data.refresh_token, expiresIn: data.expires_in });
      }
      case 'advance':
        offset += command.ms;
        return undefined;
      case 'settle':
        // Whatever the interceptor asked of Redis on its own since it was made has been answered,
        // and taken: a process that has been up a while, with no call made.
        await ping();
        return new Promise((resolve) => setImmediate(resolve));
      case 'burst': {
        // `calls` to each API named (every one by default) at once, each named `<pid>:<sequence>` for the rig's log.
        const sent = (command.apis ?? (Object.keys(origins) as Api[])).flatMap((name) =>
          Array.from({ length: command.calls }, () => api.get(`${origins[name]}/api/${name}`, { headers: { 'x-call': `${process.pid}:${++sequence}` } })),
        );
        const results = await Promise.allSettled(sent);
        const failed = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as { code?: string }).code ?? r.reason)] : []));
        return { ok: sent.length - failed.length, failed } satisfies BurstResult;
      }
    }
  };
  serve(handle);
}

void main();
