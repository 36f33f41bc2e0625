// `npx ts-node __tests__/dpop/bench.ts`: microseconds per DPoP proof, by algorithm. Not a test:
// it asserts nothing about time. The figure for `npm run bench` to show beside a Bearer call.
import { createDPoP, generateDPoPKeyPair, type DPoPAlgorithm } from '../../src/dpop';

const url = 'https://api.example.com/items?page=2';
const token = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl';

async function perProof(alg: DPoPAlgorithm, proofs: number, options: (i: number) => { accessToken?: string }) {
  const dpop = createDPoP(await generateDPoPKeyPair(alg));
  for (let i = 0; i < 200; i++) await dpop.proof('GET', url, options(i)); // warm up the JIT and the key's caches
  const started = process.hrtime.bigint();
  for (let i = 0; i < proofs; i++) await dpop.proof('GET', url, options(i));
  return Number(process.hrtime.bigint() - started) / proofs / 1000;
}

async function main() {
  const rows: Array<[string, number]> = [];
  rows.push(['ES256, no token (token endpoint)', await perProof('ES256', 5_000, () => ({}))]);
  rows.push(['ES256, same token (a call)', await perProof('ES256', 5_000, () => ({ accessToken: token }))]);
  rows.push(['ES256, new token each time', await perProof('ES256', 5_000, (i) => ({ accessToken: `${token}${i}` }))]);
  for (const alg of ['ES384', 'Ed25519', 'PS256', 'RS256'] as const) rows.push([`${alg}, same token`, await perProof(alg, 1_000, () => ({ accessToken: token }))]);
  console.log(`Node ${process.version}`);
  for (const [name, us] of rows) console.log(`${name.padEnd(36)} ${us.toFixed(1).padStart(7)} µs/proof`);
}

void main();
