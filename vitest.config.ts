import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Tests that start redis-server / erl / tmux take a few seconds each; keep CI well under its limit.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: more workers only add contention for the servers the tests start.
    maxWorkers: 2,
  },
});
