import IORedis from 'ioredis';
import { createClient } from 'redis';
import { redisLock, redisStorage, type RedisClient } from '../../src/redis';
import { startRedis, type RedisServer } from '../helpers/redis';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.close());

const clients: Array<[string, () => Promise<RedisClient & { quit(): Promise<unknown> }>]> = [
  ['ioredis', async () => new IORedis(redis.url)],
  ['node-redis', async () => createClient({ url: redis.url }).connect()],
];

describe.each(clients)('with %s', (name, connect) => {
  test('storage round-trips the tokens through a real Redis', async () => {
    const client = await connect();
    try {
      const storage = redisStorage(client, { prefix: `${name}:` });
      await storage.set({ accessToken: 'at-1', refreshToken: 'rt-1', expiresAt: 1 });
      await expect(storage.get()).resolves.toEqual({ accessToken: 'at-1', refreshToken: 'rt-1', expiresAt: 1 });
      await storage.clear();
      await expect(storage.get()).resolves.toBeNull();
    } finally {
      await client.quit();
    }
  });

  test('a holder whose lock expired and went to another process leaves the new owner alone', async () => {
    const client = await connect();
    const key = `${name}:refresh-lock`;
    try {
      await redisLock(client, { prefix: `${name}:`, ttl: 100 }).withLock(async () => {
        while ((await redis.command(`GET ${key}`)) !== null) await new Promise((resolve) => setTimeout(resolve, 10));
        await redis.command(`SET ${key} another-process`);
      });
      expect(await redis.command(`GET ${key}`)).toBe('another-process');
    } finally {
      await client.quit();
    }
  });
});
