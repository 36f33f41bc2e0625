// One user's session from sign-in to the end, in plain CommonJS: sign in, calls across an
// expiry, sign out, and a session the server ends. From a clone, `npm run examples` builds the
// package and runs this; it prints each step and exits non-zero if anything is off.
const axios = require('axios');
const { setTimeout: sleep } = require('node:timers/promises');
const { createAuthInterceptor, isAuthError } = require('axios-auth-interceptor');
const { startTokenServer } = require('../token-server.cjs');

async function main() {
  const TOKEN_LIFETIME_MS = 1_500;
  const server = await startTokenServer({ accessTtlMs: TOKEN_LIFETIME_MS });

  const failures = [];
  function check(ok, what) {
    console.log(`   ${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failures.push(what);
  }

  /** The server answers as OAuth servers do (`access_token`, ...); the library wants its own names. */
  const fromOAuth = (data) => ({
    accessToken: data.access_token,
    refreshToken: data.refresh_token,
    expiresIn: data.expires_in,
  });

  let sentToSignIn = 0;
  const api = axios.create({ baseURL: server.url });
  // Sign-in, refresh and sign-out go through an instance of their own, which the session does not
  // guard: nothing on `api` (a limiter, a queue, the session itself) can stand in their way.
  const authServer = axios.create({ baseURL: server.url });
  const auth = createAuthInterceptor(api, {
    refresh: async (tokens, { signal }) => {
      const { data } = await authServer.post('/auth/refresh', { refresh_token: tokens?.refreshToken }, { signal });
      return fromOAuth(data);
    },
    // These tokens live 1.5 s, so the default leeway of 30 s would be far too long.
    refreshLeeway: 500,
    onAuthFailure: (error) => {
      if (error.code === 'ERR_SESSION_EXPIRED') {
        sentToSignIn++;
        console.log('   -> the app sends the user to sign in');
      }
    },
  });

  async function signIn() {
    const { data } = await authServer.post('/auth/sign-in', { username: 'ada', password: 'correct horse' });
    await auth.setTokens(fromOAuth(data)); // with expiresIn: the refresh comes before the expiry
  }

  async function signOut() {
    const tokens = await auth.getTokens();
    await authServer.post('/auth/sign-out', { refresh_token: tokens?.refreshToken });
    await auth.clearTokens();
  }

  const me = async () => (await api.get('/api/me')).data.name;
  const times = (n, call) => Promise.allSettled(Array.from({ length: n }, call));

  console.log('1. Sign in');
  await signIn();
  check((await me()) === 'Ada', 'a call carries the access token');

  console.log('2. Five calls after the access token expired');
  await sleep(TOKEN_LIFETIME_MS); // the access token has expired by now
  const afterExpiry = await times(5, me);
  check(afterExpiry.every((result) => result.status === 'fulfilled'), 'all five succeed');
  check(server.stats.refreshes === 1, 'one refresh served all five');
  check(server.stats.unauthorized === 0, 'it ran before they were sent: no call was refused');

  console.log('3. Sign out');
  await signOut();
  check((await auth.getTokens()) === null, 'the tokens are forgotten');

  console.log('4. The server ends the session (a password change elsewhere)');
  await signIn();
  server.revokeSession();
  const afterRevocation = await times(3, me);
  const sessionExpired = (reason) => isAuthError(reason) && reason.code === 'ERR_SESSION_EXPIRED';
  check(afterRevocation.every((result) => result.status === 'rejected' && sessionExpired(result.reason)), 'each of three calls rejects once, with ERR_SESSION_EXPIRED');
  check(server.stats.refused === 1, 'one refresh was tried for the three, and refused');
  check(sentToSignIn === 1, 'the app was told once');
  check((await auth.getTokens()) === null, 'the tokens are cleared');

  await server.close();
  console.log(failures.length ? `\n${failures.length} check(s) failed.` : '\nEverything happened as described.');
  return failures.length === 0;
}

main().then(
  (passed) => {
    process.exitCode = passed ? 0 : 1;
  },
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
