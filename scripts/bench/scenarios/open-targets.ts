// M targets held open with a measure in force (intake → receipt → push to the implementer →
// acknowledgement, all over HTTP): what they cost at rest (memory of every part, database size,
// history per workflow) and how fast a supervisor reads them (GET /targets/:id, search).
import { activateCases, type BenchContext } from '../context';
import { HttpError } from '../api-client';
import { errorSummary, latency, log, round, runTimed } from '../measure';

export async function openTargetsScenario(ctx: BenchContext) {
  const { targets: m, reads } = ctx.opts;
  log(`targets: ${m} targets through receipt, push and acknowledgement at concurrency ${ctx.opts.concurrency}`);
  const t0 = performance.now();
  const activation = await activateCases(ctx, m);
  const activationMs = performance.now() - t0;
  const open = ctx.active.slice(-m);

  const [{ bytes }] = await ctx.dbh.sql<{ bytes: string }[]>`select pg_database_size(current_database())::text as bytes`;
  const [{ targets, cases }] = await ctx.dbh.sql<{ targets: number; cases: number }[]>`
    select (select count(*) from targets)::int as targets, (select count(*) from cases)::int as cases`;
  const { count: running } = await ctx.temporal.workflow.count(`WorkflowType = "targetWorkflow" AND ExecutionStatus = "Running"`);
  const history = await historySample(ctx, open.map((c) => c.workflowId).slice(0, 20));

  log(`targets: ${reads} reads of GET /targets/:id, one at a time`);
  const byId = await runTimed(reads, 1, (i) => ctx.api.request('GET', `/targets/${open[i % open.length].targetId}`, 'SUPERVISOR'));
  const search = await searchLatency(ctx, open.map((c) => c.targetId), reads);

  return {
    targets: m,
    activation: { ...activation, wallMs: Math.round(activationMs) },
    atRest: {
      targetsInDatabase: targets,
      casesInDatabase: cases,
      runningTargetWorkflows: running,
      databaseMiB: round(Number(bytes) / 2 ** 20),
      memoryMiB: ctx.stack.memory(),
      historyEventsPerOpenTarget: history,
    },
    getTargetLatencyMs: latency(byId.samplesMs),
    getTargetErrors: errorSummary(byId.failures),
    search,
  };
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
  log(`targets: ${reads} searches each by name fragment, by credit code and unfiltered, one at a time`);
  // The name fragment is a target's own number (基准测试<n>号), so each search matches a few rows, not all.
  const byName = await runTimed(reads, 1, (i) => {
    const fragment = codes[i % codes.length].name.match(/基准测试\d+号/)![0];
    return ctx.api.request('GET', `/targets?q=${encodeURIComponent(fragment)}`, 'SUPERVISOR');
  });
  const byCode = await runTimed(reads, 1, (i) => ctx.api.request('GET', `/targets?q=${codes[i % codes.length].code}`, 'SUPERVISOR'));
  // A supervisor's first look: the first page of every target, no filter.
  const firstPage = await runTimed(reads, 1, () => ctx.api.request('GET', '/targets', 'SUPERVISOR'));
  return {
    byNameLatencyMs: latency(byName.samplesMs),
    byCreditCodeLatencyMs: latency(byCode.samplesMs),
    firstPageLatencyMs: latency(firstPage.samplesMs),
    errors: errorSummary([...byName.failures, ...byCode.failures, ...firstPage.failures]),
  };
}
