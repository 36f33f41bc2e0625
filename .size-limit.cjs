// `npm run size`: what each import a user writes adds to a bundle, as esbuild bundles it
// (minified, axios left to the app), gzipped. Run after `npm run build`; `npm test` does both.
// The main entry is measured as a bundler resolves it for a page: package.json's "browser"
// condition, `dist/index.browser.mjs`, which leaves out Node's hop-by-hop redirect following.
// Each budget is about 5% (main entry) or 10% (subpaths) above its measurement, so that growth is
// a decision, not a drift. The main entry's first targets (5,000 B and 6,000 B) were set before
// the hardening of issue 10; docs/benchmarks.md says what the bytes since then pay for.
// `/dpop` is loaded by the main entry only when the `dpop` option is set, and `/step-up` at the
// first step-up challenge, so neither is counted there.
const common = { gzip: true, ignore: ['axios', 'axios-auth-interceptor/dpop', 'axios-auth-interceptor/step-up', 'axios-auth-interceptor/resources'] };

module.exports = [
  // Raised from 12,000 B and 12,800 B by a decision, not a drift: issue 18's misspelt-option
  // check with its suggestion (~200 B) and the once-per-instance set-up warning (~75 B), after
  // the rebuild of issue 17 had brought the entry back under the old numbers. Issue 17's own
  // targets (8,000 B and 9,000 B) are not met yet: docs/benchmarks.md has the breakdown.
  { name: '{ createAuthInterceptor }', path: 'dist/index.browser.mjs', import: '{ createAuthInterceptor }', limit: '12200 B', ...common },
  { name: 'axios-auth-interceptor (all)', path: 'dist/index.browser.mjs', import: '*', limit: '12950 B', ...common },
  // Raised from 5,700 B by a decision, not a drift: token and discovery requests that never follow
// a redirect and read at most 1 MiB, on every adapter and axios version (issue 16), measured 5,970 B.
  { name: 'axios-auth-interceptor/oauth (all)', path: 'dist/oauth.mjs', import: '*', limit: '6600 B', ...common },
  // Raised from 3,700 B by a decision: proofs built from parts written once per key and token, a
  // table base64url encoder (DPoP's cost per call, issue 17) and the misspelt-option check (issue
  // 18), measured 3,906 B. Loaded only by apps that set `dpop`.
  { name: 'axios-auth-interceptor/dpop (all)', path: 'dist/dpop.mjs', import: '*', limit: '4300 B', ...common },
  // A Node module: its built-in `crypto` costs nothing. Raised from 1,300 B by a decision: its
  // options refuse misspelt keys with a suggestion (issue 18), measured 1,417 B.
  { name: 'axios-auth-interceptor/redis (all)', path: 'dist/redis.mjs', import: '*', limit: '1560 B', ...common, ignore: ['axios', 'crypto'] },
];
