import { defineConfig } from 'tsup';

// `node scripts/build.mjs --js` sets this: the runnable examples and the demo need JavaScript
// only, and the declarations take most of a build's time.
const declarations = process.env.BUILD_DECLARATIONS !== 'false';

export default defineConfig([
  {
    entry: { index: 'src/index.ts', redis: 'src/redis/index.ts', oauth: 'src/oauth/index.ts', dpop: 'src/dpop/index.ts' },
    format: ['esm', 'cjs'],
    // Each entry self-contained: the main one must not pull in a chunk shared with ./redis or ./oauth.
    splitting: false,
    dts: declarations,
    // A JavaScript-only build keeps the declarations of the last full one (scripts/build.mjs
    // knows they are older than the JavaScript and builds them again when they are needed).
    clean: declarations,
    sourcemap: true,
    target: 'es2020',
    // The main entry loads the DPoP signer by the package's own name, only when `dpop` is set.
    external: ['axios', 'axios-auth-interceptor/dpop'],
  },
  {
    // One minified ES module a page loads by URL; axios comes from the page's import map.
    entry: { browser: 'src/index.ts', 'browser-dpop': 'src/dpop/index.ts' },
    format: ['esm'],
    // Each file whole: a page loads them by URL, with no chunk between them.
    splitting: false,
    outExtension: () => ({ js: '.mjs' }),
    minify: true,
    sourcemap: true,
    platform: 'browser',
    target: 'es2020',
    // The main entry loads the DPoP signer by the package's own name, only when `dpop` is set.
    external: ['axios', 'axios-auth-interceptor/dpop'],
  },
]);
