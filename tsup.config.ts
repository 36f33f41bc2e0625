import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2020',
    external: ['axios'],
  },
  {
    // One minified ES module a page loads by URL; axios comes from the page's import map.
    entry: { browser: 'src/index.ts' },
    format: ['esm'],
    outExtension: () => ({ js: '.mjs' }),
    minify: true,
    sourcemap: true,
    platform: 'browser',
    target: 'es2020',
    external: ['axios'],
  },
]);
