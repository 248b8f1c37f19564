// A database of its own, on the test PostgreSQL server, migrated and seeded: for suites that
// change global settings and must not disturb suites running beside them.
import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { seedCalendar } from '../../db/calendar-store';
import { seedMeasures } from '../../db/measures';
import { connectDb, type DbHandle } from '../../db/client';
import { runMigrations } from '../../db/migrate';

export async function freshDatabase(sharedUrl: string): Promise<DbHandle> {
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
  const handle = connectDb(url.toString());
  await seedCalendar(handle.db);
  await seedMeasures(handle.db, '2020-01-01');
  return handle;
}
