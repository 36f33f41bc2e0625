import { inspect } from 'node:util';

/** Every spelling a printed error could hide a secret in: as it is, percent- or form-decoded, JSON-unescaped, base64-decoded. */
function spellings(printed: string): string[] {
  const percentDecoded = (text: string) => text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('latin1'));
  const texts = [printed, printed.replace(/\\\//g, '/'), percentDecoded(printed), percentDecoded(printed.replace(/\+/g, ' '))];
  const decoded = texts.flatMap((text) =>
    (text.match(/[A-Za-z0-9+/_-]{8,}/g) ?? []).flatMap((run) => [0, 1, 2, 3].map((start) => Buffer.from(run.slice(start), 'base64').toString('latin1'))),
  );
  return [...texts, ...decoded];
}

/** The secrets that `JSON.stringify` or `util.inspect` (default options, and at any depth) would show, in any spelling. */
export function leaks(value: unknown, secrets: string[]): string[] {
  const printed = typeof value === 'string' ? value : JSON.stringify(value) + inspect(value) + inspect(value, { depth: Infinity });
  const texts = spellings(printed);
  return secrets.filter((secret) => texts.some((text) => text.includes(secret)));
}
