// `npm run bench:memory`: how much memory the worker needs per open target, and what a small
// workflow cache costs in time, with reuseV8Context on and off, and with the tracing workflow
// interceptors — the figures behind the worker's settings (README, "Memory and caching").
//
// The parent starts one Temporal dev server; for each setting a child process runs a worker
// (the real target workflow; activities that compute deadlines but write nothing, so the
// measurement is the workflow cache and not PostgreSQL), opens N targets, each with a measure
// in force and a report due, then reads its own memory after a forced GC. A second round
// reports on every target again: with every target cached that is a cache hit, otherwise a replay.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { recordingActivities } from '../test/support/mock-activities';
import { bundleWorkflows } from '../worker/bundle';
import { UNTRACED, workerSinks } from '../worker/telemetry';
import { actionUpdates, fileCaseUpdate, type FileCase } from '../workflows/messages';
import { startDevServer } from './engine-envs';

const { values: flags } = parseArgs({
  options: {
    child: { type: 'boolean', default: false },
    address: { type: 'string' },
    targets: { type: 'string', default: '1000' },
    reuse: { type: 'string', default: 'true' },
    cache: { type: 'string' },
    queue: { type: 'string' },
    /** Only these bundles (e.g. `plain,traced`), each with reuseV8Context and the default cache. */
    only: { type: 'string' },
    /** The workflow bundle: `plain` (an untraced worker's), `traced` (with the OpenTelemetry workflow interceptors). */
    bundle: { type: 'string', default: 'plain' },
  },
});

const MB = 1024 * 1024;

/** Activities that answer what the workflow needs (deadlines from the pure calendar) and record nothing. */
function quietActivities() {
  return recordingActivities([], { record: false }).activities;
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

async function child(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const n = Number(flags.targets);
  const reuseV8Context = flags.reuse === 'true';
  const maxCachedWorkflows = flags.cache ? Number(flags.cache) : undefined;
  const taskQueue = flags.queue!;
  const gc = (globalThis as { gc?: () => void }).gc!;
  const connection = await NativeConnection.connect({ address: flags.address! });
  const client = new Client({ connection: await Connection.connect({ address: flags.address! }) });
  const bundle = flags.bundle as Bundle;
  const workflowBundle = await bundleWorkflows({ traced: bundle === 'traced' });
  const worker = await Worker.create({
    connection, taskQueue, workflowBundle, activities: quietActivities(), reuseV8Context,
    // The traced bundle's spans leave through the sink, to a processor that drops them.
    sinks: workerSinks(UNTRACED),
    ...(maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows }),
  });
  const running = worker.run();
  gc();
  const baseline = process.memoryUsage();

  const now = new Date().toISOString();
  const ids = Array.from({ length: n }, (_, i) => `${taskQueue}-${i}`);
  const t0 = performance.now();
  await inBatches(ids, 50, async (id) => {
    const caseId = `${id}-c`;
    const filed: FileCase = {
      caseId, actor: 'E', at: now, source: 'penalty_decision', document: { number: id, issuedOn: now.slice(0, 10), issuer: 'bench', kind: null },
      receivedOn: null, consultation: false, consultWith: [], legalReview: null, authorityId: 'A', seriousness: 'general', repeated: false,
      measures: [{ code: 'DM-R6-MARKET-INDUSTRY-BAN', version: 1, category: 'R6', period: { years: 1 }, legalMinimum: null, feedbackSet: true, outsideLocalAuthority: false, implementerKind: 'approval_agency' }],
    };
    await client.workflow.executeUpdateWithStart(fileCaseUpdate, {
      args: [filed], updateId: `file/${caseId}`,
      startWorkflowOperation: new WithStartWorkflowOperation('targetWorkflow', {
        workflowId: id, taskQueue, workflowIdConflictPolicy: 'USE_EXISTING', args: [{ targetId: id, kind: 'enterprise' }],
      }),
    });
    const handle = client.workflow.getHandle(id);
    await handle.executeUpdate(actionUpdates.pushToImplementers, { args: [{ caseId, actor: 'A', implementers: [{ agencyId: 'I', kind: 'approval_agency', measures: ['DM-R6-MARKET-INDUSTRY-BAN'] }], at: now }] });
    // The measure is in force once the acknowledgement's Update has answered.
    await handle.executeUpdate(actionUpdates.acknowledge, { args: [{ caseId, actor: 'I', at: now }] });
  });
  const openMs = performance.now() - t0;
  gc();
  const open = process.memoryUsage();

  // Round two: a report on every target (a cache hit, or a replay of its history when evicted).
  const t1 = performance.now();
  await inBatches(ids, 50, async (id) => {
    const handle = client.workflow.getHandle(id);
    await handle.executeUpdate(actionUpdates.reportFeedback, { args: [{ actor: 'I', month: now.slice(0, 7), summary: 'bench', at: new Date().toISOString() }] });
  });
  const touchMs = performance.now() - t1;
  gc();
  const after = process.memoryUsage();

  worker.shutdown();
  await running;
  await connection.close();
  process.stdout.write(`${JSON.stringify({
    reuseV8Context, maxCachedWorkflows: maxCachedWorkflows ?? 'default', bundle, targets: n,
    rssMB: Math.round(open.rss / MB), heapUsedMB: Math.round(open.heapUsed / MB),
    baselineRssMB: Math.round(baseline.rss / MB),
    perTargetKB: Math.round((open.rss - baseline.rss) / 1024 / n),
    heapPerTargetKB: Math.round((open.heapUsed - baseline.heapUsed) / 1024 / n),
    afterSecondRoundRssMB: Math.round(after.rss / MB),
    openTargetsPerSecond: Math.round((n / openMs) * 1000),
    secondRoundMs: Math.round(touchMs), secondRoundPerTargetMs: Math.round((touchMs / n) * 100) / 100,
  })}\n`);
  process.exit(0);
}

type Bundle = 'plain' | 'traced';

function runChild(address: string, reuse: boolean, cache: number | undefined, targets: number, bundle: Bundle): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const args = ['--expose-gc', '--import', 'tsx', 'scripts/bench-worker-memory.ts', '--child', `--address=${address}`,
      `--targets=${targets}`, `--reuse=${reuse}`, `--bundle=${bundle}`, `--queue=mem-${reuse}-${cache ?? 'd'}-${Date.now()}`, ...(cache === undefined ? [] : [`--cache=${cache}`])];
    const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`child exited ${code}`))));
  });
}

async function parent(): Promise<void> {
  const targets = Number(flags.targets);
  const env = await startDevServer();
  try {
    const address = env.address;
    const quarter = Math.floor(targets / 4);
    const settings: [boolean, number | undefined, Bundle][] = flags.only
      ? flags.only.split(',').map((b) => [true, undefined, b as Bundle])
      : [[true, undefined, 'plain'], [false, undefined, 'plain'], [true, quarter, 'plain'], [false, quarter, 'plain'], [true, undefined, 'traced']];
    const runs = [];
    for (const [reuse, cache, bundle] of settings) {
      process.stderr.write(`reuseV8Context=${reuse} maxCachedWorkflows=${cache ?? 'default'} bundle=${bundle} …\n`);
      runs.push(await runChild(address, reuse, cache, targets, bundle));
    }
    const result = {
      benchmark: 'worker-memory',
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      targets,
      runs,
    };
    const out = JSON.stringify(result, null, 2);
    process.stdout.write(`${out}\n`);
    const dir = new URL('../bench/results/', import.meta.url);
    mkdirSync(dir, { recursive: true });
    writeFileSync(new URL(`worker-memory-${result.at.replace(/[:.]/g, '-')}.json`, dir), out);
  } finally {
    await env.teardown();
  }
}

(flags.child ? child() : parent()).catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
