// `npm run check:cycles`: fails when a module under src/ imports itself back through others,
// type-only imports included (a type-only cycle still means two files that cannot be read apart).
// Imports are read with the TypeScript scanner, so no extra dependency is needed.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function resolveImport(from, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, join(base, 'index.ts')].find(existsSync);
}

const graph = new Map();
for (const file of files(src)) {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  graph.set(file, importedFiles.map(({ fileName }) => resolveImport(file, fileName)).filter(Boolean));
}

// Depth-first search; each cycle is reported once, from its first module in path order.
const cycles = [];
const state = new Map();
function visit(file, path) {
  state.set(file, 'open');
  for (const next of graph.get(file) ?? []) {
    if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
    else if (!state.has(next)) visit(next, [...path, next]);
  }
  state.set(file, 'done');
}
for (const file of graph.keys()) if (!state.has(file)) visit(file, [file]);

if (cycles.length) {
  for (const cycle of cycles) console.error(`cycle: ${cycle.map((file) => relative(src, file)).join(' -> ')}`);
  process.exit(1);
}
console.log(`no import cycles among ${graph.size} modules under src/`);
