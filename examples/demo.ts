// `npm run demo`: the library against a real local API whose access tokens live 2 seconds.
// Each round waits for the token to expire, fires a burst, and fires more calls while the
// (deliberately slow) refresh runs. The server's log shows what really crossed the wire.
import axios from 'axios';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAuthInterceptor } from '../src';
import { startTokenServer } from './server';

const ROUNDS = 4;
const BURST = 10;
const HELD = 5;
const TTL_MS = 2_000;

async function main(): Promise<number> {
  const server = await startTokenServer({ accessTtlMs: TTL_MS });
  const started = Date.now();
  const say = (line: string) => console.log(`${((Date.now() - started) / 1000).toFixed(2).padStart(6)}s  ${line}`);
  const api = axios.create({ baseURL: server.url });
  let nextId = 0;
  api.interceptors.request.use((config) => {
    config.headers['X-Request-Id'] ??= String(++nextId);
    return config;
  });

  let refreshStarted = () => {};
  const auth = createAuthInterceptor(api, {
    refresh: async (tokens, { signal, reason }) => {
      say(`refresh started (reason: ${reason})`);
      refreshStarted();
      const slow = server.hold('/auth/refresh');
      setTimeout(slow.release, 300); // a slow auth server, so calls visibly wait
      const { data } = await api.post('/auth/refresh', { refreshToken: tokens?.refreshToken }, { skipAuth: true, signal });
      return data;
    },
    onRefreshed: () => say(`refresh finished: token #${server.refreshes + 1} in use`),
    onAuthFailure: (error) => say(`refresh failed: ${error.code}`),
  });
  await auth.setTokens(server.signIn());
  say(`signed in with token #1, which expires every ${TTL_MS / 1000} s`);

  let ok = 0;
  let failed = 0;
  const fire = (count: number, label: string) =>
    Array.from({ length: count }, (_, i) =>
      api.get(`/api/${label}/${i}`).then(
        () => ok++,
        (error: unknown) => {
          failed++;
          say(`call failed: ${axios.isAxiosError(error) ? error.message : String(error)}`);
        },
      ),
    );

  for (let round = 1; round <= ROUNDS; round++) {
    await sleep(TTL_MS + 100);
    const logged = server.log.length;
    const refreshing = new Promise<void>((resolve) => (refreshStarted = resolve));
    say(`round ${round}: token expired; ${BURST} calls sent at once`);
    const burst = fire(BURST, `burst${round}`);
    await refreshing;
    say(`${HELD} more calls made while the refresh runs: held, not sent`);
    const held = fire(HELD, `held${round}`);
    await Promise.all([...burst, ...held]);
    const round401 = server.log.slice(logged).filter((entry) => entry.status === 401).length;
    const replays = new Set(server.log.slice(logged).filter((e) => e.status === 401).map((e) => e.id)).size;
    const heldSeenWithOldToken = server.log.slice(logged).filter((e) => e.path.includes('/held') && e.status === 401).length;
    say(`server saw ${round401} 401s, replayed ${replays} calls with the new token, held calls sent with an old token: ${heldSeenWithOldToken}`);
  }

  await server.close();
  const total = ROUNDS * (BURST + HELD);
  console.log(`\n${total} calls: ${ok} succeeded, ${failed} failed; ${server.refreshes} refreshes for ${ROUNDS} expiries; refresh-token reuse: ${server.reuses}`);
  return ok === total && server.refreshes === ROUNDS && server.reuses === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
