import type { Config } from 'jest';
import os from 'node:os';

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
  // The suites mostly wait (on timers, sockets and child processes), not compute: one and a half
  // workers per core runs them in a third of the time one worker takes on 2 cores (61 s -> 23 s).
  maxWorkers: Math.max(2, Math.ceil((os.availableParallelism?.() ?? os.cpus().length) * 1.5)),
  // A bound for a hang, not a measure of speed: on a loaded machine starting the OIDC server in a
  // beforeAll alone can take longer than jest's default 5 s. Tests assert order and counts.
  testTimeout: 30_000,
  // The core loads its DPoP signer and step-up runs by the package's own name; tests use the source.
  moduleNameMapper: {
    '^axios-auth-interceptor/dpop$': '<rootDir>/src/dpop/index.ts',
    '^axios-auth-interceptor/step-up$': '<rootDir>/src/stepUp/index.ts',
    '^axios-auth-interceptor/resources$': '<rootDir>/src/resources/index.ts',
  },
};

export default config;
