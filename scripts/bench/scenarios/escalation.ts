// Escalation burst (R2/R14): K cases pushed a month after their decision, past the R2 limit of
// 3 working days. Each is accepted as late and the workflow's first activity writes its overdue
// record; the figure is how long until every record is in PostgreSQL.
import type { BenchContext } from '../context';
import { errorSummary, latency, log, perSecond, runTimed, waitUntil } from '../measure';

/** A month back: the push limit has passed whatever holidays lie in between. */
const DECIDED_DAYS_AGO = 30;

export async function escalationScenario(ctx: BenchContext) {
  const { escalation: k, concurrency } = ctx.opts;
  log(`escalation: ${k} late pushes at concurrency ${concurrency}`);
  const bodies = Array.from({ length: k }, () => ctx.factory.penaltyDecision(DECIDED_DAYS_AGO));
  const run = await runTimed(k, concurrency, (i) => ctx.api.intake(bodies[i]));
  const accepted = run.results.filter(Boolean);
  const notLate = accepted.filter((r) => !r.late).length;
  const caseIds = accepted.map((r) => r.caseId);
  const waitedMs = await waitUntil('overdue records written', async () => {
    const [{ n }] = await ctx.dbh.sql<{ n: number }[]>`
      select count(*)::int as n from overdue_steps where step = 'push' and case_id = any(${caseIds}::text[])`;
    return n === accepted.length;
  }, 300_000);
  ctx.pushed.push(...accepted);
  const allRecordedMs = run.wallMs + waitedMs;
  return {
    cases: k,
    concurrency,
    accepted: accepted.length,
    acceptedNotLate: notLate,
    errors: errorSummary(run.failures),
    intakeWallMs: Math.round(run.wallMs),
    intakeLatencyMs: latency(run.samplesMs),
    allOverdueRecordedMs: Math.round(allRecordedMs),
    afterLastAcceptedMs: Math.round(waitedMs),
    overdueRecordsPerSec: perSecond(accepted.length, allRecordedMs),
  };
}
