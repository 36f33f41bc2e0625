// `npm run demo`: the library, imported by its name from the built package, against a real local
// API whose access tokens live 2 seconds. The server's log shows what really crossed the wire.
// Part 1 fires bursts just before each expiry: the refresh happens first, no 401 is spent.
// Part 2 revokes the access token: one 401, one refresh, the call replayed; then a burst after
// another revocation, with more calls made while the (deliberately slow) refresh runs.
// Part 3 revokes the whole session, refresh token too: every waiting call rejects once and the
// app is told, once, to send the user to sign in.
import axios from 'axios';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAuthInterceptor, isAuthError } from 'axios-auth-interceptor';
import { startTokenServer } from './server';

const TTL_MS = 2_000;
const LEEWAY_MS = 500;
const ROUNDS = 3;
const BURST = 10;
const HELD = 5;

/** "1 refresh", "2 refreshes", "0 calls". */
const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const times = (n: number) => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

async function main(): Promise<boolean> {
  const server = await startTokenServer({ accessTtlMs: TTL_MS });
  const started = Date.now();
  const say = (line: string) => console.log(`${((Date.now() - started) / 1000).toFixed(2).padStart(6)}s  ${line}`);
  const api = axios.create({ baseURL: server.url });
  // The refresh goes through an instance of its own, which the session does not guard.
  const authServer = axios.create({ baseURL: server.url });
  let nextId = 0;
  api.interceptors.request.use((config) => {
    config.headers['X-Request-Id'] ??= String(++nextId);
    return config;
  });

  let refreshStarted = () => {};
  let issuedAt = Date.now();
  let toldToSignIn = 0;
  const auth = createAuthInterceptor(api, {
    refreshLeeway: LEEWAY_MS,
    refresh: async (tokens, { signal, reason }) => {
      say(`refresh started (reason: ${reason})`);
      refreshStarted();
      const slow = server.hold('/auth/refresh');
      setTimeout(slow.release, 300); // a slow auth server, so calls visibly wait
      const { data } = await authServer.post('/auth/refresh', { refreshToken: tokens?.refreshToken }, { signal });
      issuedAt = Date.now();
      return data;
    },
    onRefreshed: () => say(`refresh finished: token #${server.refreshes + 1} in use`),
    onAuthFailure: (error) => {
      say(`refresh failed: ${error.code}`);
      if (error.code === 'ERR_SESSION_EXPIRED') {
        toldToSignIn++;
        say('  -> the app sends the user to sign in');
      }
    },
  });
  await auth.setTokens(server.signIn()); // { accessToken, refreshToken, expiresIn }
  say(`signed in with token #1; tokens live ${TTL_MS / 1000} s, refreshLeeway is ${LEEWAY_MS / 1000} s`);

  const fire = (n: number, label: string) => Array.from({ length: n }, (_, i) => api.get(`/api/${label}/${i}`));
  /** Runs `step`, reports what the server saw meanwhile and how the calls settled. */
  const observe = async (step: () => Promise<PromiseSettledResult<unknown>[]>) => {
    const [logged, refreshes] = [server.log.length, server.refreshes];
    const results = await step();
    const seen = server.log.slice(logged);
    const calls = seen.filter((entry) => entry.path.startsWith('/api/'));
    const refused = calls.filter((entry) => entry.status === 401);
    const replayed = new Set(refused.filter(({ id }) => calls.filter((entry) => entry.id === id).length > 1).map((entry) => entry.id)).size;
    const stale = calls.filter((entry) => entry.path.includes('/held') && entry.status === 401).length;
    const outcome = {
      calls: results.length,
      ok: results.filter((result) => result.status === 'fulfilled').length,
      rejected: results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : [])),
      unauthorized: refused.length,
      refreshes: server.refreshes - refreshes,
      refreshesRefused: seen.filter((entry) => entry.path === '/auth/refresh' && entry.status !== 200).length,
    };
    const refreshed = `${count(outcome.refreshes + outcome.refreshesRefused, 'refresh', 'refreshes')}${outcome.refreshesRefused ? ` (${outcome.refreshesRefused} refused)` : ''}`;
    say(`  server saw ${count(outcome.unauthorized, '401')}, ${refreshed}; ${count(replayed, 'call')} sent again; held calls that went out with an old token: ${stale}`);
    say(`  ${count(outcome.calls, 'call')}: ${outcome.ok} succeeded, ${outcome.rejected.length} rejected`);
    return outcome;
  };
  /** BURST calls at once, and HELD more as soon as the refresh they cause has started. */
  const burst = async (label: string) => {
    const refreshing = new Promise<void>((resolve) => (refreshStarted = resolve));
    const calls = fire(BURST, label);
    await refreshing;
    say(`${HELD} more calls made while the refresh runs: held, not sent`);
    return Promise.allSettled([...calls, ...fire(HELD, `held-${label}`)]);
  };

  console.log('\nPart 1: refresh before expiry');
  const early = [];
  for (let round = 1; round <= ROUNDS; round++) {
    await sleep(Math.max(0, issuedAt + TTL_MS - LEEWAY_MS + 200 - Date.now()));
    say(`round ${round}: ${BURST} calls, ${(LEEWAY_MS - 200) / 1000} s before the token expires`);
    early.push(await observe(() => burst(`early${round}`)));
  }

  console.log('\nPart 2: a revoked access token');
  server.expireAccessTokens();
  say('the server revoked the access token; one call');
  const single = await observe(() => Promise.allSettled(fire(1, 'single')));
  server.expireAccessTokens();
  say(`the server revoked the access token again; ${BURST} calls at once`);
  const storm = await observe(() => burst('storm'));

  console.log('\nPart 3: the session is revoked');
  server.revokeSession();
  say(`the server revoked the session, refresh token too; ${BURST} calls at once`);
  const ended = await observe(() => burst('ended'));
  const sessionExpired = ended.rejected.filter((error) => isAuthError(error) && error.code === 'ERR_SESSION_EXPIRED').length;
  say(`  each call rejected once, ${sessionExpired === ended.calls ? 'every one' : `${sessionExpired} of them`} with ERR_SESSION_EXPIRED; the app was told ${times(toldToSignIn)}`);

  await server.close();
  const passed =
    early.every((r) => r.ok === r.calls && r.refreshes === 1 && r.unauthorized === 0) &&
    single.ok === 1 &&
    single.refreshes === 1 &&
    single.unauthorized === 1 &&
    storm.ok === storm.calls &&
    storm.refreshes === 1 &&
    ended.rejected.length === ended.calls &&
    sessionExpired === ended.calls &&
    ended.refreshesRefused === 1 &&
    toldToSignIn === 1 &&
    server.reuses === 0;
  console.log('\nIn short:');
  console.log(`  before each expiry: ${early.map((r) => `${count(r.refreshes, 'refresh', 'refreshes')}, ${count(r.unauthorized, '401')}`).join('; ')}`);
  console.log(`  after a revoked access token: ${count(single.refreshes, 'refresh', 'refreshes')} for one refused call; ${count(storm.refreshes, 'refresh', 'refreshes')} for ${BURST} refused at once and ${HELD} held`);
  console.log(`  after a revoked session: ${count(ended.refreshesRefused, 'refused refresh', 'refused refreshes')}, ${count(ended.rejected.length, 'call')} rejected, the user sent to sign in ${times(toldToSignIn)}`);
  console.log(`  refresh tokens presented twice: ${server.reuses}`);
  console.log(passed ? '\nEverything happened as described.' : '\nSomething did not happen as described (see above).');
  return passed;
}

main().then(
  (passed) => process.exit(passed ? 0 : 1),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
