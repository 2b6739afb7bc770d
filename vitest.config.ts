import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests run the simulator workspace from its sources, so a change there needs no rebuild.
  resolve: {
    alias: [{ find: /^@tikprobe\/sim\/(.+)\.js$/, replacement: `${fileURLToPath(new URL('packages/sim/src/', import.meta.url))}$1.ts` }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/tmpdir-teardown.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Two files at a time: the suite is mostly waiting on child processes and sockets.
    maxWorkers: 2,
  },
});
