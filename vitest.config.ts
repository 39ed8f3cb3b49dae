import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['modules/**/*.test.ts', 'console/web/src/**/*.test.ts', 'agent/**/*.test.ts', 'console/server/**/*.test.ts', 'scripts/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules', 'dist', 'console/web/dist'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real consoles and agents; two cores are shared with them.
    maxWorkers: 2,
  },
});
