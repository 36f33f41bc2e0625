// One process of the fleet: its own axios instance and session, sharing tokens and the refresh
// lock with the others through Redis. Driven by the test over IPC.
import axios from 'axios';
import IORedis from 'ioredis';
import { createClient } from 'redis';
import { createAuthInterceptor } from '../../src';
import { redisLock, redisStorage } from '../../src/redis';
import { serve } from '../helpers/workers';

export type Command = { type: 'signIn' } | { type: 'burst'; calls: number } | { type: 'advance'; ms: number };
export interface BurstResult {
  ok: number;
  failed: string[];
}

const { API_URL, REDIS_URL, REDIS_CLIENT } = process.env;

// This process's clock, moved by the test together with the token server's.
let offset = 0;
const realNow = Date.now;
Date.now = () => realNow() + offset;

async function connect() {
  // Both clients report a lost connection as an 'error' event; unheard, it would end the process.
  if (REDIS_CLIENT === 'ioredis') return new IORedis(REDIS_URL!).on('error', () => {});
  const client = createClient({ url: REDIS_URL! }).on('error', () => {});
  await client.connect();
  return client;
}

async function main() {
  const client = await connect();
  const api = axios.create({ baseURL: API_URL });
  const auth = createAuthInterceptor(api, {
    storage: redisStorage(client, { timeout: 500 }),
    lock: redisLock(client, { ttl: 3_000, timeout: 500 }),
    refreshTimeout: 2_000,
    refresh: async (tokens, { signal }) => (await api.post('/auth/refresh', { refreshToken: tokens?.refreshToken }, { skipAuth: true, signal })).data,
  });

  const handle = async (command: Command): Promise<unknown> => {
    switch (command.type) {
      case 'signIn':
        return auth.setTokens((await api.post('/auth/sign-in', null, { skipAuth: true })).data);
      case 'advance':
        offset += command.ms;
        return undefined;
      case 'burst': {
        const results = await Promise.allSettled(Array.from({ length: command.calls }, () => api.get('/api/data')));
        const failed = results.flatMap((r) => (r.status === 'rejected' ? [String((r.reason as { code?: string }).code ?? r.reason)] : []));
        return { ok: command.calls - failed.length, failed } satisfies BurstResult;
      }
    }
  };
  serve(handle);
}

void main();
