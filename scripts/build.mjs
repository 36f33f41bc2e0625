// `npm run build` (and `build:js`, `prepack`): builds dist/ with tsup, quietly.
//
//   node scripts/build.mjs             JavaScript and declarations (what is published)
//   node scripts/build.mjs --js        JavaScript only: what the examples and the demo run (~1 s
//                                      instead of ~12 s; the declarations are the slow part)
//   --if-stale                         skip the build when its output is newer than every input
//                                      (src/, tsup.config.ts, tsconfig.json, package.json)
//
// Freshness is judged by modification times, as make does: a file copied with its old time kept
// (cp -p, rsync -t) can fool it; `npm run build` always builds.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const jsOnly = args.has('--js');

const ENTRIES = ['index', 'redis', 'oauth', 'dpop', 'step-up', 'resources'];
const outputs = [
  ...ENTRIES.flatMap((entry) => [`${entry}.js`, `${entry}.mjs`]),
  'index.browser.mjs',
  'browser.mjs',
  'browser-dpop.mjs',
  'browser-step-up.mjs',
  'browser-resources.mjs',
  ...(jsOnly ? [] : ENTRIES.flatMap((entry) => [`${entry}.d.ts`, `${entry}.d.mts`])),
].map((name) => join(root, 'dist', name));

/** Modification times (ms) of every file under `path`. */
function times(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return [];
  if (!stat.isDirectory()) return [stat.mtimeMs];
  return readdirSync(path).flatMap((name) => times(join(path, name)));
}

function fresh() {
  const built = outputs.map((file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -Infinity);
  const inputs = ['src', 'tsup.config.ts', 'tsconfig.json', 'package.json'].flatMap((name) => times(join(root, name)));
  return Math.min(...built) > Math.max(...inputs);
}

if (args.has('--if-stale') && fresh()) process.exit(0);

const tsup = join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js');
const { status, error } = spawnSync(process.execPath, [tsup, '--silent'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, BUILD_DECLARATIONS: String(!jsOnly) },
});
if (error) throw error;
process.exit(status ?? 1);
