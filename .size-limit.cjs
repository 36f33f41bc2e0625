// `npm run size`: what each import a user writes adds to a bundle, as esbuild bundles it
// (minified, axios left to the app), gzipped. Run after `npm run build`; `npm test` does both.
// The main entry is measured as a bundler resolves it for a page: package.json's "browser"
// condition, `dist/index.browser.mjs`, which leaves out Node's hop-by-hop redirect following.
// Each budget is a little above its measurement, so that growth is a decision, not a drift. The
// main entry's first targets (5,000 B and 6,000 B) were set before the hardening of issue 10;
// docs/benchmarks.md says where the bytes go now.
// `/dpop` is loaded by the main entry only when the `dpop` option is set, `/step-up` at the first
// step-up challenge and `/resources` when the `resources` option is set, so none is counted there.
const common = { gzip: true, ignore: ['axios', 'axios-auth-interceptor/dpop', 'axios-auth-interceptor/step-up', 'axios-auth-interceptor/resources'] };

module.exports = [
  // NOT the issues' targets, which this code does not meet (the closing notes say "blocked", with
  // the breakdown; docs/benchmarks.md section 4 has it per concern): issue 17 asks for 8,000 B
  // and 9,000 B; issue 19 asks that the `resources` option, unused, add at most 300 B, and it adds
  // 559 B (12,237 B -> 12,796 B, measured with and without it on the same code). These budgets
  // are the measurement plus about 50 B, so that any growth from here is a decision, not a drift.
  { name: '{ createAuthInterceptor }', path: 'dist/index.browser.mjs', import: '{ createAuthInterceptor }', limit: '12850 B', ...common },
  { name: 'axios-auth-interceptor (all)', path: 'dist/index.browser.mjs', import: '*', limit: '13550 B', ...common },
  // Raised from 5,700 B by a decision, not a drift: token and discovery requests that never follow
  // a redirect and read at most 1 MiB, on every adapter and axios version (issue 16), measured 5,970 B.
  { name: 'axios-auth-interceptor/oauth (all)', path: 'dist/oauth.mjs', import: '*', limit: '6600 B', ...common },
  // Raised from 3,700 B by a decision: proofs built from parts written once per key and token, a
  // table base64url encoder and claims written straight into the signed bytes (DPoP's cost per
  // call, issue 17) and the misspelt-option check (issue 18), measured 4,081 B. Loaded only by
  // apps that set `dpop`.
  { name: 'axios-auth-interceptor/dpop (all)', path: 'dist/dpop.mjs', import: '*', limit: '4300 B', ...common },
  // A Node module: its built-in `crypto` costs nothing. Raised from 1,300 B by a decision: its
  // options refuse misspelt keys with a suggestion (issue 18), measured 1,417 B.
  { name: 'axios-auth-interceptor/redis (all)', path: 'dist/redis.mjs', import: '*', limit: '1560 B', ...common, ignore: ['axios', 'crypto'] },
];
