// The app under test, built the way api/server.ts builds it, on the test database:
// - appWithoutEngine: Temporal pointed at a closed port (routes that never reach the engine,
//   and the engine-down paths);
// - appOnEngine: a real test environment with a worker running the real activities.
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildApp } from '../../api/app';
import { apiClientInterceptors } from '../../api/observability';
import { readCalendar } from '../../db/calendar-store';
import type { NotifyPolicy } from '../../worker/outbox/url-policy';
import type { DbHandle, DbOrTx } from '../../db/client';
import { createActivities, type Activities } from '../../activities';
import type { Worker } from '@temporalio/worker';
import type { WorkerTracing } from '../../worker/telemetry';
import { createWorker } from '../../worker/worker';
import { workflowBundle } from './engine';
import { freePort } from './ports';

export interface AppOptions {
  targetIdKey?: string;
  now?: () => Date;
  engineDeadlineMs?: number;
  /** Wraps the real activities (e.g. to hold one open while a test races it). */
  wrapActivities?: (a: Activities) => Activities;
  /** The ADMIN's exceptions for notification URLs (default: none, as in production). */
  notify?: NotifyPolicy;
  /**
   * Wired as api/server.ts and worker/main.ts wire it: the API's client with its interceptors,
   * the traced workflow bundle, the workflows' spans to `tracing`, the app's Fastify options.
   */
  observed?: { tracing: WorkerTracing; fastify?: FastifyServerOptions };
  /** false: no worker until `startWorker` (readiness without one). */
  worker?: boolean;
  /** Wrong keys an address may present before 429 (default: the API's). */
  authFailures?: { max: number; windowMs: number };
  /** Fastify's own options (a logger to read, trustProxy). */
  server?: FastifyServerOptions;
}

export interface AppUnderTest {
  app: FastifyInstance;
  close(): Promise<void>;
}

export interface AppWithWorker extends AppUnderTest {
  /** Stops the worker (the engine keeps every workflow); `startWorker` brings one back. */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
}

/** A connection to a port nothing listens on, for tests that need the engine down. No gRPC
 *  retries (the SDK's default interceptor): their timers would fire after close() on a shut-down
 *  channel and throw "Channel has been shut down" outside any test, failing a green run. */
export async function deadEngineConnection(): Promise<Connection> {
  return Connection.lazy({ address: `127.0.0.1:${await freePort()}`, interceptors: [] });
}

export async function appWithoutEngine(dbh: DbHandle, opts: AppOptions = {}): Promise<AppUnderTest> {
  const connection = await deadEngineConnection();
  const app = await buildApp({
    db: dbh.db, sql: dbh.sql, temporal: new Client({ connection }), calendar: () => readCalendar(dbh.db),
    targetIdKey: opts.targetIdKey ?? 'test', now: opts.now, notify: opts.notify, engineDeadlineMs: opts.engineDeadlineMs,
    authFailures: opts.authFailures,
  }, opts.server);
  return {
    app,
    async close() {
      await app.close();
      await connection.close();
    },
  };
}

export async function appOnEngine(env: TestWorkflowEnvironment, dbh: DbHandle, opts: AppOptions = {}): Promise<AppWithWorker> {
  const calendar = (executor?: DbOrTx) => readCalendar(executor ?? dbh.db);
  let running: Promise<void> | null = null;
  let worker: Worker | null = null;
  const startWorker = async () => {
    const activities = createActivities({ db: dbh.db, calendar, temporal: env.client });
    worker = await createWorker({
      connection: env.nativeConnection, namespace: env.namespace ?? 'default',
      deps: { db: dbh.db, calendar, temporal: env.client }, workflowBundle: await workflowBundle({ traced: Boolean(opts.observed) }),
      activities: opts.wrapActivities ? opts.wrapActivities(activities) : undefined, tracing: opts.observed?.tracing,
      logActivities: Boolean(opts.observed),
    });
    running = worker.run();
  };
  const stopWorker = async () => {
    worker?.shutdown();
    await running;
    worker = null;
    running = null;
  };
  if (opts.worker !== false) await startWorker();
  const temporal = opts.observed
    ? new Client({ connection: env.connection, namespace: env.namespace ?? 'default', interceptors: { workflow: apiClientInterceptors() } })
    : env.client;
  const app = await buildApp({
    db: dbh.db, sql: dbh.sql, temporal, calendar, targetIdKey: opts.targetIdKey ?? 'test', now: opts.now,
    engineDeadlineMs: opts.engineDeadlineMs, notify: opts.notify, authFailures: opts.authFailures,
  }, { ...opts.observed?.fastify, ...opts.server });
  return {
    app,
    stopWorker,
    startWorker,
    async close() {
      await app.close();
      await stopWorker();
    },
  };
}
