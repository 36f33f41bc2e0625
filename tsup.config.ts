import { defineConfig, type Options } from 'tsup';

// The main entry loads the DPoP signer (when `dpop` is set), the step-up runs (at the first
// step-up challenge) and the resource sessions (when `resources` is set) by the package's own
// name, so none of them is in it.
const external = ['axios', 'axios-auth-interceptor/dpop', 'axios-auth-interceptor/step-up', 'axios-auth-interceptor/resources'];

/**
 * Browser builds swap a Node-only module (`./send`: hop-by-hop redirect following, which a page
 * leaves to the browser; `./waitTimers`: keeping a process alive or not) for its `.browser.ts`
 * stand-in, so a page carries none of that code.
 */
const browserModules: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'browser-modules',
  setup(build) {
    build.onResolve({ filter: /^\.\/(send|waitTimers)$/ }, (args) => ({ path: `${args.resolveDir}${args.path.slice(1)}.browser.ts` }));
  },
};

// `node scripts/build.mjs --js` sets this: the runnable examples and the demo need JavaScript
// only, and the declarations take most of a build's time.
const declarations = process.env.BUILD_DECLARATIONS !== 'false';

export default defineConfig([
  {
    entry: { index: 'src/index.ts', redis: 'src/redis/index.ts', oauth: 'src/oauth/index.ts', dpop: 'src/dpop/index.ts', 'step-up': 'src/stepUp/index.ts', resources: 'src/resources/index.ts' },
    format: ['esm', 'cjs'],
    // Each entry self-contained: the main one must not pull in a chunk shared with ./redis or ./oauth.
    splitting: false,
    dts: declarations,
    // A JavaScript-only build keeps the declarations of the last full one (scripts/build.mjs
    // knows they are older than the JavaScript and builds them again when they are needed).
    clean: declarations,
    sourcemap: true,
    target: 'es2022',
    external,
  },
  {
    // The main entry as bundlers resolve it for a page (package.json's "browser" condition).
    entry: { 'index.browser': 'src/index.ts' },
    format: ['esm'],
    splitting: false,
    outExtension: () => ({ js: '.mjs' }),
    sourcemap: true,
    platform: 'browser',
    target: 'es2022',
    external,
    esbuildPlugins: [browserModules],
  },
  {
    // One minified ES module a page loads by URL; axios comes from the page's import map.
    entry: { browser: 'src/index.ts', 'browser-dpop': 'src/dpop/index.ts', 'browser-step-up': 'src/stepUp/index.ts', 'browser-resources': 'src/resources/index.ts' },
    format: ['esm'],
    // Each file whole: a page loads them by URL, with no chunk between them.
    splitting: false,
    outExtension: () => ({ js: '.mjs' }),
    minify: true,
    sourcemap: true,
    platform: 'browser',
    target: 'es2022',
    external,
    esbuildPlugins: [browserModules],
  },
]);
