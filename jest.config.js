// Two tiers: unit specs beside the source (pure, no services) and integration tests under test/
// (real Mosquitto/PostgreSQL on 127.0.0.1 when reachable, plus the embedded aedes + PGlite stack).
const moduleNameMapper = {
  '^@rescue/([a-z-]+)$': '<rootDir>/libs/$1/src',
};
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }],
};
const common = { testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'], transform, moduleNameMapper };
module.exports = {
  // Integration tests start brokers and databases; a per-project testTimeout is ignored by Jest.
  testTimeout: 180000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/**/*.test.ts'], globalSetup: '<rootDir>/test/support/services.global-setup.ts' },
  ],
};
