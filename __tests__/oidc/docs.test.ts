import axios, { type AxiosInstance } from 'axios';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import * as library from '../../src';
import * as oauth from '../../src/oauth';
import { startOidc, type Oidc } from '../helpers/oidc';

const MARKER = '<!-- oidc-suite: this block runs against oidc-provider in __tests__/oidc/docs.test.ts -->';

/** The ```ts blocks of docs/oauth.md that follow the marker, in order. */
const blocks = readFileSync(join(__dirname, '../../docs/oauth.md'), 'utf8')
  .split(MARKER)
  .slice(1)
  .map((part) => /^\s*```ts\n([\s\S]*?)\n```/.exec(part)![1]!);

let oidc: Oidc;
beforeAll(async () => {
  oidc = await startOidc();
});
afterAll(() => oidc.close());

/**
 * Runs a block as its reader would, with the placeholders of the docs pointing at the test
 * server: its issuer and API, and the test server's client and scope for the worker. The block's
 * exports are returned.
 */
async function run(source: string): Promise<Record<string, unknown>> {
  const code = source
    .replaceAll('https://id.example.com', oidc.issuer)
    .replaceAll('https://api.example.com/', oidc.resource)
    .replaceAll('https://api.example.com', oidc.api)
    .replaceAll("'orders-worker'", "'worker'")
    .replaceAll("'orders:read'", "'api:read'");
  const { outputText } = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  const modules: Record<string, unknown> = { axios, 'axios-auth-interceptor': library, 'axios-auth-interceptor/oauth': oauth };
  const exports: Record<string, unknown> = {};
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<void>;
  await new AsyncFunction('require', 'exports', 'process', outputText)((name: string) => modules[name], exports, { env: { CLIENT_SECRET: 'worker secret: +/!' } });
  return exports;
}

test('the docs have both runnable examples', () => {
  expect(blocks).toHaveLength(2);
});

test("the browser app example refreshes through the provider's discovered token endpoint", async () => {
  const { api, auth, signedIn } = (await run(blocks[0]!)) as { api: AxiosInstance; auth: library.AuthInterceptor; signedIn(response: unknown): Promise<void> };
  await signedIn(await oidc.signIn('spa'));

  const before = await auth.getTokens();
  const after = await auth.refresh();

  expect(after.refreshToken).not.toBe(before?.refreshToken);
  await expect(api.get('/me')).resolves.toMatchObject({ data: { sub: 'alice', clientId: 'spa' } });
});

test('the service example gets its data with a client credentials token on the first call', async () => {
  await oidc.clearLog();

  const { data } = await run(blocks[1]!);

  expect(data).toMatchObject({ clientId: 'worker', scope: 'api:read' });
  expect((await oidc.log()).api).toEqual([expect.objectContaining({ authenticated: true, status: 200 })]);
});
