// A database of its own, on the test PostgreSQL server, migrated and seeded: for suites that
// change global settings and must not disturb suites running beside them.
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { seedCalendar } from '../../db/calendar-store';
import { seedMeasures } from '../../db/measures';
import { connectDb, type DbHandle } from '../../db/client';
import { runMigrations } from '../../db/migrate';
import { appUrlFor } from './app-db';

/**
 * A handle as the API and the worker connect (the app's role), or as the owner with `owner`;
 * with the database's URL for the owner and for the app's role.
 */
export async function freshDatabase(sharedUrl: string, opts: { owner?: boolean } = {}): Promise<DbHandle & { url: string; appUrl: string }> {
  const name = `jd_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new URL(sharedUrl);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`create database ${name}`);
  } finally {
    await sql.end();
  }
  const url = new URL(sharedUrl);
  url.pathname = `/${name}`;
  await runMigrations(url.toString());
  const seed = connectDb(url.toString(), { max: 1 });
  try {
    await seedCalendar(seed.db);
    await seedMeasures(seed.db, '2020-01-01');
  } finally {
    await seed.close();
  }
  const appUrl = appUrlFor(url.toString());
  return { ...connectDb(opts.owner ? url.toString() : appUrl), url: url.toString(), appUrl };
}
