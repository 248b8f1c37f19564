// The worker process: connects to PostgreSQL and Temporal, runs until SIGINT/SIGTERM
// (the SDK's runtime turns those into a graceful shutdown), then closes its connections.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config/env';
import { exporterFor, startTracing } from '../config/tracing';
import { connectDb } from '../db/client';
import { readCalendar } from '../db/calendar-store';
import { assertAppendOnly } from '../db/roles';
import { startOutbox } from './outbox';
import { installRuntime, tracedBundle } from './telemetry';
import { createWorker } from './worker';

async function main(): Promise<void> {
  const config = loadConfig();
  // JSON log lines, and the SDK's metrics on HOST:WORKER_METRICS_PORT when set (README, "Observability").
  const runtime = installRuntime({ logLevel: config.logLevel, metrics: config.workerMetricsPort ? { host: config.host, port: config.workerMetricsPort } : undefined });
  const tracing = startTracing('joint-discipline-worker', exporterFor(config.tracesExporter));
  if (!config.databaseUrl) throw new Error('DATABASE_URL is required (npm start sets it)');
  const dbHandle = connectDb(config.databaseUrl);
  await assertAppendOnly(dbHandle.sql, 'the worker');
  // In the production topology the engine requires a token (TEMPORAL_AUTH_TOKEN; README, "Security").
  const metadata = config.temporalAuthToken ? { authorization: `Bearer ${config.temporalAuthToken}` } : undefined;
  const connection = await NativeConnection.connect({ address: config.temporalAddress, metadata });
  // R13: the activities that file and release a person's derived case reach its workflow as a client.
  const clientConnection = await Connection.connect({ address: config.temporalAddress, metadata });
  const temporal = new Client({ connection: clientConnection, namespace: config.temporalNamespace });
  // Workflows continue the trace only when it goes somewhere (issue 17: the interceptors cost
  // about 1.3 MiB per cached workflow).
  const traced = config.tracesExporter !== 'none';
  try {
    const worker = await createWorker({
      connection,
      namespace: config.temporalNamespace,
      deps: { db: dbHandle.db, calendar: (executor) => readCalendar(executor ?? dbHandle.db), temporal },
      maxCachedWorkflows: config.workerMaxCachedWorkflows,
      tracing,
      traced,
      logActivities: true,
      // The image and `npm run start:prod` load the bundle `npm run build` made (no webpack at
      // start), the traced one beside it when traced.
      ...(config.workflowBundle ? { workflowBundle: { codePath: traced ? tracedBundle(config.workflowBundle) : config.workflowBundle } } : {}),
    });
    // Standard Webhooks for every notice whose agency has an endpoint (R14 notifications, R1 notices).
    const outbox = startOutbox(dbHandle.db, config.notify, { onError: (err) => runtime.logger.error('outbox attempt failed', { error: err }) });
    console.log(`worker polling ${config.temporalAddress} (${config.temporalNamespace})${config.workerMetricsPort
      ? `; SDK metrics on http://${config.host}:${config.workerMetricsPort}/metrics` : ''}`);
    try {
      await worker.run();
    } finally {
      await outbox.stop();
    }
  } finally {
    await clientConnection.close();
    await connection.close();
    await dbHandle.close();
    await tracing.shutdown();
  }
  console.log('worker stopped');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
