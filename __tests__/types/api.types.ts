// Compiled by `npm run typecheck`, never run: each line states what the public types allow.
import axios, { type AxiosError } from 'axios';
import { AuthError, createAuthInterceptor, indexedDBStorage, isAuthError, webLocks, webStorage, type AuthInterceptor, type AuthTokens, type RefreshLock, type TokenStorage } from '../../src';
import { createDPoP, generateDPoPKeyPair, importDPoPKeyPair, type DPoPKeyStore } from 'axios-auth-interceptor/dpop';

const instance = axios.create();
const auth: AuthInterceptor = createAuthInterceptor(instance, {
  refresh: async (tokens, { signal, reason, error }) => {
    const r: 'unauthorized' | 'expiring' | 'manual' | 'missing' = reason;
    const e: AxiosError | undefined = error;
    void [r, e, signal.aborted];
    return { accessToken: 'a', refreshToken: tokens?.refreshToken, expiresIn: 60 };
  },
  shouldRefresh: async (error) => error.response?.status === 401,
  onAuthFailure: (error) => void error.code,
});

void instance.get('/', { skipAuth: true });
void instance.get('/', { skipAuthRefresh: true });
const tokens: Promise<AuthTokens | null> = auth.getTokens();
const refreshed: Promise<AuthTokens> = auth.refresh();
void [tokens, refreshed];

const storage: TokenStorage = { get: async () => null, set: () => {}, clear: async () => {} };
const shared: TokenStorage = { ...storage, subscribe: (listener) => (listener(null), () => {}) };
void [storage, shared];

// A lock hands back what the refresh resolved with.
const lock: RefreshLock = { withLock: (fn) => fn() };
const locked: Promise<number> = lock.withLock(async () => 1);
void locked;
createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'a' }), lock: webLocks('app'), storage: indexedDBStorage('app', 'tokens') });

// The platform's own objects go in and come out without casts (src/webTypes.ts declares them so
// that a project without the DOM lib compiles too: npm run check:consumer-types).
createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'a' }), storage: webStorage(localStorage) });
void (async () => {
  const pair: CryptoKeyPair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const key: CryptoKey = createDPoP(pair).keyPair.privateKey;
  const jwk: JsonWebKey = await createDPoP(await generateDPoPKeyPair()).publicJwk();
  const keys: DPoPKeyStore = { get: async () => importDPoPKeyPair(jwk), add: async (added: CryptoKeyPair) => added, clear: async () => {} };
  createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'a' }), dpop: async () => (await keys.get()) ?? pair });
  void key;
})();

const unknownError: unknown = new Error();
if (isAuthError(unknownError)) {
  const code: 'ERR_REFRESH_FAILED' | 'ERR_REFRESH_TIMEOUT' | 'ERR_INVALID_TOKENS' | 'ERR_STORAGE' | 'ERR_SESSION_EXPIRED' | 'ERR_LOCK' | 'ERR_RESOURCE_REFUSED' = unknownError.code;
  void code;
}
void new AuthError('ERR_REFRESH_FAILED', 'x', { cause: unknownError });

// @ts-expect-error refresh is required
createAuthInterceptor(instance, {});
// @ts-expect-error refresh must return tokens
createAuthInterceptor(instance, { refresh: async () => 'token' });
// @ts-expect-error skipAuth is a boolean
void instance.get('/', { skipAuth: 'yes' });
// @ts-expect-error codes are a closed set
void new AuthError('ERR_SOMETHING', 'x');
// @ts-expect-error setTokens needs an accessToken
void auth.setTokens({ refreshToken: 'r' });
// @ts-expect-error a Web Storage area also sets and removes
webStorage({ getItem: () => null });
// @ts-expect-error a key pair holds CryptoKeys
createDPoP({ privateKey: 'private', publicKey: 'public' });
// @ts-expect-error a lock is an object with withLock
createAuthInterceptor(instance, { refresh: async () => ({ accessToken: 'a' }), lock: () => {} });
