import { fromJson } from '../storage/json';
import type { TokenStorage } from '../storage/types';
import { check, checkKeys } from '../validation';
import { checkClient, commandSender, isPositive, type RedisClient } from './client';

export interface RedisStorageOptions {
  /**
   * Put before `key`: one prefix per credential when several share a Redis.
   * @default 'axios-auth-interceptor:'
   */
  prefix?: string;
  /**
   * The key that holds the tokens, as JSON.
   * @default 'tokens'
   */
  key?: string;
  /**
   * Milliseconds a command may take before it fails (`ERR_STORAGE` to the calls).
   * @default 5_000
   */
  timeout?: number;
}

/**
 * Keeps the session's tokens in one Redis key, as JSON, shared by every process that uses the
 * same key. Pair it with `redisLock` so that only one of them refreshes at a time.
 */
export function redisStorage(client: RedisClient, options: RedisStorageOptions = {}): TokenStorage {
  const { prefix = 'axios-auth-interceptor:', key = 'tokens', timeout = 5_000 } = options;
  // Every option's name, checked by the compiler against the interface.
  checkKeys(options, Object.keys({ prefix, key, timeout } satisfies Required<RedisStorageOptions>));
  checkClient(client);
  check('prefix', prefix, typeof prefix === 'string', 'a string');
  check('key', key, typeof key === 'string' && key !== '', 'a non-empty string');
  check('timeout', timeout, isPositive(timeout), 'a positive number of milliseconds');
  const send = commandSender(client, timeout);
  const name = prefix + key;
  return {
    get: async () => fromJson((await send('GET', name)) as string | null),
    set: async (tokens) => void (await send('SET', name, JSON.stringify(tokens))),
    clear: async () => void (await send('DEL', name)),
  };
}
