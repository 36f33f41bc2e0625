// `npm run bench [-- --json]`: every contender side by side, in one run. Writes docs/benchmarks.md.
import axios, { type AxiosAdapter, type AxiosInstance } from 'axios';
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { gzipSync } from 'node:zlib';
import { startTokenServer, type TokenServer } from '../examples/server';
import { contenders, type Contender } from './contenders';

const OURS = 'axios-auth-interceptor';
const realNow = Date.now;
let clockOffset = 0;
Date.now = () => realNow() + clockOffset; // one clock for the server and every contender

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const heap = () => process.memoryUsage().heapUsed;
const farFuture = () => ({ accessToken: jwt(Date.now() + 3_600_000), refreshToken: 'rt-unused' });

function jwt(expiresAtMs: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ iat: Math.floor(Date.now() / 1000), exp: Math.floor(expiresAtMs / 1000) })}.x`;
}

async function attach(contender: Contender, server?: TokenServer, adapter?: AxiosAdapter) {
  const instance = axios.create({ baseURL: server?.url ?? 'http://api.invalid', adapter: adapter ?? 'http', httpAgent: new Agent({ keepAlive: true, maxSockets: 128 }) });
  const setTokens = await contender.attach(instance, `${server?.url}/auth/refresh`);
  return { instance, setTokens };
}

/**
 * 1. Time per call with a valid token and an adapter that answers at once. Each contender runs in
 * its own process beside bare axios, rounds alternating, best of each kept: one library's code
 * cannot slow another's through the shared JIT, and drift hits both sides of a ratio alike.
 */
async function happyPath() {
  const out = [];
  for (const c of contenders.slice(1)) {
    const child = execFileSync(process.execPath, [...process.execArgv, __filename, '--happy-path', c.name], { encoding: 'utf8' });
    const { bare, ns } = JSON.parse(child) as { bare: number; ns: number };
    out.push({ name: c.name, nsPerCall: Math.round(ns), bareNsPerCall: Math.round(bare), ratio: ns / bare });
  }
  return out;
}

async function happyPathChild(name: string) {
  const adapter: AxiosAdapter = async (config) => ({ data: null, status: 200, statusText: 'OK', headers: {}, config, request: {} });
  const runs = [];
  for (const c of [contenders[0]!, contenders.find((x) => x.name === name)!]) {
    const run = await attach(c, undefined, adapter);
    await run.setTokens(farFuture());
    runs.push(run);
  }
  const timeCalls = async (instance: AxiosInstance, calls: number) => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await instance.get('/x');
    return Number(process.hrtime.bigint() - started) / calls;
  };
  for (const run of runs) await timeCalls(run.instance, 5_000); // warm-up
  const best = [Infinity, Infinity];
  for (let round = 0; round < 21; round++) {
    for (const [i, run] of runs.entries()) best[i] = Math.min(best[i]!, await timeCalls(run.instance, 5_000));
  }
  console.log(JSON.stringify({ bare: best[0], ns: best[1] }));
}

/** 2. `calls` concurrent calls against a real loopback server, all refused with 401 until one refresh. */
async function storm(contender: Contender, calls: number) {
  const server = await startTokenServer({ jwt: true, accessTtlMs: 3_600_000 });
  try {
    const { instance, setTokens } = await attach(contender, server);
    await setTokens(server.signIn());
    /** Fires the calls at once; measures wall time and the heap's peak growth while they run. */
    const burst = async () => {
      gc();
      const before = heap();
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, heap())), 2);
      const started = process.hrtime.bigint();
      const results = await Promise.allSettled(Array.from({ length: calls }, (_, i) => instance.get(`/api/item/${i}`)));
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      clearInterval(sampler);
      return { ms, before, peakPerCall: Math.round((peak - before) / calls), ok: results.filter((r) => r.status === 'fulfilled').length };
    };
    const firstTime = await burst(); // the same calls, all accepted at once
    server.expireAccessTokens(); // revoked: every call now gets 401 until a refresh
    const logged = server.log.length;
    const refused = await burst();
    const refreshes = server.log.slice(logged).filter((entry) => entry.path === '/auth/refresh').length;
    server.log.length = logged; // the server's own record of the storm is not the library's memory
    gc();
    return {
      name: contender.name,
      calls,
      refreshes,
      refreshTokenReuse: server.reuses,
      succeeded: refused.ok,
      wallRatio: firstTime.ok === calls ? refused.ms / firstTime.ms : NaN,
      peakBytesPerCall: refused.peakPerCall,
      firstTimePeakBytesPerCall: firstTime.peakPerCall,
      retainedBytesAfterGc: heap() - refused.before,
    };
  } finally {
    await server.close();
  }
}

/** 3. A burst of calls just as the JWT expires: 401 round trips spent and refreshes made. */
async function crossExpiry(contender: Contender, calls: number) {
  const ttl = 15 * 60_000;
  const server = await startTokenServer({ jwt: true, accessTtlMs: ttl });
  try {
    const { instance, setTokens } = await attach(contender, server);
    await setTokens(server.signIn());
    await instance.get('/api/warm-up').catch(() => {});
    clockOffset += ttl + 100; // the token expired 100 ms ago, for every clock in the process
    const logged = server.log.length;
    const results = await Promise.allSettled(Array.from({ length: calls }, (_, i) => instance.get(`/api/item/${i}`)));
    const seen = server.log.slice(logged).filter((entry) => entry.path.startsWith('/api/'));
    return {
      name: contender.name,
      calls,
      unauthorized: seen.filter((entry) => entry.status === 401).length,
      refreshes: server.log.slice(logged).filter((entry) => entry.path === '/auth/refresh').length,
      refreshTokenReuse: server.reuses,
      succeeded: results.filter((r) => r.status === 'fulfilled').length,
    };
  } finally {
    await server.close();
  }
}

/**
 * 5. DPoP: time per call with a DPoP-bound token (an ES256 proof signed for every send) beside
 * the same call with a Bearer token, same session options, an adapter that answers at once.
 * Rounds alternate and the best of each is kept, as in 1.
 */
async function dpopCost() {
  const { createAuthInterceptor } = await import('../src');
  const { generateDPoPKeyPair } = await import('../src/dpop');
  const adapter: AxiosAdapter = async (config) => ({ data: null, status: 200, statusText: 'OK', headers: {}, config, request: {} });
  const session = async (tokenType: string) => {
    const instance = axios.create({ baseURL: 'http://api.invalid', adapter });
    const auth = createAuthInterceptor(instance, { refresh: async () => farFuture(), dpop: await generateDPoPKeyPair() });
    await auth.setTokens({ ...farFuture(), tokenType });
    return instance;
  };
  const instances = [await session('Bearer'), await session('DPoP')];
  const timeCalls = async (instance: AxiosInstance, calls: number) => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await instance.get('/x');
    return Number(process.hrtime.bigint() - started) / calls;
  };
  for (const instance of instances) await timeCalls(instance, 1_000); // warm-up
  const best = [Infinity, Infinity];
  for (let round = 0; round < 11; round++) {
    for (const [i, instance] of instances.entries()) best[i] = Math.min(best[i]!, await timeCalls(instance, 1_000));
  }
  const [bearer, dpop] = best as [number, number];
  return { bearerUsPerCall: bearer / 1000, dpopUsPerCall: dpop / 1000, addedUsPerCall: (dpop - bearer) / 1000 };
}

/** 4. Each library's main entry bundled with esbuild, minified, axios external, gzipped: a comparison; our budgets are size-limit's. */
async function sizes() {
  const entries: Record<string, string> = {
    'axios-auth-interceptor': require.resolve('../dist/index.mjs'),
    'axios-auth-refresh': require.resolve('axios-auth-refresh'),
    'axios-jwt': require.resolve('axios-jwt'),
  };
  const out = [];
  for (const [name, entry] of Object.entries(entries)) {
    // The DPoP signer is loaded from ./dpop only when the `dpop` option is set: not part of the main entry.
    const result = await build({ entryPoints: [entry], bundle: true, minify: true, write: false, format: 'esm', platform: 'browser', external: ['axios', 'axios-auth-interceptor/dpop'], logLevel: 'silent' });
    const code = result.outputFiles[0]!.contents;
    out.push({ name, minifiedBytes: code.length, gzippedBytes: gzipSync(code, { level: 9 }).length });
  }
  return out;
}

const version = (dir: string) => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;

async function main() {
  const json = process.argv.includes('--json');
  const started = realNow();
  const log = (line = '') => !json && console.log(`${((realNow() - started) / 1000).toFixed(1).padStart(5)}s  ${line}`);
  log('1/5 happy path...');
  const happy = await happyPath();
  const storms = [];
  for (const calls of [1_000, 10_000]) {
    log(`2/5 401 storm of ${calls}...`);
    for (const c of contenders.slice(1)) storms.push(await storm(c, calls));
  }
  log('3/5 crossing an expiry...');
  const expiry = [];
  for (const c of contenders.slice(1)) expiry.push(await crossExpiry(c, 1_000));
  log('4/5 size...');
  const size = await sizes();
  log('5/5 DPoP per call...');
  const dpop = await dpopCost();
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  const versions = Object.fromEntries(['axios', 'axios-auth-refresh', 'axios-jwt'].map((name) => [name, version(join('node_modules', name))]));
  const report = { machine, versions: { 'axios-auth-interceptor': version('.'), ...versions }, happyPath: happy, storm: storms, crossingExpiry: expiry, size, dpop };
  if (json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(`\n${markdown(report)}`);
  }
  writeFileSync(new URL('../docs/benchmarks.md', `file://${__filename}`), `# Benchmarks\n\nProduced by \`npm run bench\`; rerun it to refresh this page.\n\n${markdown(report)}\n`);
}

type Report = {
  machine: Record<string, unknown>;
  versions: Record<string, string>;
  happyPath: Awaited<ReturnType<typeof happyPath>>;
  storm: Array<Awaited<ReturnType<typeof storm>>>;
  crossingExpiry: Array<Awaited<ReturnType<typeof crossExpiry>>>;
  size: Awaited<ReturnType<typeof sizes>>;
  dpop: Awaited<ReturnType<typeof dpopCost>>;
};

function table(head: string[], rows: Array<Array<string | number>>): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function markdown(r: Report): string {
  const fixed = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
  return [
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}.`,
    `Versions: ${Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    '## 1. Cost per call on the happy path',
    'A valid token and an adapter that answers at once; each library in its own process beside bare axios, 21 alternating rounds of 5,000 sequential calls after 5,000 warm-up calls, best round kept. Target: at most 1.05 × bare axios.',
    '',
    table(['library', 'ns per call', 'bare axios ns per call', 'ratio'], r.happyPath.map((x) => [x.name, x.nsPerCall, x.bareNsPerCall, fixed(x.ratio, 3)])),
    '',
    '## 2. 401 storm',
    'Concurrent calls against a real server on 127.0.0.1 after the token was revoked: every call is refused with 401 until a refresh. Refresh tokens rotate (each works once). Wall ratio: time to finish compared with the same calls accepted first time (floor about 2.0: each call goes out twice). Heap: peak growth per call during the storm (in brackets: during the same calls accepted first time), and what stayed after a forced GC, the server\'s own request log excluded.',
    '',
    table(
      ['library', 'calls', 'refresh calls', 'refresh-token reuse', 'succeeded', 'wall ratio', 'peak heap bytes / call (accepted first time)', 'heap left after GC'],
      r.storm.map((x) => [x.name, x.calls, x.refreshes, x.refreshTokenReuse, x.succeeded, fixed(x.wallRatio), `${x.peakBytesPerCall} (${x.firstTimePeakBytesPerCall})`, x.retainedBytesAfterGc]),
    ),
    '',
    '## 3. Crossing an expiry',
    '1,000 concurrent calls 100 ms after the JWT access token expired (by every clock in the process).',
    '',
    table(['library', 'calls', '401 round trips', 'refresh calls', 'refresh-token reuse', 'succeeded'], r.crossingExpiry.map((x) => [x.name, x.calls, x.unauthorized, x.refreshes, x.refreshTokenReuse, x.succeeded])),
    '',
    '## 4. Size',
    'Main entry bundled with esbuild (minified, ESM, axios external, dependencies included), gzip level 9, beside the alternatives. Our own budgets, per import a user writes, are `npm run size`\'s (size-limit, `.size-limit.cjs`, part of `npm test`): `{ createAuthInterceptor }` at most 12,000 B, the whole main entry at most 12,800 B, `axios-auth-interceptor/oauth` at most 5,700 B, `/dpop` at most 3,700 B and `/redis` at most 1,300 B. The main entry\'s first targets (5,000 B and 6,000 B) were set before the hardening: the origin policy that reads URLs as the WHATWG parser does, redirects followed hop by hop for Node\'s fetch, redaction of every spelling of a token, the refresh flight\'s late outcomes, events and step-up account for the difference.',
    '',
    table(['library', 'minified bytes', 'gzipped bytes'], r.size.map((x) => [x.name, x.minifiedBytes, x.gzippedBytes])),
    '',
    '## 5. DPoP per call',
    'The same session with a Bearer token and with a DPoP-bound token (ES256 key, one proof signed per send: `jti`, `htm`, `htu`, `iat`, `ath`), an adapter that answers at once; 11 alternating rounds of 1,000 sequential calls after 1,000 warm-up calls, best round kept. The DPoP signer is loaded from `axios-auth-interceptor/dpop` only when `dpop` is set, so the main entry\'s size above does not include it.',
    '',
    table(['token', 'µs per call'], [['Bearer', fixed(r.dpop.bearerUsPerCall)], ['DPoP', fixed(r.dpop.dpopUsPerCall)], ['added by DPoP', fixed(r.dpop.addedUsPerCall)]]),
    '',
    '## What failed in this run',
    '',
    ...[...r.storm.map((x) => ({ ...x, scenario: `401 storm of ${x.calls}` })), ...r.crossingExpiry.map((x) => ({ ...x, scenario: 'crossing an expiry' }))]
      .filter((x) => x.succeeded < x.calls)
      .map((x) => `- ${x.name}, ${x.scenario}: ${x.calls - x.succeeded} of ${x.calls} calls failed${x.refreshTokenReuse ? `; ${x.refreshTokenReuse} refresh-token reuses` : ''}.`),
    ...r.happyPath.filter((x) => x.name === OURS && x.ratio > 1.05).map((x) => `- ${x.name}, happy path: ${fixed(x.ratio, 3)} × bare axios, over its 1.05 target.`),
    '',
    'Why, from each library\'s source: axios-auth-refresh 5 by default (`deduplicateRefresh: true`) rejects every 401 that arrives while its refresh runs, so calls already in flight fail; axios-jwt never reacts to a 401, so a revoked token fails every call until the JWT `exp` passes, while its check of `exp` before each call (10 s early, on the client clock) does avoid 401s across an expiry; the hand-written pattern refreshes once per failing call, and with rotating refresh tokens every refresh after the first presents a spent token and is refused. On a machine this size the happy-path ratio moves by a few percent from run to run.',
  ].join('\n');
}

const child = process.argv.indexOf('--happy-path');
(child > 0 ? happyPathChild(process.argv[child + 1]!) : main()).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
