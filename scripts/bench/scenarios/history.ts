// History growth: how many engine events a target's workflow writes. Two measurements:
//  - the whole loop over HTTP on the stack's dev server (intake → receipt → push →
//    acknowledgement → report → objection rejected → repair approved → completed), and
//  - one or more simulated years on the time-skipping test server, with the real activities
//    writing to the stack's PostgreSQL: an implementer that reports every month on time (the
//    run closes when the period ends) and one that never reports (R9 overdue and R14 reminders
//    every 2 working days), where continue-as-new has to keep the history bounded.
import { randomBytes } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../../../activities';
import { readCalendar } from '../../../db/calendar-store';
import { measureInEffect } from '../../../db/measures';
import { targets as targetsTable } from '../../../db/schema';
import type { ActionName } from '../../../domain/actions';
import { shanghaiDateOf } from '../../../domain/dates';
import { pinMeasure } from '../../../domain/measures';
import {
  actionUpdates, fileCaseUpdate, targetWorkflowId, type ActionArgs, type FileCase,
} from '../../../workflows/messages';
import type { targetWorkflow } from '../../../workflows/target';
import { casesRecorded, implementerId, type BenchContext } from '../context';
import { log, round, waitUntil } from '../measure';
import { BENCH_MEASURE } from '../targets';
import { startTimeSkipping, targetWorkflowBundle } from '../time-skipping';

/**
 * The engine's own limits, read from the server the CLI v1.5.1 dev server embeds
 * (go.temporal.io/server v1.29.1, common/dynamicconfig/constants.go); `start-dev` overrides none
 * of them. The workflow continues as new when the server suggests it (workflowInfo()
 * .continueAsNewSuggested) or, in tests only, past `historyLimit` events.
 */
const ENGINE_LIMITS = {
  source: 'go.temporal.io/server v1.29.1 dynamic-config defaults (Temporal CLI v1.5.1 dev server)',
  suggestContinueAsNewAtEvents: 4 * 1024,
  suggestContinueAsNewAtBytes: 4 * 1024 * 1024,
  historyEventsWarnAt: 10 * 1024,
  historyEventsHardLimit: 50 * 1024,
  historyBytesHardLimit: 50 * 1024 * 1024,
  updatesPerRunHardLimit: 2000,
  suggestContinueAsNewAtUpdates: 1800,
  updatesInFlightPerWorkflow: 10,
  workflowContinuesAsNewWhen: 'workflowInfo().continueAsNewSuggested (or historyLength > input.historyLimit, set by tests only)',
};

export async function historyScenario(ctx: BenchContext) {
  const loops = [];
  for (let i = 0; i < ctx.opts.loops; i += 1) loops.push(await fullLoopOverHttp(ctx));
  const years = ctx.opts.years > 0 ? await simulatedYears(ctx, ctx.opts.years) : null;
  return {
    fullLoopOverHttp: loops.length === 0 ? null : {
      loops: loops.length,
      events: loops.map((l) => l.events),
      historyBytes: loops.map((l) => l.historyBytes),
      wallMs: loops.map((l) => l.wallMs),
    },
    simulated: years,
    engineLimits: ENGINE_LIMITS,
  };
}

/** One target through the whole loop over HTTP, then the length of its completed run's history. */
async function fullLoopOverHttp(ctx: BenchContext) {
  const t0 = performance.now();
  const intake = await ctx.api.intake(ctx.factory.penaltyDecision());
  await casesRecorded(ctx, [intake.caseId], 60_000);
  const { caseId } = intake;
  await ctx.api.receive(caseId);
  await ctx.api.pushToImplementer(caseId, implementerId(ctx), [BENCH_MEASURE]);
  await ctx.api.acknowledge(caseId);
  await ctx.api.report(intake.targetId, shanghaiDateOf(new Date()).slice(0, 7));
  const { objectionId } = await ctx.api.object(caseId);
  await ctx.api.rejectObjection(caseId, objectionId);
  const { repairId } = await ctx.api.applyForRepair(caseId);
  await ctx.api.approveRepair(caseId, repairId);
  const handle = ctx.temporal.workflow.getHandle(intake.workflowId);
  await waitUntil('full loop completed', async () => (await handle.describe()).status.name === 'COMPLETED', 60_000);
  const description = await handle.describe();
  const history = await handle.fetchHistory();
  log(`history: a full loop over HTTP wrote ${history.events?.length} events`);
  return { events: history.events?.length ?? 0, historyBytes: description.historySize ?? null, wallMs: Math.round(performance.now() - t0) };
}

// ---------------------------------------------------------------------------------------------
// Simulated years on the time-skipping server.

const TASK_QUEUE = 'joint-discipline-bench-years';
const DAY_MS = 86_400_000;

async function simulatedYears(ctx: BenchContext, years: number) {
  log(`history: starting the time-skipping server and bundling the target workflow`);
  const env = await startTimeSkipping();
  try {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TASK_QUEUE,
      workflowBundle: await targetWorkflowBundle(),
      activities: createActivities({ db: ctx.dbh.db, calendar: (executor) => readCalendar(executor ?? ctx.dbh.db) }),
    });
    return await worker.runUntil(async () => ({
      years,
      reportsEveryMonth: await simulateTarget(ctx, env, years, true),
      neverReports: await simulateTarget(ctx, env, years, false),
    }));
  } finally {
    await env.teardown();
  }
}

/**
 * Wall time one simulated variant may take. A healthy year takes seconds; a workflow that loops
 * on its own timers makes the time-skipping server crawl, and then what the bench can say is how
 * far it got and how many events that cost, not wait for the year.
 */
const WALL_BUDGET_MS = 60_000;

/**
 * A target whose one case carries the bench measure for `years` years, acknowledged at once;
 * then either a report on each month by the 3rd of the next, or none at all. Runs until the run
 * completes, `years` years and two months have passed, or the wall budget is spent; counts the
 * events of every run (continue-as-new included).
 */
async function simulateTarget(ctx: BenchContext, env: TestWorkflowEnvironment, years: number, reports: boolean) {
  const t0 = performance.now();
  const now = async () => new Date(await env.currentTimeMs()).toISOString();
  const start = await env.currentTimeMs();
  const today = shanghaiDateOf(start);
  const targetId = `E${randomBytes(12).toString('hex')}`;
  const workflowId = targetWorkflowId(targetId);
  const implementer = implementerId(ctx);
  const authority = ctx.stack.agencies.find((a) => a.roles.includes('AUTHORITY'))!.id;
  const measure = await measureInEffect(ctx.dbh.db, BENCH_MEASURE, today);
  // The API writes the target row at intake; the activities' rows refer to it.
  await ctx.dbh.db.insert(targetsTable).values({ id: targetId, kind: 'enterprise', name: '杭州基准模拟年有限公司', workflowId });

  const caseId = `Cyear${randomBytes(8).toString('hex')}`;
  const pinned = pinMeasure(measure!, { years });
  const filed: FileCase = {
    caseId, actor: 'demo-enforcement', at: await now(), source: 'penalty_decision', consultation: false, authorityId: authority,
    document: { number: `杭市管罚〔模拟〕${caseId}号`, issuedOn: today, issuer: '杭州市市场监督管理局', kind: null },
    receivedOn: null, consultWith: [], legalReview: null, measures: [pinned!], seriousness: 'general', repeated: false,
  };
  // As through the API: intake by update-with-start, each action by its own Update.
  await env.client.workflow.executeUpdateWithStart(fileCaseUpdate, {
    args: [filed], updateId: `file/${caseId}`,
    startWorkflowOperation: new WithStartWorkflowOperation<typeof targetWorkflow>('targetWorkflow', {
      workflowId, taskQueue: TASK_QUEUE, workflowIdConflictPolicy: 'USE_EXISTING', args: [{ targetId, kind: 'enterprise' }],
    }),
  });
  const firstRunId = (await env.client.workflow.getHandle(workflowId).describe()).runId;
  const handle = () => env.client.workflow.getHandle(workflowId); // the latest run
  const act = async <A extends ActionName>(name: A, args: Omit<ActionArgs[A], 'at'>) =>
    handle().executeUpdate(actionUpdates[name] as typeof actionUpdates['receiveCase'], { args: [{ ...args, at: await now() } as never] });
  await act('receiveCase', { caseId, actor: authority });
  await act('pushToImplementers', { caseId, actor: authority, implementers: [{ agencyId: implementer, kind: pinned!.implementerKind, measures: [BENCH_MEASURE] }] });
  await act('acknowledge', { caseId, actor: implementer });

  // Day by day (so that the wall budget is checked often); on the 3rd of each month at 10:00
  // Shanghai, the report on the month before.
  const until = start + years * 365 * DAY_MS + 62 * DAY_MS;
  let month = today.slice(0, 7);
  let completed = false;
  let outOfBudget = false;
  let reported = 0;
  let refused = 0;
  simulation: while (!completed) {
    const reportAt = Date.parse(`${nextMonth(month)}-03T10:00:00+08:00`);
    if (reportAt > until) break;
    for (let t = await env.currentTimeMs(); t < reportAt; t = await env.currentTimeMs()) {
      await env.sleep(Math.min(DAY_MS, reportAt - t));
      if (performance.now() - t0 > WALL_BUDGET_MS) {
        outOfBudget = true;
        break simulation;
      }
    }
    completed = (await handle().describe()).status.name === 'COMPLETED';
    if (!completed && reports) {
      try {
        await act('reportFeedback', { month, summary: '按月报送', actor: implementer });
        reported += 1;
      } catch (err) {
        if (!(err instanceof WorkflowUpdateFailedError)) throw err;
        refused += 1; // a month no longer awaited: counted, the simulation goes on
      }
    }
    month = nextMonth(month);
  }
  const simulatedDays = round(((await env.currentTimeMs()) - start) / DAY_MS);
  const chain = await historyChain(env.client, workflowId, firstRunId);
  const journal = await ctx.dbh.sql<{ kind: string; n: number }[]>`
    select kind, count(*)::int as n from journal where target_id = ${targetId} group by kind order by n desc`;
  if (!completed) await handle().terminate('bench: simulation over');
  const label = reports ? 'reporting every month' : 'never reporting';
  log(`history: ${simulatedDays} simulated days ${label}: ${chain.events} events in ${chain.runs} run(s), ${Math.round(performance.now() - t0)} ms`);
  return {
    simulatedDays,
    stoppedByWallBudget: outOfBudget ? `${WALL_BUDGET_MS / 1000} s` : null,
    reportsSent: reported,
    reportsRefused: refused,
    completed,
    events: chain.events,
    eventsPerSimulatedYear: simulatedDays > 0 ? Math.round(chain.events / (simulatedDays / 365)) : null,
    runs: chain.runs,
    largestRunEvents: chain.largestRun,
    activitiesByType: chain.activities,
    journalByKind: Object.fromEntries(journal.map((j) => [j.kind, j.n])),
    wallMs: Math.round(performance.now() - t0),
  };
}

/** Every run of a workflow from its first, following continue-as-new: events, runs, activities by type. */
async function historyChain(client: Client, workflowId: string, firstRunId: string) {
  let runId: string | undefined = firstRunId;
  let events = 0;
  let runs = 0;
  let largestRun = 0;
  const activities: Record<string, number> = {};
  while (runId) {
    const history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>> = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const list = history.events ?? [];
    events += list.length;
    runs += 1;
    largestRun = Math.max(largestRun, list.length);
    for (const e of list) {
      const type = e.activityTaskScheduledEventAttributes?.activityType?.name;
      if (type) activities[type] = (activities[type] ?? 0) + 1;
    }
    runId = list.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return { events, runs, largestRun, activities };
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}
