// M targets held open with a measure in force: the first few hundred activated over HTTP (intake →
// receipt → push to the implementer → acknowledgement, each step's latency), the rest brought in
// through POST /imports in files of a few thousand rows (issue 17: `--scale=province`, 100 000).
// Then what they cost at rest (memory of every part, database and engine disk per target, history
// per workflow), the worker's workflow cache and the replays of evicted targets, and how fast a
// supervisor reads them (GET /targets/:id from PostgreSQL and with ?live=true, and search over the
// whole population).
import { activateCases, type BenchContext } from '../context';
import { HttpError } from '../api-client';
import { diskPerTarget } from '../disk';
import { importPopulation } from '../import-file';
import { errorSummary, latency, log, round, runTimed } from '../measure';
import { cacheDelta, cacheSeriesNames, cachedWorkflows, configuredCache, scrapeWorker } from '../worker-metrics';
import { cacheProbe, type OpenTarget } from './cache-probe';

/** Targets activated over HTTP, for the latency of each step; the rest are imported. */
const HTTP_ACTIVATED = 300;

/** Issue 17's goals at 100 000 open targets. */
const GOALS = { getTargetP95Ms: 50, searchP95Ms: 100, workerRssMiB: 2048 };

export async function openTargetsScenario(ctx: BenchContext) {
  const { targets: m, reads } = ctx.opts;
  const viaHttp = Math.min(m, HTTP_ACTIVATED);
  log(`targets: ${viaHttp} targets through receipt, push and acknowledgement at concurrency ${ctx.opts.concurrency}, ${m - viaHttp} imported`);
  const t0 = performance.now();
  const activation = await activateCases(ctx, viaHttp);
  const activationMs = performance.now() - t0;
  const activated: OpenTarget[] = ctx.active.slice(-viaHttp).map((c) => ({ targetId: c.targetId, workflowId: c.workflowId }));
  const imported = await importPopulation(ctx, m - viaHttp);
  // In the order they were filed: the HTTP ones first, then file after file.
  const open = [...activated, ...imported.targets];
  const spread = (k: number) => Array.from({ length: k }, (_, i) => open[Math.floor((i * open.length) / k) % open.length]);

  const [{ targets, cases }] = await ctx.dbh.sql<{ targets: number; cases: number }[]>`
    select (select count(*) from targets)::int as targets, (select count(*) from cases)::int as cases`;
  const { count: running } = await ctx.temporal.workflow.count(`WorkflowType = "targetWorkflow" AND ExecutionStatus = "Running"`);
  const history = await historySample(ctx, spread(Math.min(20, open.length)).map((t) => t.workflowId));
  const disk = await diskPerTarget(ctx, targets);
  const memoryAtRest = ctx.stack.memory();

  // Each worker keeps its own cache (the production topology has two).
  const cacheSize = configuredCache() * ctx.stack.workerMetrics.length;
  const atRestScrape = await scrapeWorker(ctx.stack.workerMetrics);
  const replays = await cacheProbe(ctx, open, cacheSize);

  // Over the whole population, evenly: at 100 000 targets most are outside the cache.
  const sample = spread(Math.min(reads, open.length));
  // Issue 17: the default read is PostgreSQL's; ?live=true also queries the workflow (a replay when evicted).
  log(`targets: ${reads} reads of GET /targets/:id across the ${open.length} targets, one at a time`);
  const byId = await runTimed(reads, 1, (i) => ctx.api.request('GET', `/targets/${sample[i % sample.length].targetId}`, 'SUPERVISOR'));
  log(`targets: ${reads} reads of GET /targets/:id?live=true across the ${open.length} targets, one at a time`);
  const beforeReads = await scrapeWorker(ctx.stack.workerMetrics);
  const byIdLive = await runTimed(reads, 1, (i) => ctx.api.request('GET', `/targets/${sample[i % sample.length].targetId}?live=true`, 'SUPERVISOR'));
  const afterReads = await scrapeWorker(ctx.stack.workerMetrics);
  const search = await searchLatency(ctx, sample.map((t) => t.targetId), reads);
  const memoryAfterReads = ctx.stack.memory();

  const getTargetLatencyMs = latency(byId.samplesMs);
  const getTargetLiveLatencyMs = latency(byIdLive.samplesMs);
  // Every search counts toward the goal, the first page (what a supervisor opens) too.
  const searchP95s = search && 'byNameLatencyMs' in search ? [search.byNameLatencyMs?.p95, search.byCreditCodeLatencyMs?.p95, search.firstPageLatencyMs?.p95, search.openPageLatencyMs?.p95] : [];
  const searchP95 = searchP95s.length > 0 && searchP95s.every((p) => p !== undefined) ? Math.max(...searchP95s as number[]) : null;
  const cachedAfterReads = cachedWorkflows(afterReads);
  const workerRss = Math.max(largestWorkerRss(memoryAtRest), largestWorkerRss(memoryAfterReads));
  const goal = (value: number | null | undefined, atMost: number) => ({ value: value ?? null, atMost, met: value != null && value <= atMost });
  return {
    targets: m,
    activation: { ...activation, targets: viaHttp, wallMs: Math.round(activationMs) },
    imported: imported.figures,
    atRest: {
      targetsInDatabase: targets,
      casesInDatabase: cases,
      runningTargetWorkflows: running,
      databaseMiB: disk.postgres.databaseMiB,
      memoryMiB: memoryAtRest,
      historyEventsPerOpenTarget: history,
    },
    disk,
    workerCache: {
      configuredSize: cacheSize,
      sizeAtRest: cachedWorkflows(atRestScrape),
      sizeAfterReads: cachedAfterReads,
      series: cacheSeriesNames(atRestScrape),
      duringReads: cacheDelta(beforeReads, afterReads),
    },
    replays,
    getTargetLatencyMs,
    getTargetErrors: errorSummary(byId.failures),
    getTargetLiveLatencyMs,
    getTargetLiveErrors: errorSummary(byIdLive.failures),
    search,
    memoryAfterReadsMiB: memoryAfterReads,
    issue17: {
      getTargetP95Ms: goal(getTargetLatencyMs?.p95, GOALS.getTargetP95Ms),
      searchP95Ms: goal(searchP95, GOALS.searchP95Ms),
      workerRssMiB: goal(workerRss || null, GOALS.workerRssMiB),
      cacheBounded: cachedAfterReads === null ? null : cachedAfterReads <= cacheSize,
      atTargets: open.length,
    },
  };
}

/** The largest worker's RSS: `worker` on the dev stack, `worker-1`, `worker-2` on the production topology (the goal is per worker). */
function largestWorkerRss(memory: Record<string, { rssMiB: number }>): number {
  return Math.max(0, ...Object.entries(memory).filter(([name]) => /^worker(-\d+)?$/.test(name)).map(([, m]) => m.rssMiB));
}

/** Events in the history of a few open targets (intake → acknowledgement, nothing owed yet but R9). */
async function historySample(ctx: BenchContext, workflowIds: string[]) {
  const lengths = await Promise.all(workflowIds.map(async (id) => (await ctx.temporal.workflow.getHandle(id).describe()).historyLength));
  if (lengths.length === 0) return null;
  return { sampled: lengths.length, min: Math.min(...lengths), max: Math.max(...lengths), mean: round(lengths.reduce((a, b) => a + b, 0) / lengths.length) };
}

/**
 * `GET /targets?q=` by name fragment and by credit code, and the unfiltered first page. Where the
 * API has no search route (404) the figure is null rather than a failed bench.
 */
async function searchLatency(ctx: BenchContext, targetIds: string[], reads: number) {
  try {
    await ctx.api.request('GET', `/targets?q=${encodeURIComponent('基准测试')}`, 'SUPERVISOR');
  } catch (err) {
    if (err instanceof HttpError && (err.status === 404 || err.status === 405)) {
      log(`targets: GET /targets?q= answered ${err.status}; search latency not measured`);
      return null;
    }
    // Anything else is worth reporting, but is no reason to lose the other figures.
    return { error: err instanceof Error ? err.message : String(err) };
  }
  const [{ codes }] = await ctx.dbh.sql<{ codes: { code: string; name: string }[] }[]>`
    select coalesce(json_agg(json_build_object('code', credit_code, 'name', name)), '[]') as codes
    from targets where id = any(${targetIds}::text[])`;
  log(`targets: ${reads} searches each by name fragment, by credit code, unfiltered and ?status=open, one at a time`);
  // The name fragment is a target's own number (基准测试<n>号), so each search matches a few rows, not all.
  const byName = await runTimed(reads, 1, (i) => {
    const fragment = codes[i % codes.length].name.match(/基准测试\d+号/)![0];
    return ctx.api.request('GET', `/targets?q=${encodeURIComponent(fragment)}`, 'SUPERVISOR');
  });
  const byCode = await runTimed(reads, 1, (i) => ctx.api.request('GET', `/targets?q=${codes[i % codes.length].code}`, 'SUPERVISOR'));
  // A supervisor's first look: the first page of every target, no filter.
  const firstPage = await runTimed(reads, 1, () => ctx.api.request('GET', '/targets', 'SUPERVISOR'));
  // The same page narrowed to the open targets: every target here is open, so it reads as many rows.
  const openPage = await runTimed(reads, 1, () => ctx.api.request('GET', '/targets?status=open', 'SUPERVISOR'));
  return {
    byNameLatencyMs: latency(byName.samplesMs),
    byCreditCodeLatencyMs: latency(byCode.samplesMs),
    firstPageLatencyMs: latency(firstPage.samplesMs),
    openPageLatencyMs: latency(openPage.samplesMs),
    errors: errorSummary([...byName.failures, ...byCode.failures, ...firstPage.failures, ...openPage.failures]),
  };
}
