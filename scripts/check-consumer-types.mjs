// `npm run check:consumer-types`: the published declarations compile in a user's project, with
// nothing of this repository's tsconfig to help them. The package as `npm pack` makes it is
// unpacked into a scratch project (with axios and @types/node linked from this repository's
// node_modules: no registry is asked), which imports every entry and uses their types, and is
// type-checked by this repository's TypeScript, strict, with `skipLibCheck: false` (so our .d.ts
// files are checked too), `module: node16`, as
//
//   node      lib es2022, types node: a Node app, no DOM. CryptoKeyPair, JsonWebKey, Storage
//             are DOM names, so the declarations must not need them (src/webTypes.ts); keys
//             made by Node's `webcrypto` are taken, and ours are Node's.
//   browser   lib es2022 + dom: a page's real `CryptoKeyPair` and `localStorage` are taken,
//             and what `generateDPoPKeyPair` gives back is a real `CryptoKeyPair`.
//
// each from an ES module (.mts: the "import" declarations) and a CommonJS one (.cts: "require").
// Run after `npm run build`; `npm pack` rebuilds first when dist/ is older than the source.
// `--keep` leaves the scratch project in place and prints where, to run tsc in it by hand.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modules = realpathSync(join(root, 'node_modules'));
const scratch = mkdtempSync(join(tmpdir(), 'consumer-types-'));
const keep = process.argv.includes('--keep');

/** Runs `command` and resolves with whether it passed and what it printed. */
function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ok: code === 0, output: output.trim() }));
  });
}

// What every consumer writes, whatever its lib: one use of each entry, the types it names.
const common = (esm) => `
import axios from 'axios';
import {
  createAuthInterceptor, memoryStorage, webStorage, indexedDBStorage, webLocks, isAuthError, AuthError,
  parseAuthChallenge, logAuthEvents,
  type AuthInterceptor, type AuthInterceptorOptions, type AuthTokens, type TokenStorage, type RefreshLock,
  type DPoPKeyPairSource, type RefreshContext,
} from 'axios-auth-interceptor';
import { refreshTokenGrant, clientCredentialsGrant, isOAuthError, type GrantFunction, type GrantOptions } from 'axios-auth-interceptor/oauth';
import {
  createDPoP, generateDPoPKeyPair, importDPoPKeyPair, jwkThumbprint, indexedDBKeyStore, loadOrCreateDPoPKeyPair,
  dpopProblem, type DPoP, type DPoPKeyStore,
} from 'axios-auth-interceptor/dpop';
import { redisStorage, redisLock, type RedisClient } from 'axios-auth-interceptor/redis';
// Internal, but reachable through "exports": its declarations must compile too.
import { stepUpRuns } from 'axios-auth-interceptor/step-up';

export async function consumer(redis: RedisClient, storageArea: Parameters<typeof webStorage>[0]): Promise<void> {
  const api = axios.create();
  const options: GrantOptions = { issuer: 'https://as.example', clientId: 'app' };
  const grant: GrantFunction = refreshTokenGrant(options);
  const keyPair = await generateDPoPKeyPair('ES256', { extractable: true });
  const dpop: DPoP = createDPoP(keyPair);
  const source: DPoPKeyPairSource = async () => dpop.keyPair;
  const jwk = await dpop.publicJwk();
  const thumbprint: string = await jwkThumbprint(jwk);
  const again = createDPoP(await importDPoPKeyPair(jwk, dpop.alg));
  const store: DPoPKeyStore = indexedDBKeyStore();
  const storage: TokenStorage = ${esm ? 'redisStorage(redis)' : 'webStorage(storageArea)'};
  const lock: RefreshLock = ${esm ? 'redisLock(redis, { ttl: 60_000 })' : 'webLocks()'};
  const refresh: AuthInterceptorOptions['refresh'] = async (tokens: AuthTokens | null, context: RefreshContext) => {
    context.signal.throwIfAborted();
    return grant(tokens, context);
  };
  const auth: AuthInterceptor = createAuthInterceptor(api, { refresh, storage, lock, dpop: source, onEvent: logAuthEvents() });
  void [clientCredentialsGrant, isOAuthError, isAuthError, AuthError, parseAuthChallenge, memoryStorage, indexedDBStorage];
  void [thumbprint, again, store, loadOrCreateDPoPKeyPair, dpopProblem({ status: 401 }), stepUpRuns, auth];
  // What the declarations accept is still checked: none of these names may have become any.
  // @ts-expect-error a key pair holds keys
  createDPoP({ privateKey: 'private', publicKey: 'public' });
  // @ts-expect-error a key is not a string
  const text: string = keyPair.privateKey;
  // @ts-expect-error a Web Storage area also sets and removes
  webStorage({ getItem: () => null });
  void text;
}
`;

// A Node app: keys made by Node's WebCrypto are taken, and ours are Node's.
const node = `
import { webcrypto } from 'node:crypto';
import { createDPoP, generateDPoPKeyPair } from 'axios-auth-interceptor/dpop';

export async function nodeKeys(): Promise<void> {
  const pair = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  createDPoP(pair);
  const ours = await generateDPoPKeyPair();
  const jwk: webcrypto.JsonWebKey = await webcrypto.subtle.exportKey('jwk', ours.publicKey);
  const key: webcrypto.CryptoKey = createDPoP(ours).keyPair.privateKey;
  void [jwk, key];
}
`;

// A page: the DOM's own objects are taken without casts, and what comes back is the DOM's.
const browser = `
import { createAuthInterceptor, webStorage, type DPoPKeyPairSource } from 'axios-auth-interceptor';
import { createDPoP, generateDPoPKeyPair, importDPoPKeyPair, jwkThumbprint, type DPoPKeyStore } from 'axios-auth-interceptor/dpop';
import axios from 'axios';

export async function pageKeys(): Promise<void> {
  const pair: CryptoKeyPair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const source: DPoPKeyPairSource = pair;
  const ours: CryptoKeyPair = await generateDPoPKeyPair();
  const key: CryptoKey = createDPoP(ours).keyPair.privateKey;
  const jwk: JsonWebKey = await crypto.subtle.exportKey('jwk', ours.publicKey);
  const publicJwk: JsonWebKey = await createDPoP(pair).publicJwk();
  const imported: CryptoKeyPair = await importDPoPKeyPair(jwk);
  const store: DPoPKeyStore = { get: async () => pair, add: async (added: CryptoKeyPair) => added, clear: async () => {} };
  createAuthInterceptor(axios.create(), {
    refresh: async () => ({ accessToken: 'a' }),
    storage: webStorage(localStorage),
    dpop: () => pair,
  });
  webStorage(sessionStorage, 'tokens');
  void [source, key, await jwkThumbprint(publicJwk), imported, store];
}
`;

const variants = {
  node: { lib: ['es2022'], files: { 'node.mts': node } },
  browser: { lib: ['es2022', 'dom'], files: { 'browser.mts': browser } },
};

let failed = false;
try {
  const packed = await run('npm', ['pack', '--silent', '--pack-destination', scratch], root);
  const tarball = readdirSync(scratch).find((name) => name.endsWith('.tgz'));
  if (!packed.ok || !tarball) throw new Error(`npm pack failed\n${packed.output}`);

  const project = join(scratch, 'consumer');
  const installed = join(project, 'node_modules', 'axios-auth-interceptor');
  mkdirSync(installed, { recursive: true });
  mkdirSync(join(project, 'node_modules', '@types'));
  const unpacked = await run('tar', ['-xzf', join(scratch, tarball), '-C', installed, '--strip-components=1'], root);
  if (!unpacked.ok) throw new Error(`tar failed\n${unpacked.output}`);
  // 'junction' makes a directory link on Windows without privileges; elsewhere it is ignored.
  symlinkSync(join(modules, 'axios'), join(project, 'node_modules', 'axios'), 'junction');
  symlinkSync(join(modules, '@types', 'node'), join(project, 'node_modules', '@types', 'node'), 'junction');

  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }, null, 2));
  writeFileSync(join(project, 'consumer.mts'), common(true));
  writeFileSync(join(project, 'consumer.cts'), common(false));
  const tsc = join(modules, 'typescript', 'bin', 'tsc');
  // Both at once: each spends ~10 s checking the libs' own declarations (skipLibCheck is off).
  const results = await Promise.all(
    Object.entries(variants).map(([name, { lib, files }]) => {
      for (const [file, text] of Object.entries(files)) writeFileSync(join(project, file), text);
      const compilerOptions = { lib, types: ['node'], target: 'es2022', module: 'node16', moduleResolution: 'node16', strict: true, skipLibCheck: false, noEmit: true };
      const config = { compilerOptions, files: ['consumer.mts', 'consumer.cts', ...Object.keys(files)] };
      writeFileSync(join(project, `tsconfig.${name}.json`), JSON.stringify(config, null, 2));
      return run(process.execPath, [tsc, '-p', `tsconfig.${name}.json`], project).then((result) => ({ name, lib, ...result }));
    }),
  );
  for (const { name, lib, ok, output } of results) {
    console.log(`${ok ? '✓' : '✗'} ${name}: lib ${lib.join(' + ')}, types node, module node16, strict, skipLibCheck false`);
    if (!ok) {
      failed = true;
      console.log(output.replaceAll(`${project}/`, ''));
    }
  }
} finally {
  if (keep) console.log(`kept ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
