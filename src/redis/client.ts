import { check } from '../validation';

/**
 * What this module needs of a Redis connection: ioredis's `call` (ioredis 5+) or node-redis's
 * `sendCommand` (redis 4+). Pass the client you already have; it is never loaded from here.
 */
export type RedisClient = { call(command: string, ...args: string[]): Promise<unknown> } | { sendCommand(args: string[]): Promise<unknown> };

/** Sends one command; rejects once `timeout` ms pass without an answer (e.g. while Redis is down). */
export type Send = (...args: string[]) => Promise<unknown>;

export function commandSender(client: RedisClient, timeout: number): Send {
  // ioredis has a `sendCommand` of its own with another signature: ask for `call` first.
  const send =
    typeof (client as { call?: unknown }).call === 'function'
      ? (args: string[]) => (client as { call(...args: string[]): Promise<unknown> }).call(...args)
      : (args: string[]) => (client as { sendCommand(args: string[]): Promise<unknown> }).sendCommand(args);
  return (...args) =>
    new Promise((resolve, reject) => {
      // Both clients queue commands while disconnected, by default until the connection returns.
      const timer = setTimeout(() => reject(new Error(`Redis did not answer ${args[0]} within ${timeout} ms`)), timeout);
      send(args)
        .then(resolve, reject)
        .finally(() => clearTimeout(timer));
    });
}

export function checkClient(client: unknown): asserts client is RedisClient {
  const has = (method: string) => typeof (client as Record<string, unknown> | null)?.[method] === 'function';
  check('client', client, has('call') || has('sendCommand'), 'an ioredis or node-redis client (with `call` or `sendCommand`)');
}

export const isPositive = (value: unknown) => typeof value === 'number' && value > 0 && value < Infinity;
