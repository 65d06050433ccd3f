import { defineConfig } from 'vitest/config';

// The JS suites: real sockets on loopback, the wasm library, the CLI and the
// packed tarball. Test files run in separate processes (each has its own
// host worker); blocking calls block only their own process.
export default defineConfig({
  test: {
    include: ['test/js/**/*.test.js'],
    setupFiles: ['test/js/host-debug-setup.js'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
