// `npm test`: everything a change must pass. Three lanes run at once, because each spends most
// of its time waiting on something else (jest on timers and sockets, the others on one core):
//
//   jest        the unit, integration, interop, oidc and dpop suites (its output streams live)
//   package     build (JavaScript and declarations) -> docs:check -> lint:package -> size
//   typecheck   tsc --noEmit: src, __tests__ (with the type tests), examples, bench
//
// The other lanes print a line each when they end, and their whole output only when they fail.
// Arguments go to jest: `npm test -- __tests__/unit/origins` runs one folder's suites (the other
// lanes still run). The real-browser and Redis suites are `npm run test:browser` and
// `npm run test:redis`.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = performance.now();
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** Runs one command; its output is kept unless `live`. Resolves with whether it passed. */
function run(command, args, { live = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: live ? 'inherit' : ['ignore', 'pipe', 'pipe'], shell: process.platform === 'win32' });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => resolve({ ok: false, output: `${output}${error.stack}\n` }));
    child.on('close', (code) => resolve({ ok: code === 0, output }));
  });
}

const npm = (script) => ['npm', ['run', '--silent', script]];

/** Runs the steps of a lane one after the other, stopping at the first that fails. */
async function lane(name, steps) {
  const since = performance.now();
  for (const [step, [command, args]] of steps) {
    const { ok, output } = await run(command, args);
    if (!ok) return { name, ok, line: `✗ ${name}: ${step} failed after ${seconds(since)}`, output };
  }
  return { name, ok: true, line: `✓ ${name}: ${steps.map(([step]) => step).join(', ')} (${seconds(since)})` };
}

const others = [
  lane('package', [
    ['build', npm('build')],
    ['docs:check', npm('docs:check')],
    ['lint:package', npm('lint:package')],
    ['size', npm('size')],
  ]),
  lane('typecheck', [['tsc --noEmit', npm('typecheck')]]),
];
const jestStarted = performance.now();
const jest = await run(process.execPath, [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...process.argv.slice(2)], { live: true });
const lanes = [{ name: 'jest', ok: jest.ok, line: `${jest.ok ? '✓' : '✗'} jest (${seconds(jestStarted)})` }, ...(await Promise.all(others))];

for (const { name, ok, output } of lanes) if (!ok && output) console.error(`\n== ${name}\n${output.trimEnd()}`);
console.log(`\n${lanes.map(({ line }) => line).join('\n')}`);
const failed = lanes.filter(({ ok }) => !ok);
console.log(failed.length ? `npm test: ${failed.map(({ name }) => name).join(', ')} failed (${seconds(started)})` : `npm test: all passed (${seconds(started)})`);
process.exitCode = failed.length ? 1 : 0;
