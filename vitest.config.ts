import { defineConfig } from 'vitest/config';

/** R16: the calendar suites must give the same results whatever the server's time zone. */
const zoneIndependent = ['test/calendar/**/*.test.ts', 'test/unit/**/*.test.ts'];

export default defineConfig({
  test: {
    // Suites that load a Temporal worker need their own process (native runtime, signals).
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        // The production topology under load (about 45 s, and the Temporal server built): `npm run test:prod`.
        test: { name: 'UTC', include: ['test/**/*.test.ts'], exclude: ['test/prod/topology.test.ts'], env: { TZ: 'UTC' } },
      },
      { extends: true, test: { name: 'Asia/Shanghai', include: zoneIndependent, env: { TZ: 'Asia/Shanghai' } } },
      {
        extends: true,
        test: {
          name: 'America/Los_Angeles',
          include: zoneIndependent,
          // chinese-days itself reads dates in the local zone and is a day off west of UTC;
          // that comparison runs in UTC and Shanghai. Our own code runs here in full.
          exclude: ['test/calendar/chinese-days.test.ts'],
          env: { TZ: 'America/Los_Angeles' },
        },
      },
    ],
  },
});
