// The tab demo's page script, plain JavaScript so the page runs without a build step.
import axios from 'axios';
import { createAuthInterceptor, indexedDBStorage, webLocks, webStorage } from '/lib/axios-auth-interceptor.mjs';

// IndexedDB by default; `?storage=local` shows localStorage and its `storage` event instead.
const storageKind = new URLSearchParams(location.search).get('storage') === 'local' ? 'localStorage' : 'IndexedDB';

const tab = Math.random().toString(36).slice(2, 6);
const api = axios.create();
// Sign-in and refresh go through an instance of their own, which the session does not guard.
const authServer = axios.create();
const state = { signedIn: false, ok: 0, failed: 0, refreshes: 0, lastError: '' };
/** The auth server's own counts, for every tab together. */
let server = { refreshes: 0, reuses: 0 };
let sequence = 0;

const auth = createAuthInterceptor(api, {
  storage: storageKind === 'localStorage' ? webStorage(localStorage) : indexedDBStorage(),
  lock: webLocks(),
  // The demo's tokens live 20 s; the default leeway of 30 s would find each one expiring as it arrives.
  refreshLeeway: 5_000,
  refresh: async (tokens, { signal }) => {
    const { data } = await authServer.post('/auth/refresh', { refreshToken: tokens?.refreshToken }, { signal });
    return data; // { accessToken, refreshToken, expiresIn }: this server answers in the library's names
  },
  onRefreshed: () => {
    state.refreshes++;
    log('this tab refreshed the session');
  },
  onAuthFailure: (error) => {
    log(`${error.code}: ${error.message}`);
    void update();
  },
});

/** `n` calls at once; resolves with how many succeeded and the codes of those that failed. */
async function burst(n) {
  const calls = Array.from({ length: n }, () => api.get('/api/data', { headers: { 'x-request-id': `${tab}-${++sequence}` } }));
  const results = await Promise.allSettled(calls);
  const failed = results.filter((r) => r.status === 'rejected').map((r) => r.reason.code ?? String(r.reason));
  state.ok += n - failed.length;
  state.failed += failed.length;
  log(`${n} calls: ${n - failed.length} succeeded${failed.length ? `, ${failed.length} failed (${failed[0]})` : ''}`);
  return { ok: n - failed.length, failed };
}

async function signIn() {
  const { data } = await authServer.post('/auth/sign-in');
  await auth.setTokens(data); // with expiresIn, so each tab refreshes before expiry instead of after a 401
  log('signed in');
}

async function signOut() {
  await auth.clearTokens();
  log('signed out');
}

function log(line) {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()}  ${line}`;
  document.getElementById('log').prepend(item);
  void update();
}

async function update() {
  state.signedIn = (await auth.getTokens()) !== null;
  // Plain axios, not `api`: the counts are public and must not wait for a refresh.
  server = await axios.get('/stats').then(({ data }) => data, () => server);
  document.getElementById('status').textContent =
    `Tab ${tab} (tokens in ${storageKind}): ${state.signedIn ? 'signed in' : 'signed out'}. Calls: ${state.ok} succeeded, ${state.failed} failed. ` +
    `Refreshes run by this tab: ${state.refreshes}.`;
  document.getElementById('server').textContent =
    `Auth server, all tabs together: ${server.refreshes} ${server.refreshes === 1 ? 'refresh' : 'refreshes'} (one per expiry, whichever tab notices it), ` +
    `${server.reuses} refresh ${server.reuses === 1 ? 'token' : 'tokens'} presented twice.`;
}

document.getElementById('sign-in').onclick = signIn;
document.getElementById('calls').onclick = () => burst(10);
document.getElementById('refresh').onclick = () => auth.refresh().catch((error) => log(error.code));
document.getElementById('sign-out').onclick = signOut;
// Another tab's sign-in or sign-out changes what this one shows; the display simply looks again.
setInterval(() => void update(), 500);

// For the browser tests, which drive the tabs through the same functions the buttons use.
window.demo = { tab, auth, burst, signIn, signOut, state, ready: update() };
