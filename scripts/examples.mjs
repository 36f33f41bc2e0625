// `npm run examples`: runs examples/node-cjs/main.cjs and examples/node-esm/main.mts, each under
// a header line, against the built package (the npm script builds its JavaScript first). Each
// example checks its own steps and exits non-zero when one is not as described.
//
// Other runtimes by name, found on PATH: `npm run examples -- node bun deno`. `.ci/run` installs
// `bun` and `deno` from npm into a scratch folder and runs all three.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CJS = 'examples/node-cjs/main.cjs';
const ESM = 'examples/node-esm/main.mts';

/** How each runtime runs each example: [file, command, args, extra environment]. */
const runtimes = {
  node: {
    version: () => process.version,
    runs: [
      [CJS, process.execPath, [CJS]],
      // ts-node's ES module loader, transpiling only (examples/node-esm/tsconfig.json).
      [ESM, process.execPath, ['--disable-warning=ExperimentalWarning', '--loader', 'ts-node/esm', ESM], { TS_NODE_PROJECT: 'examples/node-esm/tsconfig.json' }],
    ],
  },
  // Bun and Deno run TypeScript themselves and resolve the package through package.json as Node does.
  bun: { version: () => `Bun ${output('bun', ['--version'])}`, runs: [CJS, ESM].map((file) => [file, 'bun', [file]]) },
  deno: {
    version: () => output('deno', ['--version']).split('\n')[0].replace(/^deno/, 'Deno'),
    runs: [CJS, ESM].map((file) => [file, 'deno', ['run', '--allow-net=127.0.0.1', '--allow-read=.', '--allow-env', file], { NO_COLOR: '1' }]),
  },
};

function output(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) throw new Error(`${command} is not on PATH (${result.error.message})`);
  return result.stdout.trim();
}

const names = process.argv.slice(2);
const unknown = names.filter((name) => !(name in runtimes));
if (unknown.length) {
  console.error(`Unknown runtime ${unknown.join(', ')}: expected ${Object.keys(runtimes).join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const name of names.length ? names : ['node']) {
  const { version, runs } = runtimes[name];
  const on = version();
  for (const [file, command, args, env = {}] of runs) {
    console.log(`\n== ${file} on ${on}`);
    const { status, error } = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    if (error || status !== 0) {
      failed++;
      console.error(`== ${file} on ${on} failed${error ? `: ${error.message}` : ` (exit code ${status})`}`);
    }
  }
}
process.exitCode = failed ? 1 : 0;
