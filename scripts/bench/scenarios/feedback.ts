// Feedback burst (R9): R monthly reports posted at once, each by the implementer of a different
// target with its measure in force (one target's reports queue in its one workflow, and the
// engine admits at most 10 Updates in flight per workflow; distinct targets measure the system).
import { activateCases, type BenchContext } from '../context';
import { errorSummary, latency, log, perSecond, runTimed } from '../measure';
import { shanghaiDateOf } from '../../../domain/dates';

export async function feedbackScenario(ctx: BenchContext) {
  const { feedback: r } = ctx.opts;
  if (ctx.active.length < r) {
    log(`feedback: activating ${r - ctx.active.length} more targets first`);
    await activateCases(ctx, r - ctx.active.length);
  }
  const targets = ctx.active.splice(0, r);
  const month = shanghaiDateOf(new Date()).slice(0, 7);
  log(`feedback: ${r} reports on ${month} posted at once`);
  const run = await runTimed(r, r, (i) => ctx.api.report(targets[i].targetId, month));
  // Each report answers once its workflow has written it: the rows are there now.
  const [{ n }] = await ctx.dbh.sql<{ n: number }[]>`
    select count(*)::int as n from feedback_reports where month = ${month} and target_id = any(${targets.map((t) => t.targetId)}::text[])`;
  return {
    reports: r,
    accepted: r - run.failures.length,
    writtenInDatabase: n,
    errors: errorSummary(run.failures),
    wallMs: Math.round(run.wallMs),
    reportsPerSec: perSecond(r - run.failures.length, run.wallMs),
    latencyMs: latency(run.samplesMs),
  };
}
