import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from './deferred';

/** A free loopback port, as the OS hands one out. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

/**
 * Sends one inline command and resolves with its reply: a status line such as `+PONG`, or the
 * value of a bulk string (`null` for none). Rejects if nothing listens.
 */
function ask(port: number, command: string): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write(`${command}\r\n`));
    socket.once('data', (data) => {
      const [head, body] = data.toString().split('\r\n') as [string, string];
      resolve(head === '$-1' ? null : head.startsWith('$') ? body : head);
      socket.end();
    });
    socket.once('error', reject);
    socket.once('close', () => resolve(''));
  });
}

export interface RedisServer {
  url: string;
  /** Runs one command (inline syntax): a status line such as `+OK`, or a string value (`null` for none). */
  command(command: string): Promise<string | null>;
  /** Saves the data and stops the server, as an outage would stop it. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the saved data. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real `redis-server` (Debian's, or `$REDIS_SERVER`) on a free port of 127.0.0.1, with its
 * data in a temporary folder, so a stop and start keeps what was stored.
 */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'redis-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    const server = spawn(process.env.REDIS_SERVER ?? 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    child = server;
    const exited = new Promise<never>((_, reject) => {
      server.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
      server.once('error', (error) => reject(new Error(`Cannot start redis-server (apt-get install redis-server, or set REDIS_SERVER): ${error.message}`)));
    });
    exited.catch(() => {});
    // Ready once it answers; a server that exits instead ends the wait with why.
    await until(async () => (await Promise.race([ask(port, 'PING').catch(() => ''), exited])) === '+PONG');
  };
  const stop = async () => {
    const stopping = child;
    if (!stopping || stopping.exitCode !== null) return;
    const exited = new Promise((resolve) => stopping.once('exit', resolve));
    await ask(port, 'SHUTDOWN SAVE').catch(() => {});
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    command: (command) => ask(port, command),
    stop,
    start,
    async close() {
      child?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
