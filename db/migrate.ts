// Applies drizzle-kit's migrations with a separate single-connection client.
// Fails loudly (non-zero exit) on any error: a half-migrated database must not start.
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export async function runMigrations(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await migrate(drizzle(sql), { migrationsFolder });
  } finally {
    await sql.end({ timeout: 5 });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is required to migrate');
    process.exit(1);
  }
  runMigrations(url).then(
    () => console.log('migrations applied'),
    (err) => {
      console.error('migration failed:', err);
      process.exit(1);
    },
  );
}
