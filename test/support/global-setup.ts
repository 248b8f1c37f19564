// One real PostgreSQL for the whole run, in a temporary directory (never DATA_DIR), migrated
// once. DATABASE_URL, when set, is used instead (and must point to a disposable database).
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDb } from '../../db/embedded';
import { runMigrations } from '../../db/migrate';
import { seedCalendar } from '../../db/calendar-store';
import { seedMeasures } from '../../db/measures';
import { connectDb } from '../../db/client';
import { appUrlOf, enableAppLogin } from '../../db/roles';
import { freePort } from './ports';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The owner's URL: migrations, seeds, databases of a suite's own, what a test arranges. */
    databaseUrl: string;
    /** The same database as the API and the worker reach it: the app's role (README, "Security"). */
    appDatabaseUrl: string;
  }
}

let embedded: EmbeddedDb | undefined;
let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  let url = process.env.DATABASE_URL;
  if (!url) {
    dir = mkdtempSync(join(tmpdir(), 'jd-test-pg-'));
    chmodSync(dir, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir: dir, port: await freePort() });
    url = embedded.url;
  }
  await runMigrations(url);
  const seed = connectDb(url, { max: 1 });
  try {
    await seedCalendar(seed.db);
    await seedMeasures(seed.db, '2020-01-01');
  } finally {
    await seed.close();
  }
  // The app's role logs in with a password of this run (the role belongs to the whole server).
  const appPassword = randomBytes(16).toString('hex');
  await enableAppLogin(url, appPassword);
  project.provide('databaseUrl', url);
  project.provide('appDatabaseUrl', appUrlOf(url, appPassword));
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
