import axios from 'axios';
import { createAuthInterceptor } from '../../src';
import { redisLock, redisStorage, type RedisClient } from '../../src/redis';
import { deferred } from '../helpers/deferred';
import { mockApi } from '../helpers/mockApi';

/** An in-memory Redis that understands the commands the module sends, in node-redis's shape. */
function fakeRedis() {
  const data = new Map<string, string>();
  const sent: string[][] = [];
  const client = {
    data,
    sent,
    sendCommand: jest.fn(async (args: string[]): Promise<unknown> => {
      sent.push(args);
      const [command, key, value, ...rest] = args as [string, string, string, ...string[]];
      if (command === 'GET') return data.get(key) ?? null;
      if (command === 'DEL') return Number(data.delete(key));
      if (command === 'SET') {
        if (rest.includes('NX') && data.has(key)) return null;
        data.set(key, value);
        return 'OK';
      }
      if (command === 'EVAL') {
        // EVAL <compare-and-delete script> 1 <key> <owner>
        const [lockKey, owner] = rest as [string, string];
        return data.get(lockKey) === owner ? Number(data.delete(lockKey)) : 0;
      }
      throw new Error(`unexpected ${command}`);
    }),
  };
  return client;
}

describe('redisStorage', () => {
  test('keeps the tokens as JSON in one key under the prefix', async () => {
    const redis = fakeRedis();
    const storage = redisStorage(redis, { prefix: 'crm:' });
    await storage.set({ accessToken: 'at-1', refreshToken: 'rt-1' });
    expect(JSON.parse(redis.data.get('crm:tokens')!)).toEqual({ accessToken: 'at-1', refreshToken: 'rt-1' });
    await expect(storage.get()).resolves.toEqual({ accessToken: 'at-1', refreshToken: 'rt-1' });
    await storage.clear();
    await expect(storage.get()).resolves.toBeNull();
  });

  test("speaks through ioredis's call when the client has one", async () => {
    const call = jest.fn(async () => null);
    const client = { call, sendCommand: () => Promise.reject(new Error('not this one')) };
    await redisStorage(client).get();
    expect(call).toHaveBeenCalledWith('GET', 'axios-auth-interceptor:tokens');
  });

  test('a command with no answer fails after its timeout, and the session reports ERR_STORAGE', async () => {
    jest.useFakeTimers();
    try {
      const client: RedisClient = { sendCommand: () => new Promise(() => {}) };
      const api = mockApi({ storage: redisStorage(client, { timeout: 500 }) });
      const call = api.instance.get('/a').catch((error: unknown) => error);
      await jest.advanceTimersByTimeAsync(500);
      expect(await call).toMatchObject({ code: 'ERR_STORAGE', cause: new Error('Redis did not answer GET within 500 ms') });
    } finally {
      jest.useRealTimers();
    }
  });

  test.each([
    [{}, 'Expected `client` to be an ioredis or node-redis client (with `call` or `sendCommand`), got an object with keys (none)'],
    [null, 'Expected `client` to be an ioredis or node-redis client (with `call` or `sendCommand`), got null'],
  ])('checks the client up front: %p', (client, message) => {
    expect(() => redisStorage(client as never)).toThrow(new TypeError(message));
  });
});

describe('redisLock', () => {
  test('takes the lock with SET NX PX and an owner of its own, and releases only its own', async () => {
    const redis = fakeRedis();
    const lock = redisLock(redis, { ttl: 10_000 });
    await expect(lock.withLock(async () => 'done')).resolves.toBe('done');
    const [take, release] = redis.sent as [string[], string[]];
    expect(take).toEqual(['SET', 'axios-auth-interceptor:refresh-lock', expect.stringMatching(new RegExp(`^${process.pid}:`)), 'NX', 'PX', '10000']);
    expect(release.slice(0, 1).concat(release.slice(2))).toEqual(['EVAL', '1', 'axios-auth-interceptor:refresh-lock', take[2]]);
    expect(redis.data.size).toBe(0);
  });

  test('a holder whose lock expired and was taken by another does not delete the new owner', async () => {
    const redis = fakeRedis();
    await redisLock(redis).withLock(async () => {
      redis.data.set('axios-auth-interceptor:refresh-lock', 'another-process');
    });
    expect(redis.data.get('axios-auth-interceptor:refresh-lock')).toBe('another-process');
  });

  test('waiters poll until the holder releases it, one holder at a time', async () => {
    const redis = fakeRedis();
    const lock = redisLock(redis, { retryDelay: 1 });
    const inside: string[] = [];
    const first = deferred();
    const a = lock.withLock(async () => {
      inside.push('a');
      await first.promise;
      inside.push('a done');
    });
    const b = lock.withLock(async () => void inside.push('b'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(inside).toEqual(['a']);
    first.resolve();
    await Promise.all([a, b]);
    expect(inside).toEqual(['a', 'a done', 'b']);
  });

  test('gives up after waitTimeout, and the calls reject with ERR_LOCK', async () => {
    jest.useFakeTimers();
    try {
      const redis = fakeRedis();
      redis.data.set('axios-auth-interceptor:refresh-lock', 'a-process-that-hangs');
      const api = mockApi({ lock: redisLock(redis, { ttl: 60_000, waitTimeout: 1_000 }) });
      await api.auth.setTokens({ accessToken: 'at-1' });
      api.valid = 'at-2';
      const call = api.instance.get('/a').catch((error: unknown) => error);
      await jest.advanceTimersByTimeAsync(1_100);
      expect(await call).toMatchObject({ code: 'ERR_LOCK', cause: new Error('The refresh lock was held for longer than waitTimeout (1000 ms)') });
      expect(api.refresh).not.toHaveBeenCalled();
    } finally {
      jest.useRealTimers();
    }
  });

  test('must outlive refreshTimeout, or a slow refresh would let a second process in', () => {
    const lock = redisLock(fakeRedis(), { ttl: 5_000 });
    expect(() => createAuthInterceptor(axios.create(), { refresh: jest.fn(), lock, refreshTimeout: 5_000 })).toThrow(
      new TypeError("Expected `refreshTimeout` to be shorter than the lock's ttl (5000 ms), got 5000"),
    );
    expect(() => createAuthInterceptor(axios.create(), { refresh: jest.fn(), lock, refreshTimeout: 4_999 })).not.toThrow();
  });

  test.each([
    ['ttl', { ttl: 0 }, 'Expected `ttl` to be a positive integer of milliseconds, got 0'],
    ['retryDelay', { retryDelay: -1 }, 'Expected `retryDelay` to be a positive number of milliseconds, got -1'],
    ['key', { key: '' }, 'Expected `key` to be a non-empty string, got ""'],
  ])('checks %s up front', (_, options, message) => {
    expect(() => redisLock(fakeRedis(), options)).toThrow(new TypeError(message));
  });
});
