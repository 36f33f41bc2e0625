import { fork, type ChildProcess } from 'node:child_process';

/** A child process running a TypeScript file with ts-node, answering commands over IPC. */
export interface Worker<Command> {
  process: ChildProcess;
  send<T = unknown>(command: Command): Promise<T>;
}

/** Forks `file` with `env` and resolves once it says it is ready (see `serve`). */
export function startWorker<Command extends object>(file: string, env: Record<string, string>): Promise<Worker<Command>> {
  const child = fork(file, [], { execArgv: ['-r', 'ts-node/register'], env: { ...process.env, ...env } });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let ids = 0;
  return new Promise((resolve, reject) => {
    child.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
      if (id === 0) return resolve(worker);
      const waiter = pending.get(id)!;
      pending.delete(id);
      if (error) waiter.reject(new Error(error));
      else waiter.resolve(result);
    });
    child.once('exit', (code, signal) => {
      for (const waiter of pending.values()) waiter.reject(new Error(`worker exited (${signal ?? code})`));
      reject(new Error(`worker exited before it was ready (${signal ?? code})`));
    });
    const worker: Worker<Command> = {
      process: child,
      send: (command) =>
        new Promise((resolve, reject) => {
          const id = ++ids;
          pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
          child.send({ ...command, id });
        }),
    };
  });
}

/** In the worker: answers each command with `handle`'s result (or its error), and says it is ready. */
export function serve<Command>(handle: (command: Command) => Promise<unknown>): void {
  process.on('message', (command: Command & { id: number }) => {
    void handle(command).then(
      (result) => process.send!({ id: command.id, result }),
      (error: unknown) => process.send!({ id: command.id, error: String(error) }),
    );
  });
  process.send!({ id: 0, result: 'ready' });
}
