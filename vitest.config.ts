import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    // one throwaway embedded Postgres for the whole run, shared by every test file
    globalSetup: ['test/helpers/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // database scenario files share one cluster; two workers fit the 2-core machine
    maxWorkers: 2,
  },
});
