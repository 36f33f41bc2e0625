// `npm run docs:check`: the docs say what the code does, and a reader can use what they show.
// It fails, naming file and line, when
//
// 1. a ```ts or ```js block of README.md or docs/*.md does not compile;
// 2. a line of README.md is longer than 100 characters (code blocks and tables included: the
//    README is read in narrow panes, on npm and in editors);
// 3. docs/api.md misses part of the public API: an exported name, or an option.
//
// 1. Each block is compiled on its own as an ES module (`.mts`, or `.mjs` with `checkJs` for
// ```js), strict, `module: nodenext`, the way a user's project would see it:
// `axios-auth-interceptor` and its subpaths resolve by name through this package's own
// "exports" to the built `dist/` (run `npm run build` first; `npm test` does). Nothing is written
// to disk: the blocks are virtual files inside the package, and errors are reported at their
// line in the Markdown file.
//
// Conventions for the blocks:
// - A block imports what it uses from this library, axios and Node, as a reader's file would.
// - It may use, without declaring them, the things a reader's app already has. They are declared
//   once in PRELUDE below: `api` (the app's axios instance), `authServer` (the instance its
//   sign-in and refresh use), `auth` (its session), `refresh` (its refresh function), `router`,
//   and a few more. A block that declares one of these
//   itself shadows the prelude's.
// - Packages a recipe mentions that this repository does not install are declared in PACKAGES
//   with the part of their API the recipes use.
// - To show a fragment, write the complete statement around it; a ```ts block that only some
//   readers can compile is a block that will go stale.
//
// 3. The public API is read from the source with the TypeScript compiler: each entry of
// package.json "exports" (`.` is src/index.ts, `./oauth` is src/oauth/index.ts, ...), its
// exported names, and the members of every exported type whose name ends in `Options`. An export
// or option added to the source is caught here until docs/api.md documents it. docs/api.md has
// one part per entry: the main entry's comes first, each subpath's starts with a heading that is
// its import name in backticks (`## \`axios-auth-interceptor/redis\``). In its entry's part,
// - every exported name is listed in the `import { ... } from '<entry>'` block, and appears again
//   in code (a heading, a table, a sentence, a block) that documents it;
// - every option appears in code; where the part has a table whose first column names half or
//   more of an options type's members (an options table), each member must be a row of it.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Inside the package, so the package's own name resolves by self-reference.
const virtualDir = join(root, '.docs-check');

const PRELUDE = `
import type { AxiosInstance } from 'axios';
import type { AuthInterceptor, AuthInterceptorOptions } from 'axios-auth-interceptor';
import type { RedisClient } from 'axios-auth-interceptor/redis';

declare global {
  /** The app's axios instance. */
  const api: AxiosInstance;
  /** The app's instance for its auth server (sign-in, refresh): not guarded by the session. */
  const authServer: AxiosInstance;
  /** Another instance of the app that should share the session. */
  const uploads: AxiosInstance;
  /** The app's session, from createAuthInterceptor. */
  const auth: AuthInterceptor;
  /** The app's refresh function. */
  const refresh: AuthInterceptorOptions['refresh'];
  /** The app's router, with the methods Vue Router and React Router share. */
  const router: { push(path: string): unknown; replace(to: string | { path: string }): unknown };
  const showSignIn: () => void;
  const credentials: { username: string; password: string };
  const accessToken: string;
  const refreshToken: string;
  /** A connected ioredis or node-redis client. */
  const redis: RedisClient;
  const CLIENT_ID: string;
  const alertOps: (message: string) => void;
  const log: { warn(...values: unknown[]): void };
  const body: unknown;
}
`;

// A script, not a module: only there does `declare module` declare a package rather than augment one.
const PACKAGES = `
declare module '@react-native-async-storage/async-storage' {
  const AsyncStorage: {
    getItem(key: string): Promise<string | null>;
    setItem(key: string, value: string): Promise<void>;
    removeItem(key: string): Promise<void>;
  };
  export default AsyncStorage;
}

declare module 'expo-secure-store' {
  export function getItemAsync(key: string): Promise<string | null>;
  export function setItemAsync(key: string, value: string): Promise<void>;
  export function deleteItemAsync(key: string): Promise<void>;
}
`;

const options = {
  strict: true,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: ['node'],
  allowJs: true,
  checkJs: true,
  skipLibCheck: true,
  noEmit: true,
};

const LANGUAGES = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js' };

/** Every fenced block of a Markdown text: its language tag, code, and the line its code starts on (1-based). */
function fencedBlocks(text) {
  const blocks = [];
  let open;
  text.split('\n').forEach((line, index) => {
    const fence = /^\s*(```+|~~~+)\s*(\S*)/.exec(line);
    if (open && fence && fence[1].startsWith(open.fence[0]) && fence[1].length >= open.fence.length && !fence[2]) {
      blocks.push({ lang: open.lang, line: open.line, end: index + 1, code: open.lines.join('\n') });
      open = undefined;
    } else if (open) {
      open.lines.push(line);
    } else if (fence) {
      open = { fence: fence[1], lang: fence[2], line: index + 2, lines: [] };
    }
  });
  return blocks;
}

const markdown = [join(root, 'README.md'), ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join(root, 'docs', name))];
/** Problems found, as `file:line - message`. */
const problems = [];

// 1. The blocks compile.
function compileBlocks() {
  const virtual = new Map([
    [join(virtualDir, 'prelude.d.mts'), PRELUDE],
    [join(virtualDir, 'packages.d.ts'), PACKAGES],
  ]);
  const origin = new Map();
  for (const file of markdown) {
    for (const block of fencedBlocks(readFileSync(file, 'utf8'))) {
      const language = LANGUAGES[block.lang];
      if (!language) continue;
      // A ```js block that calls require() is CommonJS, as a reader's .js file in a CommonJS package would be.
      const extension = language === 'ts' ? 'mts' : /\brequire\(/.test(block.code) ? 'cjs' : 'mjs';
      const name = join(virtualDir, `${relative(root, file).replaceAll('/', '__')}-${block.line}.${extension}`);
      virtual.set(name, block.code);
      origin.set(name, { file: relative(root, file), line: block.line });
    }
  }

  if (!existsSync(join(root, 'dist', 'index.d.mts'))) {
    console.error('docs:check reads the built types in dist/: run `npm run build` first.');
    process.exit(1);
  }

  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile, directoryExists } = host;
  host.fileExists = (name) => virtual.has(name) || fileExists.call(host, name);
  host.readFile = (name) => virtual.get(name) ?? readFile.call(host, name);
  host.directoryExists = (name) => name === virtualDir || (directoryExists ? directoryExists.call(host, name) : true);
  host.getSourceFile = (name, language, ...rest) =>
    virtual.has(name) ? ts.createSourceFile(name, virtual.get(name), language, true) : getSourceFile.call(host, name, language, ...rest);

  const program = ts.createProgram([...virtual.keys()], options, host);
  // JavaScript readers annotate nothing: implicit `any` is how their code reads, not a mistake.
  const IMPLICIT_ANY = new Set([7005, 7006, 7008, 7031, 7034]);
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    if (IMPLICIT_ANY.has(diagnostic.code) && /\.[cm]js$/.test(diagnostic.file?.fileName ?? '')) continue;
    const at = diagnostic.file && origin.get(diagnostic.file.fileName);
    const message = `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
    if (!at || diagnostic.start === undefined) {
      problems.push({ file: diagnostic.file ? relative(root, diagnostic.file.fileName) : 'docs:check', line: 0, message });
      continue;
    }
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    problems.push({ file: at.file, line: at.line + line, column: character + 1, message });
  }
  return origin.size;
}

// 2. The README fits a narrow pane.
const MAX_README_LINE = 100;
function readmeLines() {
  readFileSync(join(root, 'README.md'), 'utf8')
    .split('\n')
    .forEach((line, index) => {
      const length = [...line].length;
      if (length > MAX_README_LINE) problems.push({ file: 'README.md', line: index + 1, message: `${length} characters; at most ${MAX_README_LINE}` });
    });
}

// 3. docs/api.md documents the public API.

/** Each entry of package.json "exports", with its import name, its source, its exports and their options. */
function publicApi() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const entries = Object.keys(pkg.exports)
    // `./step-up` and `./resources` are the core's lazily loaded code, not APIs for apps (each index.ts says so).
    .filter((key) => key !== './package.json' && key !== './step-up' && key !== './resources')
    .map((key) => ({ name: key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`, file: join(root, 'src', key.slice(2), 'index.ts') }));
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  const program = ts.createProgram(
    entries.map((entry) => entry.file),
    { ...config.options, noEmit: true },
  );
  const checker = program.getTypeChecker();
  return entries.map((entry) => {
    const source = program.getSourceFile(entry.file);
    if (!source) throw new Error(`docs:check: ${relative(root, entry.file)} (the source of ${entry.name}) is missing`);
    const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(source));
    const optionTypes = exported
      .filter((symbol) => symbol.name.endsWith('Options'))
      .map((symbol) => {
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        return { name: symbol.name, members: checker.getDeclaredTypeOfSymbol(target).getProperties().map((member) => member.name) };
      });
    return { ...entry, names: exported.map((symbol) => symbol.name).sort(), optionTypes };
  });
}

const IDENTIFIER = /[A-Za-z_$][\w$]*/g;

/** The parts of api.md, one per entry: the main entry's until the first subpath heading, then one per `## `<entry>`` heading. */
function partsOf(text, entries) {
  const lines = text.split('\n');
  const parts = new Map(entries.map((entry) => [entry.name, undefined]));
  let current = { name: entries[0].name, start: 1, lines: [] };
  const close = () => parts.set(current.name, current);
  lines.forEach((line, index) => {
    const heading = /^## `([^`]+)`\s*$/.exec(line);
    if (heading && parts.has(heading[1]) && heading[1] !== entries[0].name) {
      close();
      current = { name: heading[1], start: index + 1, lines: [] };
    }
    current.lines.push(line);
  });
  close();
  return parts;
}

/** What one part of api.md says in code: the names its import blocks list, the identifiers in the rest of its code, its tables' rows. */
function readPart(part, entry) {
  let text = part.lines.join('\n');
  const imported = new Set();
  const importList = new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*'${entry.replace(/[/.]/g, '\\$&')}'\\s*;?`, 'g');
  text = text.replace(importList, (_, list) => {
    for (const name of list.split(',')) imported.add(name.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]);
    return '';
  });
  const code = new Set();
  for (const block of fencedBlocks(text)) for (const [word] of block.code.matchAll(IDENTIFIER)) code.add(word);
  const prose = fencedBlocks(text).reduceRight((rest, block) => {
    const lines = rest.split('\n');
    return [...lines.slice(0, block.line - 2), ...lines.slice(block.end)].join('\n');
  }, text);
  for (const match of prose.matchAll(/(`+)(?<span>[^`]|[^`][\s\S]*?[^`])\1(?!`)/g)) for (const [word] of match.groups.span.matchAll(IDENTIFIER)) code.add(word);
  // Tables: runs of lines that start with `|`; a row's name is the first cell's code span.
  const tables = [];
  let table;
  part.lines.forEach((line, index) => {
    if (!line.startsWith('|')) return void (table = undefined);
    if (!table) tables.push((table = { line: part.start + index, rows: new Set() }));
    const name = /^\|\s*`([^`]+)`/.exec(line)?.[1];
    if (name) table.rows.add(name);
  });
  return { imported, code, tables };
}

function apiComplete() {
  const file = 'docs/api.md';
  const entries = publicApi();
  const parts = partsOf(readFileSync(join(root, file), 'utf8'), entries);
  for (const entry of entries) {
    const part = parts.get(entry.name);
    if (!part) {
      problems.push({ file, line: 0, message: `no part for ${entry.name}: add a heading "## \`${entry.name}\`" and document its exports` });
      continue;
    }
    const { imported, code, tables } = readPart(part, entry.name);
    for (const name of entry.names) {
      if (!imported.has(name)) problems.push({ file, line: part.start, message: `\`${name}\`, exported by ${entry.name}, is missing from the part's \`import { ... } from '${entry.name}'\` list` });
      if (!code.has(name)) problems.push({ file, line: part.start, message: `\`${name}\`, exported by ${entry.name}, is not documented in its part (no heading, table, sentence or block names it in code)` });
    }
    for (const { name, members } of entry.optionTypes) {
      const table = tables
        .map((candidate) => ({ ...candidate, named: members.filter((member) => candidate.rows.has(member)).length }))
        .sort((a, b) => b.named - a.named)[0];
      const isOptionsTable = table && table.named >= 2 && table.named * 2 >= members.length;
      for (const member of members) {
        if (isOptionsTable && !table.rows.has(member)) problems.push({ file, line: table.line, message: `option \`${member}\` of \`${name}\` (${entry.name}) is not a row of its options table` });
        else if (!isOptionsTable && !code.has(member)) problems.push({ file, line: part.start, message: `option \`${member}\` of \`${name}\` (${entry.name}) is not documented in its part` });
      }
    }
  }
  return entries;
}

const blocks = compileBlocks();
readmeLines();
const entries = apiComplete();

for (const { file, line, column, message } of problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)) {
  console.error(`${file}${line ? `:${line}${column ? `:${column}` : ''}` : ''} - ${message}`);
}
if (problems.length) {
  console.error(`\ndocs:check: ${problems.length} problem(s) in README.md and docs/.`);
  process.exit(1);
}
const exported = entries.reduce((sum, entry) => sum + entry.names.length, 0);
const optionCount = entries.reduce((sum, entry) => sum + entry.optionTypes.reduce((n, type) => n + type.members.length, 0), 0);
console.log(
  `docs:check: ${blocks} code blocks compile; README.md lines fit in ${MAX_README_LINE} characters; docs/api.md documents ${exported} exports and ${optionCount} options of ${entries.length} entries.`,
);
