import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // The real-browser and real-Redis suites need Chromium and redis-server, and run on their own:
  // `npm run test:browser`, `npm run test:redis`.
  testPathIgnorePatterns: ['/node_modules/', '/__tests__/browser/', '/__tests__/redis/', '\\.browser\\.test\\.ts$'],
  // Type-checking is `npm run typecheck`'s job; transpiling alone keeps the suite runnable
  // against the oldest supported axios, whose type definitions are older.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  restoreMocks: true,
  // The core loads its DPoP signer and step-up runs by the package's own name; tests use the source.
  moduleNameMapper: {
    '^axios-auth-interceptor/dpop$': '<rootDir>/src/dpop/index.ts',
    '^axios-auth-interceptor/step-up$': '<rootDir>/src/stepUp/index.ts',
  },
};

export default config;
