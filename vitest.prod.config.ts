// `npm run test:prod`: the production topology of `npm run start:prod` under load, with a worker
// and an API instance killed (test/prod/topology.test.ts; about 45 s once the server is built).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/prod/topology.test.ts'],
    env: { TZ: 'UTC' },
    testTimeout: 600_000,
    hookTimeout: 300_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
