export { redisStorage } from './storage';
export type { RedisStorageOptions } from './storage';
export { redisLock } from './lock';
export type { RedisLockOptions } from './lock';
export type { RedisClient } from './client';
