import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // simulation and synthesis tests start processes; two workers match the two cores
    pool: 'forks',
    maxWorkers: 2,
  },
});
