// Replays measured (issue 17): the worker keeps at most WORKER_MAX_CACHED_WORKFLOWS target
// workflows in memory, so with more targets open the first ones filed have been evicted by the
// later ones, and their next event (a query or an Update) replays their history. Drives, one at
// a time, a sample of the last targets filed (still cached), then of the first ones (evicted when
// the population exceeds the cache) with GET /targets/:id?live=true (a workflow query; the default
// read is PostgreSQL's and replays nothing) and with an R9
// monthly report (an Update), and reads the worker's cache metrics around each.
import type { BenchContext } from '../context';
import { errorSummary, latency, log, runTimed } from '../measure';
import { shanghaiDateOf } from '../../../domain/dates';
import { cacheDelta, scrapeWorker } from '../worker-metrics';

export interface OpenTarget { targetId: string; workflowId: string }

/** Targets per probe; at most a quarter of the population, so the samples stay apart. */
const PROBE = 100;

async function probe(ctx: BenchContext, what: string, targets: OpenTarget[], call: (t: OpenTarget) => Promise<unknown>) {
  log(`targets: ${what}, ${targets.length} targets one at a time`);
  const before = await scrapeWorker(ctx.stack.workerMetrics);
  const run = await runTimed(targets.length, 1, (i) => call(targets[i]));
  const after = await scrapeWorker(ctx.stack.workerMetrics);
  return { targets: targets.length, latencyMs: latency(run.samplesMs), errors: errorSummary(run.failures), worker: cacheDelta(before, after) };
}

/**
 * `open` in the order the targets were filed. The reported targets leave `ctx.active`, so a later
 * `feedback` scenario does not report on them a second time this month.
 */
export async function cacheProbe(ctx: BenchContext, open: OpenTarget[], cacheSize: number) {
  const n = Math.min(PROBE, Math.floor(open.length / 4));
  if (n === 0) return null;
  const read = (t: OpenTarget) => ctx.api.request('GET', `/targets/${t.targetId}?live=true`, 'SUPERVISOR');
  const month = shanghaiDateOf(new Date()).slice(0, 7);
  const report = (t: OpenTarget) => ctx.api.report(t.targetId, month);
  const first = open.slice(0, n);
  const next = open.slice(n, 2 * n);
  const reported = new Set(next.map((t) => t.targetId));
  ctx.active = ctx.active.filter((c) => !reported.has(c.targetId));
  return {
    /** Whether the first targets can still be cached: false when more targets were filed after them than the cache holds. */
    firstTargetsEvictable: open.length - n > cacheSize,
    lastFiledRead: await probe(ctx, 'GET /targets/:id?live=true of the last targets filed (cached)', open.slice(-n), read),
    firstFiledRead: await probe(ctx, 'GET /targets/:id?live=true of the first targets filed (evicted if the population exceeds the cache)', first, read),
    firstFiledReport: await probe(ctx, `R9 report on ${month} for the next first-filed targets (an Update)`, next, report),
  };
}
