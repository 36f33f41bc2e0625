import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** How long a child may take to exit on its own: far less than the 10 minutes its refresh or storage would hold it. */
const GRACE_MS = 20_000;
const SRC = join(__dirname, '../../src');

/**
 * Runs `body` in a child Node process, after `auth` is set up on an axios instance with `options`
 * (a JS expression; `never` is a function returning a promise that never settles), and resolves
 * with whether the child exited on its own within the grace period (it is killed if not).
 */
function exitsOnItsOwn(options: string, body: string): Promise<boolean> {
  const script = `
    const axios = require('axios');
    const { createAuthInterceptor } = require(${JSON.stringify(SRC)});
    const never = () => new Promise(() => {});
    const auth = createAuthInterceptor(axios.create({ baseURL: 'http://127.0.0.1:9' }), ${options});
    (async () => { ${body} })().catch((error) => { console.error(error); process.exit(2); });
  `;
  const child = spawn(process.execPath, ['-r', 'ts-node/register', '-e', script], {
    cwd: join(__dirname, '../..'),
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(false);
    }, GRACE_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code === 0);
    });
  });
}

const hangingRefresh = '{ refresh: never, refreshTimeout: 600000 }';
const hangingStorage = '{ refresh: never, refreshTimeout: 600000, storage: { get: async () => null, set: never, clear: never } }';
const tick = 'await new Promise((resolve) => setImmediate(resolve));';

describe('nothing of the session keeps a Node process alive once it is signed out or ejected', () => {
  jest.setTimeout(GRACE_MS + 10_000);

  test('a refresh that never settles, then clearTokens()', async () => {
    expect(await exitsOnItsOwn(hangingRefresh, `await auth.setTokens({ accessToken: 'at-1' }); auth.refresh().catch(() => {}); ${tick} await auth.clearTokens();`)).toBe(true);
  });

  test('a refresh that never settles, then eject()', async () => {
    expect(await exitsOnItsOwn(hangingRefresh, `await auth.setTokens({ accessToken: 'at-1' }); auth.refresh().catch(() => {}); ${tick} auth.eject();`)).toBe(true);
  });

  test('a refresh started in the same tick as clearTokens()', async () => {
    expect(await exitsOnItsOwn(hangingRefresh, `await auth.setTokens({ accessToken: 'at-1' }); auth.refresh().catch(() => {}); await auth.clearTokens();`)).toBe(true);
  });

  test('a storage write that never settles, then eject()', async () => {
    expect(await exitsOnItsOwn(hangingStorage, `auth.setTokens({ accessToken: 'at-1' }).catch(() => {}); ${tick} auth.eject();`)).toBe(true);
  });

  test('a storage write that never settles, then clearTokens() whose clear never settles either', async () => {
    expect(await exitsOnItsOwn(hangingStorage, `auth.setTokens({ accessToken: 'at-1' }).catch(() => {}); ${tick} auth.clearTokens().catch(() => {});`)).toBe(true);
  });
});
