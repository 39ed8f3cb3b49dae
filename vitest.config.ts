import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['modules/**/*.test.ts', 'console/web/src/**/*.test.ts', 'agent/**/*.test.ts', 'console/server/**/*.test.ts', 'scripts/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['node_modules', 'dist', 'console/web/dist'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real consoles and agents, and many of them spend most of their time waiting (a 60 s
    // network cut, a container booting, an escalation delay): a third worker keeps two cores busy meanwhile.
    maxWorkers: 3,
  },
});
