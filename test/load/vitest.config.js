import { defineConfig } from 'vitest/config';

// The load and fault tests: one file at a time (each loads the machine on
// its own), each in its own process. LOAD_LONG=1 (./build.sh load) runs the
// long variants; the timeouts below are liveness bounds, not speed checks.
export default defineConfig({
  test: {
    include: ['test/load/**/*.test.js'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: process.env.LOAD_LONG === '1' ? 900_000 : 120_000,
    hookTimeout: 60_000,
  },
});
