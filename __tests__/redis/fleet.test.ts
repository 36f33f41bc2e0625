import { join } from 'node:path';
import { startTokenServer, type TokenServer } from '../../examples/server';
import { until } from '../helpers/deferred';
import { startRedis, type RedisServer } from '../helpers/redis';
import type { BurstResult, Command } from './worker';
import { startWorker as startProcess, type Worker as ProcessWorker } from '../helpers/workers';

// A guard against a hung process, not a speed requirement.
jest.setTimeout(90_000);

const FLEET = 6;
const BURST = 10;
const LOCK_KEY = 'axios-auth-interceptor:refresh-lock';

type Worker = ProcessWorker<Command>;

let redis: RedisServer;
let server: TokenServer;
let fleet: Worker[];

/** A process running worker.ts with one of the two Redis clients, answering over IPC. */
function startWorker(client: 'ioredis' | 'redis'): Promise<Worker> {
  return startProcess<Command>(join(__dirname, 'worker.ts'), { API_URL: server.url, REDIS_URL: redis.url, REDIS_CLIENT: client });
}

const burst = (worker: Worker) => worker.send<BurstResult>({ type: 'burst', calls: BURST });
const allSucceeded = (workers: Worker[]) => workers.map(() => ({ ok: BURST, failed: [] }));

beforeEach(async () => {
  redis = await startRedis();
  server = await startTokenServer({ accessTtlMs: 60_000, jwt: true });
  // Half the fleet on ioredis, half on node-redis.
  fleet = await Promise.all(Array.from({ length: FLEET }, (_, i) => startWorker(i % 2 ? 'redis' : 'ioredis')));
  await fleet[0]!.send({ type: 'signIn' });
});
afterEach(async () => {
  for (const worker of fleet ?? []) worker.process.kill('SIGKILL');
  await server?.close();
  await redis?.close();
});

test('six processes across several expiries: one refresh per expiry, every call succeeds, no refresh token reused', async () => {
  let expiries = 0;
  for (let round = 0; round < 3; round++) {
    // Time passes for the token server and every process alike: each sees its token expiring.
    server.advance(60_000);
    await Promise.all(fleet.map((worker) => worker.send({ type: 'advance', ms: 60_000 })));
    expect(await Promise.all(fleet.map(burst))).toEqual(allSucceeded(fleet));
    expect(server.refreshes).toBe(++expiries);
  }
  expect(server.log.filter((entry) => entry.path === '/api/data' && entry.status === 401)).toEqual([]);
  for (let round = 0; round < 2; round++) {
    // Revoked early: every process is refused, and still only one of them refreshes.
    server.expireAccessTokens();
    expect(await Promise.all(fleet.map(burst))).toEqual(allSucceeded(fleet));
    expect(server.refreshes).toBe(++expiries);
  }
  expect(server.reuses).toBe(0);
});

test('the process holding the lock is killed mid-refresh: the lock expires, another refreshes, no call of the others is lost', async () => {
  server.expireAccessTokens();
  const hold = server.hold('/auth/refresh'); // never released: the killed process's refresh never completes
  const bursts = fleet.map((worker) => burst(worker).catch(() => 'killed'));
  await hold.arrived;
  // The lock's owner value starts with its holder's process id.
  const owner = await redis.command(`GET ${LOCK_KEY}`);
  const holder = fleet.find((worker) => owner?.startsWith(`${worker.process.pid}:`))!;
  expect(holder).toBeDefined();
  holder.process.kill('SIGKILL');
  const results = await Promise.all(bursts);
  const survivors = fleet.filter((worker) => worker !== holder);
  expect(results.filter((result, i) => fleet[i] !== holder)).toEqual(allSucceeded(survivors));
  expect(server.refreshes).toBe(1);
  expect(server.reuses).toBe(0);
});

test('Redis stops: calls that need a refresh reject with ERR_LOCK instead of hanging; when it returns, the fleet recovers with one refresh', async () => {
  await Promise.all(fleet.map(burst)); // every process has read the tokens
  await redis.stop();
  server.expireAccessTokens();
  const failed = await Promise.all(fleet.map(burst));
  expect(failed).toEqual(fleet.map(() => ({ ok: 0, failed: Array(BURST).fill('ERR_LOCK') })));
  expect(server.refreshes).toBe(0);
  await redis.start();
  await until(async () => (await Promise.all(fleet.map(burst))).every((result) => result.ok === BURST));
  expect(await Promise.all(fleet.map(burst))).toEqual(allSucceeded(fleet));
  expect(server.refreshes).toBe(1);
  expect(server.reuses).toBe(0);
});
