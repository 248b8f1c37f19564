// What the scenarios share: the stack, its clients, and the cases earlier scenarios left at each
// stage of the loop, so that a later scenario reuses them instead of pushing its own (and the
// stack holds every target of the run when its memory and database are measured).
import { Client, Connection } from '@temporalio/client';
import { connectDb, type DbHandle } from '../../db/client';
import { ApiClient, HttpError, type IntakeResult } from './api-client';
import type { LocalStack } from './local-stack';
import { latency, log, runTimed, waitUntil, type Latency } from './measure';
import type { BenchOptions } from './options';
import { BENCH_MEASURE, TargetFactory } from './targets';

export interface BenchContext {
  opts: BenchOptions;
  stack: LocalStack;
  api: ApiClient;
  dbh: DbHandle;
  temporal: Client;
  factory: TargetFactory;
  /** Recorded cases not yet received (R5 receipt open). */
  pushed: IntakeResult[];
  /** Cases whose measure is in force and whose implementer has not reported this month (R9). */
  active: IntakeResult[];
}

export async function openContext(opts: BenchOptions, stack: LocalStack): Promise<BenchContext> {
  const connection = await Connection.connect({ address: stack.temporalAddress, metadata: stack.temporalMetadata });
  const authority = stack.agencies.find((a) => a.roles.includes('AUTHORITY'));
  if (!authority) throw new Error('the stack has no demo AUTHORITY');
  return {
    opts, stack,
    api: new ApiClient(stack.api, stack.keys),
    dbh: connectDb(stack.databaseUrl, { max: 4 }),
    temporal: new Client({ connection }),
    factory: new TargetFactory(authority.id),
    pushed: [],
    active: [],
  };
}

export async function closeContext(ctx: BenchContext): Promise<void> {
  await ctx.temporal.connection.close();
  await ctx.dbh.close();
}

/** The demo IMPLEMENTER whose key the client uses (the first one in the file). */
export function implementerId(ctx: BenchContext): string {
  return ctx.stack.agencies.find((a) => a.roles.includes('IMPLEMENTER'))!.id;
}

/**
 * Waits until the worker has written every case (intake answers once the cause is signalled;
 * the row comes from the workflow's activity). Returns the ms waited.
 */
export async function casesRecorded(ctx: BenchContext, caseIds: string[], timeoutMs = 300_000): Promise<number> {
  return waitUntil('cases recorded', async () => {
    const [{ n }] = await ctx.dbh.sql<{ n: number }[]>`select count(*)::int as n from cases where id = any(${caseIds}::text[])`;
    return n === caseIds.length;
  }, timeoutMs);
}

/** Pushes `count` new cases at the run's concurrency and waits until they are recorded. */
export async function pushCases(ctx: BenchContext, count: number): Promise<IntakeResult[]> {
  // Preparation, not a figure: a 503 (the engine did not confirm in time, as on a loaded machine)
  // is tried again with the same decision, which the API answers with the same case.
  const run = await runTimed(count, ctx.opts.concurrency, async () => {
    const body = ctx.factory.penaltyDecision();
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await ctx.api.intake(body);
      } catch (err) {
        if (attempt >= 3 || !(err instanceof HttpError && err.status === 503)) throw err;
      }
    }
  });
  if (run.failures.length > 0) throw new Error(`intake failed while preparing cases: ${run.failures[0].error}`);
  await casesRecorded(ctx, run.results.map((r) => r.caseId));
  return run.results;
}

export interface ActivationFigures {
  receipt: Latency | null;
  pushToImplementer: Latency | null;
  acknowledgement: Latency | null;
  failures: number;
}

/**
 * R5 → R6: `count` cases received, pushed to the implementer and acknowledged over HTTP, so
 * that their measure is in force and an R9 report is owed. Takes cases left pushed by earlier
 * scenarios first. Each of the three calls is an Update the API answers once handled.
 */
export async function activateCases(ctx: BenchContext, count: number): Promise<ActivationFigures> {
  const short = count - ctx.pushed.length;
  if (short > 0) {
    log(`pushing ${short} more cases to activate`);
    ctx.pushed.push(...await pushCases(ctx, short));
  }
  const batch = ctx.pushed.splice(0, count);
  const samples = { receipt: [] as number[], pushToImplementer: [] as number[], acknowledgement: [] as number[] };
  const timed = async <T>(into: number[], call: () => Promise<T>) => {
    const t0 = performance.now();
    const out = await call();
    into.push(performance.now() - t0);
    return out;
  };
  const implementer = implementerId(ctx);
  const run = await runTimed(batch.length, ctx.opts.concurrency, async (i) => {
    const c = batch[i];
    await timed(samples.receipt, () => ctx.api.receive(c.caseId));
    await timed(samples.pushToImplementer, () => ctx.api.pushToImplementer(c.caseId, implementer, [BENCH_MEASURE]));
    await timed(samples.acknowledgement, () => ctx.api.acknowledge(c.caseId));
    return c;
  });
  ctx.active.push(...run.results.filter(Boolean));
  if (run.failures.length > 0) log(`${run.failures.length} activations failed, e.g. ${run.failures[0].error}`);
  return {
    receipt: latency(samples.receipt),
    pushToImplementer: latency(samples.pushToImplementer),
    acknowledgement: latency(samples.acknowledgement),
    failures: run.failures.length,
  };
}
