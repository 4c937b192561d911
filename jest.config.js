// Two tiers: unit specs beside the source (pure, no services) and integration tests under test/
// (real Mosquitto/PostgreSQL on 127.0.0.1 when reachable, plus the embedded aedes + PGlite stack).
const moduleNameMapper = {
  '^@rescue/([a-z-]+)$': '<rootDir>/libs/$1/src',
  '^@rescue/([a-z-]+)/testing$': '<rootDir>/libs/$1/src/testing',
};
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }],
};
// test/architecture/fixture breaks the import rules on purpose: its files are read by depcruise, never run.
const common = { testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'], transform, moduleNameMapper, testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/architecture/fixture/'] };
module.exports = {
  // Integration tests start brokers and databases; a per-project testTimeout is ignored by Jest.
  testTimeout: 180000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.test.ts'], globalSetup: '<rootDir>/test/support/services.global-setup.ts' },
  ],
};
