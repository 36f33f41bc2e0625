import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type * as DPoPModule from '../../src/dpop';
import { jose } from './jose';
import { launchChromium } from '../helpers/chromium';

/** What the test page puts on `window`: the `axios-auth-interceptor/dpop` entry, built from source. */
declare const dpop: typeof DPoPModule;

// A guard against a hung browser, not a speed requirement.
jest.setTimeout(60_000);

let browser: Browser;
let server: Server;
let origin: string;
let context: BrowserContext;

const PAGE = `<!doctype html><script type="importmap">{"imports":{"axios":"/axios.mjs"}}</script>
<script type="module">import * as dpop from '/dpop.mjs'; window.dpop = dpop;</script>`;

beforeAll(async () => {
  const bundle = await build({ entryPoints: [join(__dirname, '../../src/dpop/index.ts')], bundle: true, format: 'esm', platform: 'browser', external: ['axios'], write: false });
  const files: Record<string, [string, string]> = {
    '/': ['text/html', PAGE],
    '/dpop.mjs': ['text/javascript', bundle.outputFiles[0]!.text],
    '/axios.mjs': ['text/javascript', readFileSync(join(dirname(require.resolve('axios/package.json')), 'dist/esm/axios.min.js'), 'utf8')],
  };
  server = createServer((request, response) => {
    const [type, body] = files[request.url ?? ''] ?? ['text/plain', 'not found'];
    response.writeHead(type === 'text/plain' ? 404 : 200, { 'content-type': type }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // 127.0.0.1 is a secure context, as WebCrypto requires.
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
});
beforeEach(async () => {
  context = await browser.newContext();
});
afterEach(() => context?.close());

async function openTab(): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(error));
  await page.goto(origin);
  await page.waitForFunction(() => typeof dpop === 'object');
  return page;
}

/** The tab's key from the store (made and stored if missing): its thumbprint, whether its private key exports, and a proof. */
const loadKey = (tab: Page) =>
  tab.evaluate(async () => {
    const keyPair = await dpop.loadOrCreateDPoPKeyPair(dpop.indexedDBKeyStore());
    const signer = dpop.createDPoP(keyPair);
    const exported = await crypto.subtle.exportKey('jwk', keyPair.privateKey).then(() => true, () => false);
    return { thumbprint: await signer.thumbprint(), exported, proof: await signer.proof('GET', `${location.origin}/items`) };
  });

describe('DPoP keys in IndexedDB, in Chromium', () => {
  test('a reload finds the same key, still non-extractable, and it still signs proofs', async () => {
    const tab = await openTab();
    const first = await loadKey(tab);
    await tab.reload();
    await tab.waitForFunction(() => typeof dpop === 'object');
    const again = await loadKey(tab);

    expect(again.thumbprint).toBe(first.thumbprint);
    expect(again.exported).toBe(false);
    const { protectedHeader } = await jose.jwtVerify(again.proof, jose.EmbeddedJWK, { typ: 'dpop+jwt' });
    expect(await jose.calculateJwkThumbprint(protectedHeader.jwk!)).toBe(first.thumbprint);
  });

  test('two tabs that each made a key keep only the first one stored, and both use it', async () => {
    const [one, two] = [await openTab(), await openTab()];
    const made = async (tab: Page) =>
      tab.evaluate(async () => {
        (window as unknown as { pair: CryptoKeyPair }).pair = await dpop.generateDPoPKeyPair();
        return dpop.createDPoP((window as unknown as { pair: CryptoKeyPair }).pair).thumbprint();
      });
    const add = (tab: Page) =>
      tab.evaluate(async () => dpop.createDPoP(await dpop.indexedDBKeyStore().add((window as unknown as { pair: CryptoKeyPair }).pair)).thumbprint());
    const [mine, theirs] = [await made(one), await made(two)];
    expect(mine).not.toBe(theirs);

    expect(await add(one)).toBe(mine);
    expect(await add(two)).toBe(mine);
    expect((await loadKey(two)).thumbprint).toBe(mine);
  });

  test('tabs starting at the same moment agree on one key', async () => {
    const tabs = [await openTab(), await openTab(), await openTab()];
    const keys = await Promise.all(tabs.map(loadKey));
    expect(new Set(keys.map((k) => k.thumbprint)).size).toBe(1);
  });

  test('after clear() the next load makes a new key', async () => {
    const tab = await openTab();
    const before = await loadKey(tab);
    await tab.evaluate(() => dpop.indexedDBKeyStore().clear());
    expect((await loadKey(tab)).thumbprint).not.toBe(before.thumbprint);
  });
});
