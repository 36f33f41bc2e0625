// `npm run docs:check`: type-checks every ```ts block of README.md and docs/*.md, so a snippet
// that would not compile for a reader fails the build.
//
// Each block is compiled on its own as an ES module (`.mts`), strict, `module: nodenext`, the
// way a user's project would see it: `axios-auth-interceptor` and its subpaths resolve by name
// through this package's own "exports" to the built `dist/` (run `npm run build` first; `npm
// test` does). Nothing is written to disk: the blocks are virtual files inside the package, and
// errors are reported at their line in the Markdown file.
//
// Conventions for the blocks:
// - A block imports what it uses from this library, axios and Node, as a reader's file would.
// - It may use, without declaring them, the things a reader's app already has. They are declared
//   once in PRELUDE below: `api` (the app's axios instance), `auth` (its session), `refresh`
//   (its refresh function), `router`, and a few more. A block that declares one of these
//   itself shadows the prelude's.
// - Packages a recipe mentions that this repository does not install are declared in PACKAGES
//   with the part of their API the recipes use.
// - To show a fragment, write the complete statement around it; a ```ts block that only some
//   readers can compile is a block that will go stale.
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
  skipLibCheck: true,
  noEmit: true,
};

/** The ```ts blocks of one Markdown file, with the line each one's code starts on (1-based). */
function blocksOf(file) {
  const blocks = [];
  let open;
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      const fence = /^\s*(```+|~~~+)\s*(\S*)/.exec(line);
      if (open && fence && fence[1].startsWith(open.fence[0]) && fence[1].length >= open.fence.length && !fence[2]) {
        if (open.checked) blocks.push({ line: open.line, code: open.lines.join('\n') });
        open = undefined;
      } else if (open) {
        open.lines.push(line);
      } else if (fence) {
        open = { fence: fence[1], checked: ['ts', 'typescript'].includes(fence[2]), line: index + 2, lines: [] };
      }
    });
  return blocks;
}

const markdown = [join(root, 'README.md'), ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join(root, 'docs', name))];
const virtual = new Map([
  [join(virtualDir, 'prelude.d.mts'), PRELUDE],
  [join(virtualDir, 'packages.d.ts'), PACKAGES],
]);
const origin = new Map();
for (const file of markdown) {
  for (const block of blocksOf(file)) {
    const name = join(virtualDir, `${relative(root, file).replaceAll('/', '__')}-${block.line}.mts`);
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
const diagnostics = ts.getPreEmitDiagnostics(program);
const where = (diagnostic) => {
  const at = diagnostic.file && origin.get(diagnostic.file.fileName);
  if (!at || diagnostic.start === undefined) return { text: diagnostic.file ? relative(root, diagnostic.file.fileName) : 'docs:check', file: '', line: 0 };
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  return { text: `${at.file}:${at.line + line}:${character + 1}`, file: at.file, line: at.line + line };
};
diagnostics
  .map((diagnostic) => ({ ...where(diagnostic), diagnostic }))
  .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)
  .forEach(({ text, diagnostic }) => console.error(`${text} - TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`));
const count = origin.size;
if (diagnostics.length) {
  console.error(`\ndocs:check: ${diagnostics.length} error(s) in the TypeScript blocks of README.md and docs/ (${count} blocks).`);
  process.exit(1);
}
console.log(`docs:check: all ${count} TypeScript blocks in README.md and docs/ compile.`);
