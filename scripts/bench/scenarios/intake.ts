// Intake throughput (R2 over HTTP) against the engine's own reference, measured the same way from
// the same process at the same concurrency: N update-with-starts of a workflow that inserts one
// row in one activity and answers (../empty-workflow.ts). Their ratio says how much of the
// engine's rate a case keeps after validation, identity, the case's rows and its steps.
import { fileURLToPath } from 'node:url';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import postgres from 'postgres';
import { casesRecorded, type BenchContext } from '../context';
import { errorSummary, latency, log, perSecond, ratio, runTimed } from '../measure';
import { BENCH_TASK_QUEUE, recordUpdate, type benchEmptyReference, type benchIntakeReference } from '../empty-workflow';
import { createReferenceTable, referenceActivities } from '../reference-activities';

/** Not counted: the first calls pay for connections, JIT and caches on both sides. */
const WARM_UP = 20;

export async function intakeScenario(ctx: BenchContext) {
  const { intake: n, concurrency } = ctx.opts;
  const engine = await engineReference(ctx, n, concurrency);
  const engineLocal = await engineReference(ctx, n, concurrency, true);

  log(`intake: warming up with ${WARM_UP} cases`);
  const warm = await runTimed(WARM_UP, concurrency, () => ctx.api.intake(ctx.factory.penaltyDecision()));
  if (warm.failures.length > 0) throw new Error(`intake fails from the start: ${warm.failures[0].error}`);
  await casesRecorded(ctx, warm.results.map((r) => r.caseId));
  ctx.pushed.push(...warm.results.filter(Boolean));

  log(`intake: ${n} cases over HTTP at concurrency ${concurrency}`);
  const bodies = Array.from({ length: n }, () => ctx.factory.penaltyDecision());
  const run = await runTimed(n, concurrency, (i) => ctx.api.intake(bodies[i]));
  const accepted = run.results.filter(Boolean);
  // Intake answers once the workflow has recorded the case (an Update); the wait confirms the rows.
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
    engineLocal,
    // Cases recorded in PostgreSQL per second ÷ the reference's rows per second (target ≥ 0.8).
    ratioToEngine: ratio(perSecond(accepted.length, recordedMs), engine.recordedPerSec),
    ratioToEngineLocal: ratio(perSecond(accepted.length, recordedMs), engineLocal.recordedPerSec),
  };
}

/** The reference's worker in this process, on its own task queue and database pool, for the length of `body`. */
async function withReferenceWorker<T>(ctx: BenchContext, body: () => Promise<T>): Promise<T> {
  await createReferenceTable(ctx.dbh.sql);
  const sql = postgres(ctx.stack.databaseUrl, { max: 10, onnotice: () => {} });
  const connection = await NativeConnection.connect({ address: ctx.stack.temporalAddress, metadata: ctx.stack.temporalMetadata });
  const worker = await Worker.create({
    connection,
    taskQueue: BENCH_TASK_QUEUE,
    workflowsPath: fileURLToPath(new URL('../empty-workflow.ts', import.meta.url)),
    activities: referenceActivities(sql),
  });
  const running = worker.run();
  try {
    return await body();
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await sql.end({ timeout: 5 });
  }
}

/**
 * The engine's reference (issue 17): N update-with-starts of `benchIntakeReference`, whose handler
 * runs one activity inserting one row and answers, at the same concurrency, its worker in this
 * process with a database connection of its own; done before intake so the two never overlap.
 * `isLocal`: the row written by a local activity, as intake writes its case since LOCAL_WRITES.
 */
export async function engineReference(ctx: BenchContext, n: number, concurrency: number, isLocal = false) {
  const kind = isLocal ? 'one local activity' : 'one activity';
  log(`engine: bundling the reference workflow (${kind}) and starting its worker`);
  return withReferenceWorker(ctx, async () => {
    const record = (id: string) => ctx.temporal.workflow.executeUpdateWithStart(recordUpdate, {
      args: [id],
      startWorkflowOperation: new WithStartWorkflowOperation<typeof benchIntakeReference>('benchIntakeReference', {
        workflowId: id, taskQueue: BENCH_TASK_QUEUE, workflowIdConflictPolicy: 'USE_EXISTING', args: [isLocal],
      }),
    });
    const runId = `${isLocal ? 'la-' : ''}${Date.now().toString(36)}`;
    await runTimed(WARM_UP, concurrency, (i) => record(`bench-ref-warm-${runId}-${i}`));
    log(`engine: ${n} update-with-starts, ${kind} inserting one row each, at concurrency ${concurrency}`);
    const run = await runTimed(n, concurrency, (i) => record(`bench-ref-${runId}-${i}`));
    const [{ rows }] = await ctx.dbh.sql<{ rows: number }[]>`select count(*)::int as rows from bench_reference where id like ${`bench-ref-${runId}-%`}`;
    return {
      rowWrittenBy: isLocal ? 'local activity' : 'activity',
      updateWithStarts: n,
      errors: errorSummary(run.failures),
      rowsWritten: rows,
      wallMs: Math.round(run.wallMs),
      recordedPerSec: perSecond(n - run.failures.length, run.wallMs),
      latencyMs: latency(run.samplesMs),
    };
  });
}

/**
 * The engine's ceiling for one workflow per case: N empty workflows (`benchEmptyReference`)
 * started at each concurrency given, timed from the first start until every one has ended (their
 * ends awaited only after the last start, so no slot waits on a result). No case can be filed
 * faster than this on the same engine and machine, whatever the import does.
 */
export async function engineCeiling(ctx: BenchContext, n: number, concurrencies: number[]) {
  return withReferenceWorker(ctx, async () => {
    const runId = `empty-${Date.now().toString(36)}`;
    const start = (id: string) => ctx.temporal.workflow.start<typeof benchEmptyReference>('benchEmptyReference', {
      workflowId: id, taskQueue: BENCH_TASK_QUEUE,
    });
    const warm = await runTimed(WARM_UP, 16, (i) => start(`bench-ref-warm-${runId}-${i}`));
    await Promise.all(warm.results.map((h) => h.result()));
    const runs = [];
    for (const concurrency of concurrencies) {
      log(`engine: ${n} empty workflows started at concurrency ${concurrency} and run to their end`);
      const t0 = performance.now();
      const started = await runTimed(n, concurrency, (i) => start(`bench-ref-${runId}-${concurrency}-${i}`));
      await Promise.all(started.results.filter(Boolean).map((h) => h.result()));
      const wallMs = performance.now() - t0;
      runs.push({
        concurrency, workflows: n, errors: errorSummary(started.failures), startsWallMs: Math.round(started.wallMs), wallMs: Math.round(wallMs),
        startedPerSec: perSecond(n - started.failures.length, started.wallMs), completedPerSec: perSecond(n - started.failures.length, wallMs),
      });
    }
    return runs;
  });
}
