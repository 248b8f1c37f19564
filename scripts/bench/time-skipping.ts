// The Java time-skipping test server for the simulated years and the monthly burst
// (scripts/engine-envs.ts), the project's workflow bundle, and moving the engine's clock.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { bundleWorkflows } from '../../worker/bundle';
import { BURST_BUDGET_MS, log, perSecond, waitUntil } from './measure';

export { startTimeSkipping } from '../engine-envs';

/** The project's workflow bundle, as an untraced worker runs it. */
export function targetWorkflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflows();
}

const DAY_MS = 86_400_000;

/**
 * Moves the engine's clock to `toMs` and waits (wall clock) until `done`: how long after the
 * instant all `count` things it set off were written, and at what rate. The clock moves a day at a
 * time up to the last day (a long sleep is one long call, which the server may drop as idle), and
 * the timing starts with the last move, which crosses the instant.
 */
export async function crossTo(env: TestWorkflowEnvironment, toMs: number, count: number, what: string, done: () => Promise<boolean>) {
  for (let now = await env.currentTimeMs(); toMs - now > DAY_MS; now = await env.currentTimeMs()) {
    await env.sleep(Math.min(DAY_MS, toMs - now - DAY_MS));
  }
  const t0 = performance.now();
  await env.sleep(Math.max(0, toMs - await env.currentTimeMs()));
  const engineSkipMs = Math.round(performance.now() - t0);
  await waitUntil(what, done, BURST_BUDGET_MS, 250);
  const allWrittenMs = Math.round(performance.now() - t0);
  log(`burst: ${what} ${allWrittenMs} ms after the instant`);
  return { count, allWrittenMs, perSec: perSecond(count, allWrittenMs), engineSkipMs };
}
