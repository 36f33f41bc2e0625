import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startTokenServer, type TokenServer, type TokenServerOptions } from '../server';

const root = join(__dirname, '..', '..');

/**
 * The token server with the tab demo on its own origin, so every tab shares one `localStorage`
 * and one Web Locks namespace: the page, its script, the library's browser build (`npm run build`
 * first) and axios's ES module for the page's import map.
 */
export function startBrowserDemo(options: TokenServerOptions = {}): Promise<TokenServer> {
  const dist = join(root, 'dist');
  // The browser build may share chunks between its entries; the page loads them beside it.
  const built = existsSync(dist) ? readdirSync(dist).filter((file) => /\.mjs(\.map)?$/.test(file)) : [];
  return startTokenServer({
    ...options,
    files: {
      ...Object.fromEntries(built.map((file) => [`/lib/${file}`, join(dist, file)])),
      '/': join(__dirname, 'index.html'),
      '/app.js': join(__dirname, 'app.js'),
      '/lib/axios-auth-interceptor.mjs': join(root, 'dist', 'browser.mjs'),
      '/lib/browser.mjs.map': join(root, 'dist', 'browser.mjs.map'),
      '/vendor/axios.mjs': join(dirname(require.resolve('axios/package.json')), 'dist', 'esm', 'axios.min.js'),
    },
  });
}

if (require.main === module) {
  let lastLine = '';
  void startBrowserDemo({ accessTtlMs: 20_000 }).then((server) => {
    console.log(`Open ${server.url}/ in two or three tabs, sign in in one, and press "10 calls" in any.`);
    console.log("Access tokens live 20 s; every tab shows the server's refresh count: one per expiry, whichever tab notices first.");
    setInterval(() => {
      const last = `${server.refreshes} refreshes, ${server.reuses} refresh tokens reused, ${server.log.length} requests`;
      if (last !== lastLine) console.log((lastLine = last));
    }, 1_000);
  });
}
