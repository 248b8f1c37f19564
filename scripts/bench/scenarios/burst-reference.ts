// The engine's reference for the monthly burst (issue 17), on the same time-skipping server as
// the targets' burst and before it: N workflows whose timers fire at one instant, each then
// running one activity inserting one row, on a worker with the same workflow cache. The figure is
// how long after the instant every row is in PostgreSQL. `isLocal`: the row written by a local
// activity, as a target's timers write theirs since LOCAL_WRITES (workflows/activities.ts).
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { DbHandle } from '../../../db/client';
import type { BenchContext } from '../context';
import type { benchBurstReference } from '../empty-workflow';
import { errorSummary, log, perSecond, runTimed, waitUntil } from '../measure';
import { createReferenceTable, referenceActivities } from '../reference-activities';
import { crossTo, type EngineClock } from '../time-skipping';

const TASK_QUEUE = 'joint-discipline-bench-burst-reference';
const DAY_MS = 86_400_000;

export async function referenceBurst(ctx: BenchContext, env: TestWorkflowEnvironment, clock: EngineClock, dbh: DbHandle, n: number, cache: number, isLocal = false) {
  await createReferenceTable(ctx.dbh.sql);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue: TASK_QUEUE,
    workflowsPath: fileURLToPath(new URL('../empty-workflow.ts', import.meta.url)),
    activities: referenceActivities(dbh.sql),
    maxCachedWorkflows: cache,
  });
  return worker.runUntil(async () => {
    const run = `bench-burst-${isLocal ? 'la-' : ''}${Date.now().toString(36)}`;
    const fireAt = await clock.nowMs() + DAY_MS;
    log(`burst: the engine's reference: ${n} workflows, each a timer at one instant and one row (${isLocal ? 'a local activity' : 'an activity'})`);
    const started = await runTimed(n, 16, (i) => env.client.workflow.start<typeof benchBurstReference>('benchBurstReference', {
      workflowId: `${run}-${i}`, taskQueue: TASK_QUEUE, args: [fireAt, `${run}-${i}`, isLocal],
    }));
    if (started.failures.length > 0) throw new Error(`reference: ${started.failures.length} starts failed, e.g. ${started.failures[0].error}`);
    // Every timer set before the clock moves: each history reaches TimerStarted (its 5th event).
    await waitUntil('every reference timer set', async () => {
      const short = await runTimed(Math.min(n, 200), 16, async (i) => {
        const id = `${run}-${n - 1 - i}`;
        return (await env.client.workflow.getHandle(id).describe()).historyLength >= 5;
      });
      return short.results.every(Boolean);
    }, 600_000, 500);
    const burst = await crossTo(clock, fireAt + 1000, n, 'every reference row written', async () => {
      const [{ rows }] = await ctx.dbh.sql<{ rows: number }[]>`select count(*)::int as rows from bench_reference where id like ${`${run}-%`}`;
      return rows === n;
    });
    return { rowWrittenBy: isLocal ? 'local activity' : 'activity', workflows: n, starts: { wallMs: Math.round(started.wallMs), perSec: perSecond(n, started.wallMs), errors: errorSummary(started.failures) }, ...burst };
  });
}
