// Intake throughput (R2 over HTTP) against the engine's own limit, measured the same way from
// the same process: N signal-with-starts of an empty workflow at the same concurrency, with a
// worker of its own in this process. Their ratio says how much of the engine's rate a case keeps
// after validation, the measure lookups, the target row and the workflow's start.
import { fileURLToPath } from 'node:url';
import { NativeConnection, Worker } from '@temporalio/worker';
import { casesRecorded, type BenchContext } from '../context';
import { errorSummary, latency, log, perSecond, round, runTimed, waitUntil } from '../measure';
import { BENCH_TASK_QUEUE, pokeSignal, type benchEmptyWorkflow } from '../empty-workflow';

/** Not counted: the first calls pay for connections, JIT and caches on both sides. */
const WARM_UP = 20;

export async function intakeScenario(ctx: BenchContext) {
  const { intake: n, concurrency } = ctx.opts;
  const engine = await engineLimit(ctx, n, concurrency);

  log(`intake: warming up with ${WARM_UP} cases`);
  const warm = await runTimed(WARM_UP, concurrency, () => ctx.api.intake(ctx.factory.penaltyDecision()));
  if (warm.failures.length > 0) throw new Error(`intake fails from the start: ${warm.failures[0].error}`);
  await casesRecorded(ctx, warm.results.map((r) => r.caseId));
  ctx.pushed.push(...warm.results.filter(Boolean));

  log(`intake: ${n} cases over HTTP at concurrency ${concurrency}`);
  const bodies = Array.from({ length: n }, () => ctx.factory.penaltyDecision());
  const run = await runTimed(n, concurrency, (i) => ctx.api.intake(bodies[i]));
  const accepted = run.results.filter(Boolean);
  // Intake answers once the cause is signalled; the case is in PostgreSQL once the worker has
  // run the workflow's first activities. Both rates matter: the second is what the loop sustains.
  const recordedMs = await casesRecorded(ctx, accepted.map((r) => r.caseId)) + run.wallMs;
  ctx.pushed.push(...accepted);

  const casesPerSec = perSecond(accepted.length, run.wallMs);
  return {
    cases: n,
    concurrency,
    accepted: accepted.length,
    errors: errorSummary(run.failures),
    wallMs: Math.round(run.wallMs),
    casesPerSec,
    latencyMs: latency(run.samplesMs),
    allRecordedMs: Math.round(recordedMs),
    recordedCasesPerSec: perSecond(accepted.length, recordedMs),
    engine,
    ratioToEngine: engine.signalWithStartsPerSec ? round(casesPerSec / engine.signalWithStartsPerSec, 3) : null,
    // The same comparison one step further: cases written by the workflow ÷ empty workflows completed.
    recordedRatioToEngineCompleted: engine.completedWorkflowsPerSec ? round(perSecond(accepted.length, recordedMs) / engine.completedWorkflowsPerSec, 3) : null,
  };
}

/** N signal-with-starts of `benchEmptyWorkflow`, its worker in this process; done before intake so the two never overlap. */
async function engineLimit(ctx: BenchContext, n: number, concurrency: number) {
  log(`engine: bundling the empty workflow and starting its worker`);
  const connection = await NativeConnection.connect({ address: ctx.stack.temporalAddress });
  const worker = await Worker.create({
    connection,
    taskQueue: BENCH_TASK_QUEUE,
    workflowsPath: fileURLToPath(new URL('../empty-workflow.ts', import.meta.url)),
  });
  const running = worker.run();
  try {
    const start = (id: string) => ctx.temporal.workflow.signalWithStart<typeof benchEmptyWorkflow, [number]>('benchEmptyWorkflow', {
      workflowId: id, taskQueue: BENCH_TASK_QUEUE, signal: pokeSignal, signalArgs: [1],
    });
    await runTimed(WARM_UP, concurrency, (i) => start(`bench-empty-warm-${i}`));
    log(`engine: ${n} signal-with-starts of an empty workflow at concurrency ${concurrency}`);
    const run = await runTimed(n, concurrency, (i) => start(`bench-empty-${i}`));
    // Let the worker finish them all, so that none is still running when intake is measured.
    const completedMs = await waitUntil('empty workflows completed', async () => {
      const { count } = await ctx.temporal.workflow.count(`WorkflowType = "benchEmptyWorkflow" AND ExecutionStatus = "Running"`);
      return count === 0;
    }, 300_000, 200) + run.wallMs;
    return {
      signalWithStarts: n,
      errors: errorSummary(run.failures),
      wallMs: Math.round(run.wallMs),
      signalWithStartsPerSec: perSecond(n - run.failures.length, run.wallMs),
      latencyMs: latency(run.samplesMs),
      allCompletedMs: Math.round(completedMs),
      completedWorkflowsPerSec: perSecond(n - run.failures.length, completedMs),
    };
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
  }
}
