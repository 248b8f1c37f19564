// One Java time-skipping server per test file: timeSkippingSuite, a worker per test on its own
// task queue, and the targets a test started ended after it (a workflow left with timers and no
// worker would make the server wait instead of skipping time); httpTimeSkippingSuite, the HTTP API
// on the engine with the real activities, a database of the file's own and its agencies.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import type { DbHandle } from '../../db/client';
import type { Role } from '../../db/schema';
import { shanghaiDateOf } from '../../domain/dates';
import { agencyWithKey, type AgencyExtra } from './agencies';
import { appOnEngine, type AppOptions } from './apps';
import { freshDatabase } from './fresh-db';
import { startTimeSkipping, workflowBundle } from './engine';
import { recordingActivities } from './mock-activities';
import { targetDriver } from './target-driver';

export function timeSkippingSuite() {
  let env: TestWorkflowEnvironment;
  const started: string[] = [];
  beforeAll(async () => {
    env = await startTimeSkipping();
  });
  afterAll(async () => {
    await env?.teardown();
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((id) => env.client.workflow.getHandle(id).terminate('test ended').catch(() => undefined)));
  });

  /** A target of its own (task queue and workflow) with recording activities, run while `fn` runs. */
  async function withTarget<T>(name: string, fn: (t: ReturnType<typeof targetDriver> & { rec: ReturnType<typeof recordingActivities> }) => Promise<T>,
    rec = recordingActivities(), input: { historyLimit?: number } = {}): Promise<T> {
    const driver = targetDriver(env, `ts-${name}`, `E${name}`, input);
    started.push(driver.workflowId);
    const worker = await Worker.create({
      connection: env.nativeConnection, taskQueue: `ts-${name}`, workflowBundle: await workflowBundle(), activities: rec.activities,
    });
    return worker.runUntil(fn({ ...driver, rec }));
  }

  return { env: () => env, withTarget };
}

export type Agency = Awaited<ReturnType<typeof agencyWithKey>>;
/** An agency a suite needs: its roles, name and extras, as agencyWithKey takes them; the extras may
 *  name an agency listed before it (R4: its parent). */
export type AgencySpec = [roles: Role[], name?: string, extra?: AgencyExtra | ((before: Record<string, Agency>) => AgencyExtra)];

/** What an HTTP suite reads; `env`, `dbh`, `app` and `clock` are set once its beforeAll has run. */
export interface HttpSuite<K extends string> {
  env: TestWorkflowEnvironment;
  dbh: DbHandle;
  app: FastifyInstance;
  /** The API's clock: the server's (skipped) time, as of the last skip or tick. */
  clock: number;
  /** The suite's agencies, each with a live key; the objects exist at once and are filled in beforeAll. */
  agencies: Record<K, Agency>;
  tick(): Promise<void>;
  skip(duration: string): Promise<void>;
  skipTo(instant: number): Promise<void>;
  today(): string;
  post(url: string, who: Agency, payload?: object, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  get(url: string, who?: Agency): Promise<LightMyRequestResponse>;
}

/**
 * The HTTP API on the Java time-skipping server, for a whole test file: the server, a database of
 * the file's own, the app on the engine with a worker running the real activities (targets keyed by
 * `key`, the API's clock following the server's) and the file's agencies; all closed after it.
 */
export function httpTimeSkippingSuite<K extends string>(key: string, agencies: Record<K, AgencySpec>,
  app: Omit<AppOptions, 'targetIdKey' | 'now'> = {}): HttpSuite<K> {
  let closeApp: (() => Promise<void>) | undefined;
  const s: HttpSuite<K> = {
    env: undefined as unknown as TestWorkflowEnvironment,
    dbh: undefined as unknown as DbHandle,
    app: undefined as unknown as FastifyInstance,
    clock: Date.now(),
    agencies: Object.fromEntries(Object.keys(agencies).map((k) => [k, {}])) as Record<K, Agency>,
    async tick() {
      s.clock = await s.env.currentTimeMs();
    },
    async skip(duration) {
      await s.env.sleep(duration);
      await s.tick();
    },
    async skipTo(instant) {
      await s.env.sleep(instant - s.clock);
      await s.tick();
    },
    today: () => shanghaiDateOf(s.clock),
    post: (url, who, payload, headers = {}) => s.app.inject({ method: 'POST', url, headers: { ...who.headers, ...headers }, payload }),
    get: (url, who) => s.app.inject({ method: 'GET', url, headers: who?.headers }),
  };
  beforeAll(async () => {
    s.env = await startTimeSkipping();
    await s.tick();
    s.dbh = await freshDatabase(inject('databaseUrl'));
    ({ app: s.app, close: closeApp } = await appOnEngine(s.env, s.dbh, { ...app, targetIdKey: key, now: () => new Date(s.clock) }));
    for (const [k, [roles, name, extra]] of Object.entries(agencies) as [K, AgencySpec][]) {
      const before = s.agencies as Record<string, Agency>;
      Object.assign(s.agencies[k], await agencyWithKey(s.dbh.db, roles, name, typeof extra === 'function' ? extra(before) : extra));
    }
  });
  afterAll(async () => {
    await closeApp?.();
    await s.dbh?.close();
    await s.env?.teardown();
  });
  return s;
}
