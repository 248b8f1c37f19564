// The monthly burst (issue 17, R9): N targets whose implementer owes the same month's report, all
// falling due at one instant (before the 7th of the next month), with nobody reporting. Every
// overdue record and notice must be written within 60 s of that instant. The deadline cannot be
// brought to the wall clock, so this scenario runs on the Java time-skipping test server (the
// engine the tests use where time must pass), with the real activities writing to the stack's
// PostgreSQL, and its reference on the same server in the same run: N workflows whose timers fire
// at one instant, each then running one activity inserting one row (./burst-reference.ts).
import { randomBytes } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { readCalendar } from '../../../db/calendar-store';
import { connectDb, type DbHandle } from '../../../db/client';
import { measureInEffect } from '../../../db/measures';
import { targets as targetsTable } from '../../../db/schema';
import { addDays, shanghaiDateOf, startOfShanghaiDay } from '../../../domain/dates';
import { pinMeasure } from '../../../domain/measures';
import { fileCaseUpdate, targetWorkflowId, type FileCase } from '../../../workflows/messages';
import type { targetWorkflow } from '../../../workflows/target';
import { createWorker } from '../../../worker/worker';
import { implementerId, type BenchContext } from '../context';
import { BURST_BUDGET_MS, errorSummary, log, perSecond, ratio, runTimed, waitUntil } from '../measure';
import { BENCH_MEASURE } from '../targets';
import { configuredCache } from '../worker-metrics';
import { crossTo, engineClock, startTimeSkipping, targetWorkflowBundle, type EngineClock } from '../time-skipping';
import { referenceBurst } from './burst-reference';

const TASK_QUEUE = 'joint-discipline-bench-burst';
/** Update-with-starts in flight while the targets are brought in (as the import's runner does). */
const FILING_CONCURRENCY = 16;
const MINUTE_MS = 60_000;

export async function burstScenario(ctx: BenchContext) {
  const n = ctx.opts.burst;
  // The worker's cache as the stack's (WORKER_MAX_CACHED_WORKFLOWS, else the default 1 000), for both workers.
  const cache = configuredCache();
  log(`burst: starting the time-skipping server (${n} targets, workflow cache ${cache})`);
  const env = await startTimeSkipping();
  const clock = await engineClock(env);
  // The worker's own pool size (db/client.ts default), apart from the bench's readers.
  const dbh = connectDb(ctx.stack.databaseUrl);
  try {
    const engine = await referenceBurst(ctx, env, clock, dbh, n, cache);
    const engineLocal = await referenceBurst(ctx, env, clock, dbh, n, cache, true);
    const ours = await targetsBurst(ctx, env, clock, dbh, n, cache);
    return {
      targets: n,
      server: 'Java time-skipping test server (the deadline is brought to the engine clock, not the wall clock)',
      workflowCache: cache,
      ...ours,
      engine,
      engineLocal,
      // Overdue records per second ÷ the reference's rows per second after their instant (target ≥ 0.8).
      ratioToEngine: ours.overdue.perSec ? ratio(ours.overdue.perSec, engine.perSec) : null,
      ratioToEngineLocal: ours.overdue.perSec ? ratio(ours.overdue.perSec, engineLocal.perSec) : null,
    };
  } finally {
    await dbh.close();
    await clock.close();
    await env.teardown();
  }
}

async function targetsBurst(ctx: BenchContext, env: TestWorkflowEnvironment, clock: EngineClock, dbh: DbHandle, n: number, cache: number) {
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: TASK_QUEUE,
    workflowBundle: await targetWorkflowBundle(),
    deps: { db: dbh.db, calendar: (executor) => readCalendar(executor ?? dbh.db), temporal: env.client },
    maxCachedWorkflows: cache,
  });
  return worker.runUntil(async () => {
    const { ids, filing } = await fileTargets(ctx, env, dbh, n);
    const due = await waitUntil('every target owes its month\'s report', async () => (await owedReports(dbh, ids)) === n, BURST_BUDGET_MS, 500)
      .then(() => reportDue(dbh, ids));
    log(`burst: ${n} reports on ${due.month} fall due at ${due.dueAt.toISOString()}`);

    // The month ends first: every target opens the next month's report (one timer and one activity each).
    const next = nextMonthOf(due.month);
    const monthEnd = await crossTo(clock, Date.parse(startOfShanghaiDay(`${next}-01`)) + 1000, n, 'the next month opened', async () =>
      (await owedReports(dbh, ids, next)) === n);
    // Up to just before the deadline, nothing due on the way.
    await clock.sleep(due.dueAt.getTime() - 10 * MINUTE_MS - await clock.nowMs());
    // The burst: every report on the month is overdue at once.
    const overdue = await crossTo(clock, due.dueAt.getTime() + 1000, n, 'every overdue record and notice written', async () => {
      const [{ records }] = await dbh.sql<{ records: number }[]>`
        select count(*)::int as records from steps
        where target_id = any(${ids}::text[]) and kind = 'feedback' and month = ${due.month} and overdue_at is not null`;
      return records === n && (await overdueNotices(dbh, ids)) === n;
    });
    return {
      filing,
      monthEnd,
      overdue: { dueAt: due.dueAt.toISOString(), ...overdue, within60s: overdue.allWrittenMs <= 60_000 },
    };
  });
}

/** N targets each with one imported case in force (received, pushed, acknowledged 55 days ago). */
async function fileTargets(ctx: BenchContext, env: TestWorkflowEnvironment, dbh: DbHandle, n: number) {
  const run = randomBytes(4).toString('hex');
  const nowMs = await env.currentTimeMs();
  const today = shanghaiDateOf(nowMs);
  const day = (d: number) => addDays(today, d);
  const implementer = implementerId(ctx);
  const authority = ctx.stack.agencies.find((a) => a.roles.includes('AUTHORITY'))!.id;
  const admin = ctx.stack.agencies.find((a) => a.roles.includes('ADMIN'))!.id;
  const pinned = pinMeasure((await measureInEffect(dbh.db, BENCH_MEASURE, today))!, { years: 1 })!;
  const targetIds = Array.from({ length: n }, (_, i) => `Eburst${run}${String(i).padStart(6, '0')}`);
  // The API writes a target's row before its first case; here in pages, as the import's rows would.
  for (let i = 0; i < n; i += 1000) {
    await dbh.db.insert(targetsTable).values(targetIds.slice(i, i + 1000).map((id, j) => ({
      id, kind: 'enterprise' as const, name: `杭州基准月报${run}-${i + j}号有限公司`, workflowId: targetWorkflowId(id),
    })));
  }
  const importedAt = new Date(nowMs).toISOString();
  log(`burst: filing ${n} imported cases in force at ${FILING_CONCURRENCY} at once`);
  let done = 0;
  const filing = await runTimed(n, FILING_CONCURRENCY, async (i) => {
    const caseId = `Cburst${run}${String(i).padStart(6, '0')}`;
    const filed: FileCase = {
      caseId, actor: 'demo-enforcement', at: startOfShanghaiDay(day(-58)), source: 'penalty_decision', consultation: false, authorityId: authority,
      document: { number: `杭市管罚〔基准〕${caseId}号`, issuedOn: day(-60), issuer: '杭州市市场监督管理局', kind: null },
      receivedOn: null, consultWith: [], legalReview: null, measures: [pinned], seriousness: 'general', repeated: false,
      taken: {
        importId: `bench-burst-${run}`, importedBy: admin, importedAt, receivedOn: day(-57), inForceSince: {},
        implementers: [{ agencyId: implementer, kind: pinned.implementerKind, measures: [BENCH_MEASURE], pushedOn: day(-56), acknowledgedOn: day(-55) }],
      },
    };
    await env.client.workflow.executeUpdateWithStart(fileCaseUpdate, {
      args: [filed], updateId: `file/${caseId}`,
      startWorkflowOperation: new WithStartWorkflowOperation<typeof targetWorkflow>('targetWorkflow', {
        workflowId: targetWorkflowId(targetIds[i]), taskQueue: TASK_QUEUE, workflowIdConflictPolicy: 'USE_EXISTING',
        args: [{ targetId: targetIds[i], kind: 'enterprise' }],
      }),
    });
    done += 1;
    if (done % 1000 === 0) log(`burst: ${done}/${n} filed`);
  });
  if (filing.failures.length > 0) throw new Error(`burst: ${filing.failures.length} filings failed, e.g. ${filing.failures[0].error}`);
  return {
    ids: targetIds,
    filing: { cases: n, concurrency: FILING_CONCURRENCY, wallMs: Math.round(filing.wallMs), casesPerSec: perSecond(n, filing.wallMs), errors: errorSummary(filing.failures) },
  };
}

/** The reports on `month` (default: any) owed by these targets and not yet made. */
async function owedReports(dbh: DbHandle, ids: string[], month?: string) {
  const [{ n }] = await dbh.sql<{ n: number }[]>`
    select count(*)::int as n from steps where target_id = any(${ids}::text[]) and kind = 'feedback' and done_at is null
    ${month ? dbh.sql`and month = ${month}` : dbh.sql``}`;
  return n;
}

/** The one month owed and its deadline: the burst's instant (the same for every target). */
async function reportDue(dbh: DbHandle, ids: string[]): Promise<{ month: string; dueAt: Date }> {
  const rows = await dbh.sql<{ month: string; dueAt: string }[]>`
    select distinct month, due_at as "dueAt" from steps where target_id = any(${ids}::text[]) and kind = 'feedback' and done_at is null`;
  if (rows.length !== 1) throw new Error(`burst: expected one month and deadline owed, got ${JSON.stringify(rows)}`);
  // drizzle's driver leaves timestamps as PostgreSQL's text.
  return { month: rows[0].month, dueAt: new Date(rows[0].dueAt) };
}

/** Distinct overdue events of the reports with their notice written (to the implementer and the supervisors). */
async function overdueNotices(dbh: DbHandle, ids: string[]): Promise<number> {
  const [{ n }] = await dbh.sql<{ n: number }[]>`
    select count(distinct event_key)::int as n from notices
    where kind = 'overdue' and detail->>'kind' = 'feedback' and detail->>'targetId' = any(${ids}::text[])`;
  return n;
}

function nextMonthOf(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}
