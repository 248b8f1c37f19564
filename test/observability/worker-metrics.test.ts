// The worker's Temporal SDK metrics (issue 16) on its own Prometheus endpoint, as worker/main.ts
// installs the runtime with WORKER_METRICS_PORT: after one POST /cases and its receipt on the dev server, the
// endpoint shows the task latencies, schedule-to-start, slots and the sticky cache, in seconds.
// This file's process (vitest forks one per file) installs the runtime before the engine starts.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDb, type DbHandle } from '../../db/client';
import { TASK_QUEUE } from '../../workflows/messages';
import { installRuntime } from '../../worker/telemetry';
import { agencyWithKey } from '../support/agencies';
import { appOnEngine } from '../support/apps';
import { startDevServer } from '../support/engine';
import { eventually } from '../support/eventually';
import { freePort } from '../support/ports';

let port: number;
let env: TestWorkflowEnvironment;
let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;

beforeAll(async () => {
  port = await freePort();
  installRuntime({ logLevel: 'warn', metrics: { host: '127.0.0.1', port }, write: () => {} });
  env = await startDevServer();
  dbh = connectDb(inject('databaseUrl'));
  ({ app, close: closeApp } = await appOnEngine(env, dbh, { targetIdKey: `wm-${randomUUID()}` }));
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
  await env?.teardown();
});

/** The exposition's sample names and, for each, the label sets seen. */
async function scrape(): Promise<{ text: string; names: Set<string> }> {
  const res = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(res.status).toBe(200);
  const text = await res.text();
  return { text, names: new Set(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/[{ ]/)[0])) };
}

describe('the worker\'s SDK metrics on HOST:WORKER_METRICS_PORT', () => {
  it('after one POST /cases and its receipt: workflow task and (local) activity latency, schedule-to-start, slots and the sticky cache', async () => {
    const enforcement = await agencyWithKey(dbh.db, ['ENFORCEMENT']);
    const authority = await agencyWithKey(dbh.db, ['AUTHORITY']);
    const res = await app.inject({
      method: 'POST', url: '/cases', headers: enforcement.headers, payload: {
        source: 'penalty_decision',
        document: { number: `杭市管罚〔2026〕${randomUUID().slice(0, 8)}号`, issuedOn: '2026-11-02', issuer: '杭州市市场监督管理局' },
        target: { kind: 'enterprise', creditCode: '91330106MA2H3X0A1H', name: '杭州某某贸易有限公司' },
        measures: ['DM-R8-PUBLICITY-ADVERSE'], periods: { 'DM-R8-PUBLICITY-ADVERSE': { years: 3 } }, authority: authority.id,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    // The AUTHORITY's receipt: a second workflow task for the same target, on the sticky queue (a cache hit).
    const receipt = await app.inject({ method: 'POST', url: `/cases/${res.json().caseId}/receipt`, headers: authority.headers });
    expect(receipt.statusCode, receipt.body).toBe(200);
    // The core exports what it has recorded on each scrape; the activity's figures follow its completion.
    // Issue 17: the case is written by a local activity (LOCAL_WRITES), counted under local_activity_*.
    const { text, names } = await eventually(async () => {
      const s = await scrape();
      expect(s.names).toContain('temporal_local_activity_execution_latency_seconds_count');
      return s;
    });
    for (const name of [
      'temporal_workflow_task_schedule_to_start_latency_seconds_bucket',
      'temporal_workflow_task_execution_latency_seconds_bucket',
      'temporal_local_activity_execution_latency_seconds_bucket',
      'temporal_worker_task_slots_available',
      'temporal_sticky_cache_size',
      'temporal_request_total',
      'temporal_num_pollers',
      'temporal_sticky_cache_hit_total',
    ]) expect(names, name).toContain(name);
    // In seconds: the one activity (a transaction on a local database) took well under 10 s.
    const sum = Number(/temporal_local_activity_execution_latency_seconds_sum\{[^}]*\} (\S+)/.exec(text)![1]);
    expect(sum).toBeGreaterThan(0);
    expect(sum).toBeLessThan(10);
    expect(text).toMatch(/temporal_local_activity_execution_latency_seconds_bucket\{[^}]*le="0\.\d+"/);
    expect(text).toMatch(new RegExp(`temporal_local_activity_execution_latency_seconds_count\\{[^}]*activity_type="recordCase"[^}]*task_queue="${TASK_QUEUE}"`));
    // Bounded labels only: no workflow id or run id.
    expect(text).not.toContain(res.json().workflowId);
    expect(text).not.toMatch(/workflow_id=|run_id=/);
  });
});
