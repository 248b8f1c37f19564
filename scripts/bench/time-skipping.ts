// The Java time-skipping test server for the simulated years and the monthly burst
// (scripts/engine-envs.ts), the project's workflow bundle, and moving the engine's clock.
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { InternalConnectionOptionsSymbol } from '@temporalio/client/lib/connection';
import { msToTs } from '@temporalio/common/lib/time';
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
 * The engine's clock, on a connection of its own. A clock move is one call that lasts until the
 * server's time reaches its end, minutes while a burst is worked off; the Java server answers the
 * SDK's default keepalive (a ping every 30 s) with GOAWAY "too many pings", which cuts the call
 * off and, retried, left the server's time-skipping lock held (time then ran at wall speed). This
 * connection pings every 10 minutes, and only during calls.
 */
export async function engineClock(env: TestWorkflowEnvironment) {
  const connection = await Connection.connect({
    address: env.address,
    channelArgs: { 'grpc.keepalive_time_ms': 600_000, 'grpc.keepalive_permit_without_calls': 0 },
    [InternalConnectionOptionsSymbol]: { supportsTestService: true },
  } as ConnectionOptions);
  const testService = connection.testService!;
  return {
    nowMs: async () => {
      const { time } = await testService.getCurrentTime({});
      return Number(time!.seconds) * 1000 + Math.floor((time!.nanos ?? 0) / 1e6);
    },
    sleep: async (ms: number) => {
      await testService.unlockTimeSkippingWithSleep({ duration: msToTs(ms) });
    },
    close: () => connection.close(),
  };
}
export type EngineClock = Awaited<ReturnType<typeof engineClock>>;

/**
 * Moves the engine's clock to `toMs` and waits (wall clock) until `done`: how long after the
 * instant all `count` things it set off were written, and at what rate. The clock moves a day at a
 * time up to the last day before the instant, and the timing starts with the move that crosses it.
 */
export async function crossTo(clock: EngineClock, toMs: number, count: number, what: string, done: () => Promise<boolean>) {
  for (let now = await clock.nowMs(); toMs - now > DAY_MS; now = await clock.nowMs()) {
    await clock.sleep(Math.min(DAY_MS, toMs - now - DAY_MS));
  }
  const t0 = performance.now();
  await clock.sleep(Math.max(0, toMs - await clock.nowMs()));
  const engineSkipMs = Math.round(performance.now() - t0);
  await waitUntil(what, done, BURST_BUDGET_MS, 250);
  const allWrittenMs = Math.round(performance.now() - t0);
  log(`burst: ${what} ${allWrittenMs} ms after the instant`);
  return { count, allWrittenMs, perSec: perSecond(count, allWrittenMs), engineSkipMs };
}
