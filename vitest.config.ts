import { defineConfig } from 'vitest/config';

const PROCESS_TESTS = ['tests/server/cli.test.ts', 'tests/server/start.test.ts'];

export default defineConfig({
  test: {
    globalSetup: ['tests/helpers/global-setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more parallel files only queue behind each other and time out.
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ['default'],
    // Three groups, one after the other: tests that time real processes (start within 15 s)
    // must not share the two cores with Chromium.
    projects: [
      { extends: true, test: { name: 'in-process', include: ['tests/server/**/*.test.ts', 'tests/widget/**/*.test.ts'], exclude: PROCESS_TESTS, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'processes', include: PROCESS_TESTS, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'browser', include: ['tests/browser/**/*.test.ts'], sequence: { groupOrder: 2 } } },
    ],
  },
});
