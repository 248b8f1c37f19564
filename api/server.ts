// The API process: config, clients, listen, and a graceful close on SIGINT/SIGTERM.
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../config/env';
import { exporterFor, startTracing } from '../config/tracing';
import { loadedYears, readCalendar } from '../db/calendar-store';
import { connectDb, type DbHandle } from '../db/client';
import { assertAppendOnly } from '../db/roles';
import { buildApp } from './app';
import { apiClientInterceptors, loggingOptions } from './observability';
import { tellProvisionalTargets } from './calendar-heal';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required (npm start sets it)');
  if (!config.targetIdKey) throw new Error('TARGET_ID_KEY is required (npm start creates one in DATA_DIR)');
  // Before the clients: their spans go to this process's tracer provider (README, "Observability").
  const tracing = startTracing('joint-discipline-api', exporterFor(config.tracesExporter));
  const dbHandle = connectDb(config.databaseUrl);
  await assertAppendOnly(dbHandle.sql, 'the API');
  // Lazy: the API starts (and /health says which part is down) even while Temporal is not up.
  // In the production topology the engine requires a token (TEMPORAL_AUTH_TOKEN; README, "Security").
  const metadata = config.temporalAuthToken ? { authorization: `Bearer ${config.temporalAuthToken}` } : undefined;
  const connection = Connection.lazy({ address: config.temporalAddress, metadata });
  const temporal = new Client({ connection, namespace: config.temporalNamespace, interceptors: { workflow: apiClientInterceptors() } });
  const app = await buildApp(
    {
      db: dbHandle.db, sql: dbHandle.sql, temporal, calendar: () => readCalendar(dbHandle.db), targetIdKey: config.targetIdKey,
      temporalUi: { url: config.temporalUiUrl, namespace: config.temporalNamespace }, notify: config.notify,
      authFailures: config.authFailures,
    },
    // Fastify takes a number of hops too, though its types leave it out.
    { ...loggingOptions(config.logLevel), trustProxy: config.trustProxy as boolean | string[] },
  );

  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info(`${signal}: closing`);
    await app.close();
    await connection.close();
    await dbHandle.close();
    await tracing.shutdown();
    process.exit(0);
  };
  process.on('SIGINT', () => void close('SIGINT'));
  process.on('SIGTERM', () => void close('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  void reconcileProvisionalDeadlines(app, dbHandle, temporal, () => closing);
}

/**
 * R16: a year may have been loaded while the engine was down (or the API stopped between the
 * load and telling the targets). On start, tell every running target still holding a
 * provisional deadline in a now-loaded year; retried until the engine answers.
 */
async function reconcileProvisionalDeadlines(app: FastifyInstance, dbh: DbHandle, temporal: Client, closing: () => boolean): Promise<void> {
  for (let attempt = 0; !closing(); attempt += 1) {
    try {
      const years = await loadedYears(dbh.db);
      const { notified } = await tellProvisionalTargets(temporal, years, 'schedules reconciled at API start');
      if (notified > 0) app.log.info({ notified }, 'targets told to recompute provisional deadlines');
      return;
    } catch (err) {
      if (attempt % 12 === 0) app.log.warn({ err }, 'provisional deadlines not reconciled yet; retrying');
      await new Promise((r) => setTimeout(r, 5000).unref());
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
