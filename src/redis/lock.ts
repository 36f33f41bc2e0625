import { randomUUID } from 'node:crypto';
import type { RefreshLock } from '../locks/types';
import { check, checkKeys } from '../validation';
import { checkClient, commandSender, isPositive, type RedisClient } from './client';

export interface RedisLockOptions {
  /**
   * Put before `key`; use the same prefix as the `redisStorage` of the same credential.
   * @default 'axios-auth-interceptor:'
   */
  prefix?: string;
  /**
   * The key that holds the lock.
   * @default 'refresh-lock'
   */
  key?: string;
  /**
   * Milliseconds after which the lock frees itself if its holder died. Must be longer than
   * `refreshTimeout` (checked), or a slow refresh could lose the lock while it runs.
   * @default 60_000
   */
  ttl?: number;
  /**
   * Milliseconds between attempts to take a lock that is held (jittered by half either way).
   * @default 50
   */
  retryDelay?: number;
  /**
   * Milliseconds to wait for the lock before the calls reject with `ERR_LOCK`: enough to outlast
   * a holder that died (`ttl`) and a live one.
   * @default 2 * ttl
   */
  waitTimeout?: number;
  /**
   * Milliseconds a command may take before it fails (`ERR_LOCK` to the calls).
   * @default 5_000
   */
  timeout?: number;
}

// Deletes the lock only if this holder still owns it: after a `ttl` it may belong to another.
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

/**
 * A `RefreshLock` shared by every process that uses the same Redis key: `SET key owner NX PX ttl`
 * to take it, a compare-and-delete to release it. Waiters poll; once they hold it, the session
 * re-reads the stored tokens and adopts them instead of refreshing again.
 */
export function redisLock(client: RedisClient, options: RedisLockOptions = {}): RefreshLock {
  const { prefix = 'axios-auth-interceptor:', key = 'refresh-lock', ttl = 60_000, retryDelay = 50, timeout = 5_000 } = options;
  const waitTimeout = options.waitTimeout ?? 2 * ttl;
  // Every option's name, checked by the compiler against the interface.
  checkKeys(options, Object.keys({ prefix, key, ttl, retryDelay, waitTimeout, timeout } satisfies Required<RedisLockOptions>));
  checkClient(client);
  check('prefix', prefix, typeof prefix === 'string', 'a string');
  check('key', key, typeof key === 'string' && key !== '', 'a non-empty string');
  check('ttl', ttl, Number.isInteger(ttl) && ttl > 0, 'a positive integer of milliseconds');
  check('retryDelay', retryDelay, isPositive(retryDelay), 'a positive number of milliseconds');
  check('waitTimeout', waitTimeout, isPositive(waitTimeout), 'a positive number of milliseconds');
  check('timeout', timeout, isPositive(timeout), 'a positive number of milliseconds');
  const send = commandSender(client, timeout);
  const name = prefix + key;

  return {
    ttl,
    async withLock(fn) {
      // The process id tells an operator who holds it; the random part keeps owners unique across hosts.
      const owner = `${process.pid}:${randomUUID()}`;
      const giveUp = Date.now() + waitTimeout;
      while ((await send('SET', name, owner, 'NX', 'PX', String(ttl))) !== 'OK') {
        if (Date.now() >= giveUp) throw new Error(`The refresh lock was held for longer than waitTimeout (${waitTimeout} ms)`);
        await new Promise((resolve) => setTimeout(resolve, retryDelay * (0.5 + Math.random())));
      }
      try {
        return await fn();
      } finally {
        // A release that fails leaves the lock to expire after `ttl`; the refresh itself succeeded.
        await send('EVAL', RELEASE, '1', name, owner).catch(() => {});
      }
    },
  };
}
