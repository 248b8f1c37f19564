// The API process: config, clients, listen, and a graceful close on SIGINT/SIGTERM.
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config/env';
import { connectDb } from '../db/client';
import { readCalendar } from '../db/calendar-store';
import { buildApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required (npm start sets it)');
  if (!config.targetIdKey) throw new Error('TARGET_ID_KEY is required (npm start creates one in DATA_DIR)');
  const dbHandle = connectDb(config.databaseUrl);
  // Lazy: the API starts (and /health says which part is down) even while Temporal is not up.
  const connection = Connection.lazy({ address: config.temporalAddress });
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
  const app = await buildApp(
    { db: dbHandle.db, sql: dbHandle.sql, temporal, calendar: () => readCalendar(dbHandle.db), targetIdKey: config.targetIdKey },
    { logger: { level: config.logLevel } },
  );

  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: closing`);
    await app.close();
    await connection.close();
    await dbHandle.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void close('SIGINT'));
  process.on('SIGTERM', () => void close('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
