// `npm run size`: what each import a user writes adds to a bundle, as esbuild bundles it
// (minified, axios left to the app), gzipped. Run after `npm run build`; `npm test` does both.
// The main budgets are fixed targets; a subpath's is about 10% above its measurement, so that
// growth there is a decision, not a drift.
const common = { gzip: true, ignore: ['axios', 'axios-auth-interceptor/dpop'] };

module.exports = [
  { name: '{ createAuthInterceptor }', path: 'dist/index.mjs', import: '{ createAuthInterceptor }', limit: '5000 B', ...common },
  { name: 'axios-auth-interceptor (all)', path: 'dist/index.mjs', import: '*', limit: '6000 B', ...common },
  { name: 'axios-auth-interceptor/oauth (all)', path: 'dist/oauth.mjs', import: '*', limit: '5500 B', ...common },
  // A Node module: its built-in `crypto` costs nothing.
  { name: 'axios-auth-interceptor/redis (all)', path: 'dist/redis.mjs', import: '*', limit: '1300 B', ...common, ignore: ['axios', 'crypto'] },
];
