// `npm run test:faults`: the fault suite (test/faults) in its long form: more cases, more kills,
// longer outages; a few minutes. `npm test` runs the same files in their short form.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Each file starts its own engine, worker process and (for one) PostgreSQL: a process each.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    globalSetup: ['test/support/global-setup.ts'],
    include: ['test/faults/**/*.test.ts'],
    env: { FAULTS: 'long', TZ: 'UTC' },
    testTimeout: 1_200_000,
    hookTimeout: 180_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
