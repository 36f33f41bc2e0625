// `npm run check:lengths`: fails, naming file, line and length, when a function under src/ is
// longer than 80 lines or a class longer than 200 (STYLE.md: a function that needs a scroll is
// two functions; a class that long has a second concern to give away). A function is any
// declaration, method, accessor, constructor, arrow or function expression, and a class any
// declaration or expression; each is measured over its whole node, from its first line (JSDoc
// left out) to its last, so a function nested in another counts towards both.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const MAX_FUNCTION = 80;
const MAX_CLASS = 200;

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** What a node is, for the limits: `'function'`, `'class'`, or `undefined` for anything else. */
function kindOf(node) {
  if (ts.isFunctionLike(node) && 'body' in node && node.body) return 'function';
  if (ts.isClassLike(node)) return 'class';
  return undefined;
}

/** A readable name: the declaration's own, or the variable, property or member it is assigned to; a member's with its class. */
function nameOf(node) {
  const { parent } = node;
  const named = node.name ?? (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) ? parent.name : undefined);
  const name = named?.getText() ?? (ts.isConstructorDeclaration(node) ? 'constructor' : '(anonymous)');
  const member = ts.isClassLike(parent) ? parent : ts.isPropertyDeclaration(parent) && ts.isClassLike(parent.parent) ? parent.parent : undefined;
  return member?.name ? `${member.name.getText()}.${name}` : name;
}

const over = [];
let measured = 0;
let longest = { function: undefined, class: undefined };
for (const file of files(src)) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    const kind = kindOf(node);
    if (kind) {
      measured++;
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const found = { kind, name: nameOf(node), where: `${relative(root, file)}:${first + 1}`, lines: last - first + 1 };
      if (found.lines > (kind === 'class' ? MAX_CLASS : MAX_FUNCTION)) over.push(found);
      if (found.lines > (longest[kind]?.lines ?? 0)) longest[kind] = found;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

const describe = ({ kind, name, where, lines }) => `${where} ${kind} ${name}: ${lines} lines`;
if (over.length) {
  for (const found of over) console.error(`${describe(found)} (at most ${found.kind === 'class' ? MAX_CLASS : MAX_FUNCTION})`);
  process.exit(1);
}
console.log(
  `${measured} functions and classes under src/ within ${MAX_FUNCTION} and ${MAX_CLASS} lines; longest: ${[longest.function, longest.class]
    .filter(Boolean)
    .map(describe)
    .join(', ')}`,
);
