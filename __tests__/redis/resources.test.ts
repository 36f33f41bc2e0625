import { join } from 'node:path';
import { startRedis, type RedisServer } from '../helpers/redis';
import { APIS, startResourceRig, type Api, type ApiCall, type ResourceRig } from '../helpers/resourceServers';
import type { BurstResult, Command } from './resourceWorker';
import { startWorker as startProcess, type Worker as ProcessWorker } from '../helpers/workers';

// The `resources` option across processes: each runs resourceWorker.ts (one axios instance, the
// rig's billing and files as resources), all sharing one sign-in through a real redis-server
// (`redisStorage`, `redisLock`). Half of them use ioredis, half node-redis.

// A guard against a hung process, not a speed requirement.
jest.setTimeout(90_000);

/** Seconds each API's tokens live: each minute ends home's token, every second billing's, every third files'. */
const TTL: Record<Api, number> = { home: 60, billing: 120, files: 180 };
const MINUTE = 60_000;
const MINUTES = 9;
const FLEET = 4;
const BURST = 5;

type Worker = ProcessWorker<Command>;

let redis: RedisServer;
let rig: ResourceRig;
let fleet: Worker[] = [];

async function startServers() {
  redis = await startRedis();
  rig = await startResourceRig(TTL);
  fleet = [];
}
async function stop() {
  for (const worker of fleet) worker.process.kill('SIGKILL');
  await rig?.close();
  await redis?.close();
}
/** `n` more processes, half on ioredis, half on node-redis. */
async function startWorkers(n: number) {
  const first = fleet.length;
  fleet.push(...(await Promise.all(Array.from({ length: n }, (_, i) => startWorker((first + i) % 2 ? 'redis' : 'ioredis')))));
}

/** A process running resourceWorker.ts with one of the two Redis clients, answering over IPC. */
function startWorker(client: 'ioredis' | 'redis'): Promise<Worker> {
  return startProcess<Command>(join(__dirname, 'resourceWorker.ts'), { ORIGINS: JSON.stringify(rig.origins), REDIS_URL: redis.url, REDIS_CLIENT: client });
}

/** The rig's clock and every process's move on together. */
async function advance(ms: number) {
  rig.advance(ms);
  await Promise.all(fleet.map((worker) => worker.send({ type: 'advance', ms })));
}

/** `BURST` calls from `worker` to each API named (every one by default) at once. */
const burst = (worker: Worker, apis?: Api[]) => worker.send<BurstResult>({ type: 'burst', calls: BURST, ...(apis && { apis }) });
const byApi = <T>(value: (api: Api) => T) => Object.fromEntries(APIS.map((api) => [api, value(api)])) as Record<Api, T>;
/** Tokens each API's grant issued since the `from`th token request. */
const requested = (from: number) => byApi((api) => rig.tokenRequests.slice(from).filter((request) => request.grant === 'refresh_token' && request.status === 200 && request.api === api).length);
/** How many different tokens the calls (GETs) to `api` carried, and from how many processes. */
function seen(calls: ApiCall[], api: Api) {
  const to = calls.filter((call) => call.method === 'GET' && call.api === api);
  return { tokens: new Set(to.map(({ token }) => token)).size, processes: new Set(to.map(({ call }) => call?.split(':')[0])).size };
}

describe('four processes, one sign-in, bursts at the home API and two resource servers across their expiries', () => {
  /** What each minute's step (a burst from every process at every API at once) did. */
  const steps: Array<{ results: BurstResult[]; requested: Record<Api, number>; seen: Record<Api, ReturnType<typeof seen>> }> = [];

  // One run, several questions asked of it. Minute 0 bursts at once; each later minute first
  // moves every clock a minute, then bursts.
  beforeAll(async () => {
    await startServers();
    // One process signs in; the others start once the session is stored, as a deployment's do
    // (for processes started before it, see the last describe).
    await startWorkers(1);
    await fleet[0]!.send({ type: 'signIn' });
    await startWorkers(FLEET - 1);
    for (let minute = 0; minute <= MINUTES; minute++) {
      if (minute > 0) await advance(MINUTE);
      const [requests, calls] = [rig.tokenRequests.length, rig.calls.length];
      const results = await Promise.all(fleet.map((worker) => burst(worker)));
      steps.push({ results, requested: requested(requests), seen: byApi((api) => seen(rig.calls.slice(calls), api)) });
    }
  });
  afterAll(stop);

  /** Whether `api`'s token is due at `minute`: the resources' first tokens at 0, then each at the end of its lifetime. */
  const due = (api: Api, minute: number) => Number(minute === 0 ? api !== 'home' : (minute * MINUTE) % (TTL[api] * 1000) === 0);

  test('every call of every process succeeds', () => {
    expect(steps.map(({ results }) => results)).toEqual(steps.map(() => fleet.map(() => ({ ok: APIS.length * BURST, failed: [] }))));
  });

  test("each API's token is requested once per expiry across all processes, not once per process", () => {
    const expected = steps.map((_, minute) => byApi((api) => due(api, minute)));
    expect(steps.map((step) => step.requested)).toEqual(expected);
    // Each token through three expiries at least, and all three at once at minute 6.
    expect(APIS.map((api) => expected.filter((minute) => minute[api]).length)).toEqual([9, 5, 4]);
  });

  test('at every step every process sends each API the one token it has then', () => {
    expect(steps.map((step) => step.seen)).toEqual(steps.map(() => byApi(() => ({ tokens: 1, processes: FLEET }))));
  });

  test('token requests take turns across the processes: each presents the refresh token the one before it left, none a spent one', () => {
    const [signIn, ...refreshes] = rig.tokenRequests;
    expect(signIn?.grant).toBe('sign-in');
    expect(refreshes.map(({ presented }) => presented)).toEqual(rig.tokenRequests.slice(0, -1).map(({ issued }) => issued?.refreshToken));
    expect(refreshes.filter(({ status }) => status !== 200)).toEqual([]);
    expect(rig.reuses).toBe(0);
  });

  test("each resource's token is asked for with its own resource and scope, the home API's with neither", () => {
    const asked = new Set(rig.tokenRequests.filter(({ grant }) => grant === 'refresh_token').map(({ api, resource, scope }) => `${api} ${resource} ${scope}`));
    expect([...asked].sort()).toEqual([`billing ${rig.origins.billing} invoices`, 'files urn:files files:read', 'home undefined undefined']);
  });

  test('no API answers 401: every token is fetched before the call that needs it', () => {
    expect(rig.calls.filter(({ status }) => status === 401)).toEqual([]);
  });

  test("no token reaches a server it is not for: not another resource's, not the session's own", () => {
    const sent = rig.calls.filter(({ method }) => method === 'GET');
    // Every call reached its server (once, or more if replayed)...
    expect(new Set(sent.map(({ call }) => call)).size).toBe((MINUTES + 1) * FLEET * APIS.length * BURST);
    // ...each time with a token this rig issued for the API it reached (none went without one).
    expect(sent.filter(({ api, audience }) => audience !== api)).toEqual([]);
  });
});

describe("one process's token request keeps the tokens another process stored", () => {
  beforeAll(async () => {
    await startServers();
    await startWorkers(1);
    await fleet[0]!.send({ type: 'signIn' });
    await startWorkers(1);
  });
  afterAll(stop);

  /** Every token ends and is fetched again: both processes hold a fresh one for each API. */
  async function renewEveryToken() {
    await advance(3 * MINUTE);
    await Promise.all(fleet.map((worker) => burst(worker)));
  }

  // One burst after the other, nothing concurrent: the first process fetches a token for
  // billing; the second fetches one for `other`, then needs billing's, and should find the
  // first process's in storage.
  async function billingThenOtherThenBilling(other: Api) {
    const [first, second] = [fleet[0]!, fleet[1]!];
    const [requests, calls] = [rig.tokenRequests.length, rig.calls.length];
    expect(await burst(first, ['billing'])).toEqual({ ok: BURST, failed: [] });
    expect(await burst(second, [other])).toEqual({ ok: BURST, failed: [] });
    expect(await burst(second, ['billing'])).toEqual({ ok: BURST, failed: [] });
    expect(rig.reuses).toBe(0);
    return { requested: requested(requests), billing: seen(rig.calls.slice(calls), 'billing') };
  }

  test("storing files' first token keeps billing's first, fetched by another process: billing's is asked for once", async () => {
    expect(await billingThenOtherThenBilling('files')).toEqual({ requested: { home: 0, billing: 1, files: 1 }, billing: { tokens: 1, processes: 2 } });
  });

  test("storing files' new token keeps billing's, fetched by another process: billing's is asked for once", async () => {
    await renewEveryToken();
    await advance(3 * MINUTE); // billing's and files' tokens have ended, home's too
    expect(await billingThenOtherThenBilling('files')).toEqual({ requested: { home: 0, billing: 1, files: 1 }, billing: { tokens: 1, processes: 2 } });
  });

  test("storing the session's new token keeps billing's, fetched by another process: billing's is asked for once", async () => {
    await renewEveryToken();
    await advance(2 * MINUTE); // home's and billing's tokens have ended, not files'
    expect(await billingThenOtherThenBilling('home')).toEqual({ requested: { home: 1, billing: 1, files: 0 }, billing: { tokens: 1, processes: 2 } });
  });
});

describe('a process started before the sign-in', () => {
  beforeAll(async () => {
    await startServers();
    await startWorkers(2);
  });
  afterAll(stop);

  // Without `resources` it does: a process reads storage on its first call (fleet.test.ts starts
  // every process before one signs in). redisStorage cannot tell a process of a sign-in after it
  // has read it, so the option must not make that read any earlier.
  test('takes the session another process signed in to since it started, on its first call, as without `resources`', async () => {
    const [signer, other] = [fleet[0]!, fleet[1]!];
    await other.send({ type: 'settle' });
    await signer.send({ type: 'signIn' });
    expect(await burst(other)).toEqual({ ok: APIS.length * BURST, failed: [] });
    expect(await burst(signer)).toEqual({ ok: APIS.length * BURST, failed: [] });
    expect(requested(0)).toEqual({ home: 0, billing: 1, files: 1 });
    expect(rig.reuses).toBe(0);
  });
});
