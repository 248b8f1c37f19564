// npm run calendar:load -- <file> [--by "<who>"]
// Loads (or corrects) one year of the State Council holiday schedule from a JSON file shaped
// like db/calendar/2026.json, journals the load, and tells running targets holding provisional
// deadlines in that year to recompute them (R16). Uses DATABASE_URL, or the embedded database
// of a running `npm start` (PG_PORT); TEMPORAL_ADDRESS, or the local dev server.
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { tellProvisionalTargets } from '../api/calendar-heal';
import { loadConfig } from '../config/env';
import { loadYear } from '../db/calendar-store';
import { connectDb } from '../db/client';
import { embeddedUrl } from '../db/embedded';
import { CalendarFileError, type YearFile } from '../domain/calendar-file';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const byAt = args.indexOf('--by');
  const by = byAt >= 0 ? args.splice(byAt, 2)[1] : `${userInfo().username} (command line)`;
  const [path] = args;
  if (!path) {
    console.error('usage: npm run calendar:load -- <file.json> [--by "<who>"]');
    return 64;
  }
  let file: YearFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as YearFile;
  } catch (err) {
    console.error(`${path}: cannot be read as JSON: ${(err as Error).message}`);
    return 65;
  }
  const config = loadConfig();
  const url = config.databaseUrl ?? embeddedUrl(config.pgPort);
  const dbh = connectDb(url, { max: 1 });
  try {
    const result = await loadYear(dbh.db, file, { actor: by, via: 'cli' });
    const { added, removed, changed } = result.changes;
    console.log(`${result.created ? 'loaded' : 'corrected'} ${result.year}: ${added.length} days added, ${removed.length} removed, ${changed.length} changed`);
  } catch (err) {
    if (err instanceof CalendarFileError) {
      console.error(`${path}: ${err.field}: ${err.reason}`);
      return 65;
    }
    if ((err as { code?: string }).code === 'ECONNREFUSED') {
      console.error(`cannot reach PostgreSQL at ${url.replace(/:[^:@/]+@/, ':***@')}: start the system (npm start) or set DATABASE_URL`);
      return 69;
    }
    throw err;
  } finally {
    await dbh.close();
  }

  const connection = await Connection.connect({ address: config.temporalAddress, connectTimeout: 3000 }).catch(() => null);
  if (!connection) {
    console.warn(`Temporal at ${config.temporalAddress} did not answer: running targets will be told when the API next starts.`);
    return 0;
  }
  try {
    const client = new Client({ connection, namespace: config.temporalNamespace });
    const { notified } = await tellProvisionalTargets(client, [file.year], `schedule of ${file.year} loaded by ${by}`);
    console.log(`${notified} running target(s) told to recompute provisional deadlines in ${file.year}`);
  } finally {
    await connection.close();
  }
  return 0;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
