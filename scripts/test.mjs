// `npm test`: everything a change must pass. Two lanes run at once, because jest spends most of
// its time waiting (on timers, sockets and child processes) while the other lane computes:
//
//   jest        the unit, integration, interop, oidc and dpop suites (its output streams live)
//   package     build (JavaScript and declarations), then at once: check:cycles, check:lengths,
//               typecheck (tsc --noEmit over src, __tests__ with the type tests, examples and
//               bench: the examples import the built package, so it waits for the build),
//               docs:check, lint:package, size
//
// The package lane prints a line per step when it ends, and a step's output only when it fails.
// Arguments go to jest: `npm test -- __tests__/unit` runs one folder's suites (the package lane
// still runs). The real-browser and Redis suites are `npm run test:browser` and
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

/** Runs a lane's steps one after the other; a step that is a list runs its steps at once. Stops at the first failure. */
async function lane(name, steps) {
  const since = performance.now();
  const done = [];
  const failed = [];
  const step = async ([label, [command, args]]) => {
    const { ok, output } = await run(command, args);
    (ok ? done : failed).push({ label, output });
  };
  for (const item of steps) {
    await (Array.isArray(item[0]) ? Promise.all(item.map(step)) : step(item));
    if (failed.length) {
      const labels = failed.map(({ label }) => label).join(', ');
      return { name, ok: false, line: `✗ ${name}: ${labels} failed after ${seconds(since)}`, output: failed.map(({ label, output }) => `-- ${label}\n${output.trimEnd()}`).join('\n') };
    }
  }
  return { name, ok: true, line: `✓ ${name}: ${done.map(({ label }) => label).join(', ')} (${seconds(since)})` };
}

const others = [
  lane('package', [
    ['build', npm('build')],
    [
      ['typecheck', npm('typecheck')],
      ['docs:check', npm('docs:check')],
      ['lint:package', npm('lint:package')],
      ['size', npm('size')],
      ['check:cycles', npm('check:cycles')],
      ['check:lengths', npm('check:lengths')],
    ],
  ]),
];
const jestStarted = performance.now();
const jest = await run(process.execPath, [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...process.argv.slice(2)], { live: true });
const lanes = [{ name: 'jest', ok: jest.ok, line: `${jest.ok ? '✓' : '✗'} jest (${seconds(jestStarted)})` }, ...(await Promise.all(others))];

for (const { name, ok, output } of lanes) if (!ok && output) console.error(`\n== ${name}\n${output.trimEnd()}`);
console.log(`\n${lanes.map(({ line }) => line).join('\n')}`);
const failed = lanes.filter(({ ok }) => !ok);
console.log(failed.length ? `npm test: ${failed.map(({ name }) => name).join(', ')} failed (${seconds(started)})` : `npm test: all passed (${seconds(started)})`);
process.exitCode = failed.length ? 1 : 0;
