// `npm run demo`: the library against a real local API whose access tokens live 2 seconds.
// Part 1 fires bursts just before each expiry: the refresh happens first, no 401 is spent.
// Part 2 revokes the token on the server: one 401, one refresh, the call replayed; then a
// burst after another revocation, with more calls made while the (deliberately slow) refresh
// runs. The server's log shows what really crossed the wire.
import axios from 'axios';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAuthInterceptor } from '../src';
import { startTokenServer } from './server';

const TTL_MS = 2_000;
const LEEWAY_MS = 500;
const ROUNDS = 3;
const BURST = 10;
const HELD = 5;

async function main(): Promise<boolean> {
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
  let issuedAt = Date.now();
  const auth = createAuthInterceptor(api, {
    refreshLeeway: LEEWAY_MS,
    refresh: async (tokens, { signal, reason }) => {
      say(`refresh started (reason: ${reason})`);
      refreshStarted();
      const slow = server.hold('/auth/refresh');
      setTimeout(slow.release, 300); // a slow auth server, so calls visibly wait
      const { data } = await api.post('/auth/refresh', { refreshToken: tokens?.refreshToken }, { skipAuth: true, signal });
      issuedAt = Date.now();
      return data;
    },
    onRefreshed: () => say(`refresh finished: token #${server.refreshes + 1} in use`),
    onAuthFailure: (error) => say(`refresh failed: ${error.code}`),
  });
  await auth.setTokens(server.signIn());
  say(`signed in with token #1; tokens live ${TTL_MS / 1000} s, refreshLeeway is ${LEEWAY_MS / 1000} s`);

  let ok = 0;
  let failed = 0;
  const fire = (count: number, label: string) =>
    Array.from({ length: count }, (_, i) =>
      api.get(`/api/${label}/${i}`).then(
        () => ok++,
        (error: unknown) => {
          failed++;
          say(`call failed: ${error instanceof Error ? error.message : String(error)}`);
        },
      ),
    );
  /** Runs `step` and reports what the server saw meanwhile. */
  const observe = async (step: () => Promise<unknown>) => {
    const [logged, refreshes] = [server.log.length, server.refreshes];
    await step();
    const seen = server.log.slice(logged).filter((entry) => entry.path.startsWith('/api/'));
    const unauthorized = seen.filter((entry) => entry.status === 401);
    const heldWithOldToken = seen.filter((entry) => entry.path.includes('/held') && entry.status === 401).length;
    say(`  server saw ${unauthorized.length} 401s, ${server.refreshes - refreshes} refresh, ${new Set(unauthorized.map((e) => e.id)).size} calls replayed, held calls sent with an old token: ${heldWithOldToken}`);
    return { unauthorized: unauthorized.length, refreshes: server.refreshes - refreshes };
  };
  const burst = async (label: string) => {
    const refreshing = new Promise<void>((resolve) => (refreshStarted = resolve));
    const calls = fire(BURST, label);
    await refreshing;
    say(`${HELD} more calls made while the refresh runs: held, not sent`);
    await Promise.all([...calls, ...fire(HELD, `held-${label}`)]);
  };

  console.log('\nPart 1: refresh before expiry');
  const early: Array<{ unauthorized: number; refreshes: number }> = [];
  for (let round = 1; round <= ROUNDS; round++) {
    await sleep(Math.max(0, issuedAt + TTL_MS - LEEWAY_MS + 200 - Date.now()));
    say(`round ${round}: ${BURST} calls, ${(LEEWAY_MS - 200) / 1000} s before the token expires`);
    early.push(await observe(() => burst(`early${round}`)));
  }

  console.log('\nPart 2: a revoked token');
  server.expireAccessTokens();
  say('the server revoked the token; one call');
  const single = await observe(() => Promise.all(fire(1, 'single')));
  server.expireAccessTokens();
  say(`the server revoked the token again; ${BURST} calls at once`);
  const storm = await observe(() => burst('storm'));

  await server.close();
  const total = ROUNDS * (BURST + HELD) + 1 + BURST + HELD;
  console.log(`\n${total} calls: ${ok} succeeded, ${failed} failed; ${server.refreshes} refreshes; refresh-token reuse: ${server.reuses}`);
  console.log(`before expiry: ${early.map((r) => `${r.refreshes} refresh / ${r.unauthorized} 401s`).join(', ')}`);
  console.log(`after a revocation: ${single.refreshes} refresh / ${single.unauthorized} 401 for one call; ${storm.refreshes} refresh for ${BURST} concurrent 401s`);
  return (
    ok === total &&
    early.every((r) => r.refreshes === 1 && r.unauthorized === 0) &&
    single.refreshes === 1 &&
    single.unauthorized === 1 &&
    storm.refreshes === 1 &&
    server.reuses === 0
  );
}

main().then(
  (passed) => process.exit(passed ? 0 : 1),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
