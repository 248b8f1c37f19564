// Issue 16, observability on real parts (the Temporal CLI dev server, PostgreSQL, the real
// activities), wired as api/server.ts and worker/main.ts wire them: one POST /cases is one
// trace from the API's request through the Update-with-start, the workflow's Update handler and
// its activities; it leaves one JSON request line with the request id, workflow id and run id,
// and one JSON line per activity run; and the recorded histories replay with the interceptors
// compiled into the bundle, as `npm run build` compiles them.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loggingOptions } from '../../api/observability';
import { startTracing, type Tracing } from '../../config/tracing';
import { connectDb, type DbHandle } from '../../db/client';
import { installRuntime, workerSinks } from '../../worker/telemetry';
import { agencyWithKey } from '../support/agencies';
import { appOnEngine } from '../support/apps';
import { startDevServer, workflowBundle } from '../support/engine';
import { eventually } from '../support/eventually';

type Line = Record<string, any>;
const apiLines: Line[] = [];
const workerLines: Line[] = [];
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let env: TestWorkflowEnvironment;
let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;

beforeAll(async () => {
  // Before the engine: the runtime is the process's, as in worker/main.ts.
  installRuntime({ logLevel: 'info', write: (line) => workerLines.push(JSON.parse(line)) });
  tracing = startTracing('jd-test', exporter, { simple: true });
  env = await startDevServer();
  dbh = connectDb(inject('databaseUrl'));
  const stream = { write: (line: string) => apiLines.push(JSON.parse(line)) };
  ({ app, close: closeApp } = await appOnEngine(env, dbh, {
    targetIdKey: `trace-${randomUUID()}`, observed: { tracing, fastify: loggingOptions('info', stream) },
  }));
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
  await env?.teardown();
  await tracing?.shutdown();
});

async function fileCase() {
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
  return res;
}

describe('one POST /cases, observed', () => {
  let filed: Awaited<ReturnType<typeof fileCase>>;
  let trace: ReadableSpan[];
  let root: ReadableSpan;

  beforeAll(async () => {
    filed = await fileCase();
    root = exporter.getFinishedSpans().find((s) => s.name === 'POST /cases')!;
    expect(root).toBeDefined();
    // The workflow's spans reach the exporter through the sink after the activation completes.
    trace = await eventually(async () => {
      const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === root.spanContext().traceId);
      expect(spans.map((s) => s.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^RunActivity:/), expect.stringMatching(/^HandleUpdate:/)]));
      return spans;
    });
  });

  it('is one trace: the request, the Update-with-start, the workflow\'s Update handler, an activity', () => {
    const names = trace.map((s) => s.name);
    expect(root.parentSpanId).toBeUndefined();
    expect(root.attributes).toMatchObject({ 'http.route': '/cases', 'http.response.status_code': 201, 'temporal.workflow_id': filed.json().workflowId });
    expect(names).toEqual(expect.arrayContaining(['UpdateWithStartWorkflow:fileCase', 'HandleUpdate:fileCase', 'StartActivity:recordCase', 'RunActivity:recordCase']));
    const byId = new Map(trace.map((s) => [s.spanContext().spanId, s]));
    // Every span's parent is in the trace, back to the request: nothing hangs off another trace.
    for (const span of trace.filter((s) => s !== root)) expect(byId.has(span.parentSpanId!), span.name).toBe(true);
    const client = trace.find((s) => s.name === 'UpdateWithStartWorkflow:fileCase')!;
    expect(client.parentSpanId).toBe(root.spanContext().spanId);
    const activity = trace.find((s) => s.name.startsWith('RunActivity:'))!;
    const ancestors: string[] = [];
    for (let s: ReadableSpan | undefined = activity; s; s = s.parentSpanId ? byId.get(s.parentSpanId) : undefined) ancestors.push(s.name);
    expect(ancestors.at(-1)).toBe('POST /cases');
    expect(ancestors).toEqual(expect.arrayContaining(['StartActivity:recordCase', 'UpdateWithStartWorkflow:fileCase']));
  });

  it('logs one JSON line for the request, with its request id, workflow id, run id and trace id', () => {
    const requestId = filed.headers['x-request-id'];
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const lines = apiLines.filter((l) => l.reqId === requestId);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info', msg: 'request', method: 'POST', route: '/cases', path: '/cases', statusCode: 201,
      workflowId: filed.json().workflowId, runId: expect.stringMatching(/^[0-9a-f-]{36}$/), traceId: root.spanContext().traceId,
    });
    expect(lines[0].durationMs).toBeGreaterThan(0);
    expect(lines[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('logs one JSON line per activity run: its name, workflow id, run id, attempt, duration and outcome', async () => {
    const runId = apiLines.find((l) => l.reqId === filed.headers['x-request-id'])!.runId;
    const lines = await eventually(async () => {
      const found = workerLines.filter((l) => l.msg === 'activity' && l.workflowId === filed.json().workflowId);
      expect(found.length).toBeGreaterThan(0);
      return found;
    });
    const activitySpans = trace.filter((s) => s.name.startsWith('RunActivity:')).map((s) => s.name.slice('RunActivity:'.length));
    expect(lines.map((l) => l.activityType).sort()).toEqual(activitySpans.sort());
    for (const line of lines) {
      expect(line).toMatchObject({
        level: 'info', outcome: 'completed', workflowRunId: runId, attempt: 1, trace_id: root.spanContext().traceId, durationMs: expect.any(Number),
      });
      expect(line).not.toHaveProperty('taskToken');
    }
  });

  it('a caller\'s X-Request-Id is kept and echoed, one that could forge a log line replaced; probes are not traced', async () => {
    const kept = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'proxy-42' } });
    expect(kept.headers['x-request-id']).toBe('proxy-42');
    expect(apiLines.filter((l) => l.reqId === 'proxy-42')).toEqual([expect.objectContaining({ route: '/health', statusCode: 200 })]);
    // A probe is logged, not traced.
    expect(apiLines.find((l) => l.reqId === 'proxy-42')).not.toHaveProperty('traceId');
    expect(exporter.getFinishedSpans().filter((s) => s.name === 'GET /health')).toEqual([]);
    const forged = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'a\tb' } });
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('the bundle with the tracing interceptors, as npm run build makes it', () => {
  it('replays every recorded history', async () => {
    const dir = new URL('../histories/', import.meta.url);
    const histories = readdirSync(dir).filter((f) => f.endsWith('.json')).map((file) => ({
      workflowId: file, history: historyFromJSON(JSON.parse(readFileSync(new URL(file, dir), 'utf8'))),
    }));
    const results = Worker.runReplayHistories({ workflowBundle: await workflowBundle({ traced: true }), sinks: workerSinks(tracing) }, histories);
    let replayed = 0;
    for await (const result of results) {
      expect(result.error, result.workflowId).toBeUndefined();
      replayed += 1;
    }
    expect(replayed).toBe(histories.length);
    expect(replayed).toBeGreaterThan(5);
  });
});
