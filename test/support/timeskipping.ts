// One Java time-skipping server per test file, a worker per test on its own task queue, and the
// targets a test started ended after it (a workflow left with timers and no worker would make
// the server wait instead of skipping time).
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startTimeSkipping, workflowBundle } from './engine';
import { recordingActivities } from './mock-activities';
import { targetDriver } from './target-driver';

export function timeSkippingSuite() {
  let env: TestWorkflowEnvironment;
  const started: string[] = [];
  beforeAll(async () => {
    env = await startTimeSkipping();
  });
  afterAll(async () => {
    await env?.teardown();
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((id) => env.client.workflow.getHandle(id).terminate('test ended').catch(() => undefined)));
  });

  /** A target of its own (task queue and workflow) with recording activities, run while `fn` runs. */
  async function withTarget<T>(name: string, fn: (t: ReturnType<typeof targetDriver> & { rec: ReturnType<typeof recordingActivities> }) => Promise<T>,
    rec = recordingActivities(), input: { historyLimit?: number } = {}): Promise<T> {
    const driver = targetDriver(env, `ts-${name}`, `E${name}`, input);
    started.push(driver.workflowId);
    const worker = await Worker.create({
      connection: env.nativeConnection, taskQueue: `ts-${name}`, workflowBundle: await workflowBundle(), activities: rec.activities,
    });
    return worker.runUntil(fn({ ...driver, rec }));
  }

  return { env: () => env, withTarget };
}
