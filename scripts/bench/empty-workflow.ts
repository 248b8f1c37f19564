// The engine's own references, bundled by the bench's in-process workers only. For intake: the
// minimal equivalent of filing a case (issue 17): an update-with-start whose handler runs one
// activity inserting one row into PostgreSQL and answers. Intake does the same plus everything
// a case needs (validation, identity, the case's rows and steps), so the ratio of the two rates,
// at the same concurrency in the same run, is what our work costs on top of the engine's. Each
// reference also comes with its one row written by a local activity (`…Local`), as the targets'
// hot paths write theirs since issue 17 (workflows/activities.ts, LOCAL_WRITES).
import { allHandlersFinished, condition, defineUpdate, proxyActivities, proxyLocalActivities, setHandler, sleep } from '@temporalio/workflow';
import type { ReferenceActivities } from './reference-activities';

export const BENCH_TASK_QUEUE = 'joint-discipline-bench-reference';
export const recordUpdate = defineUpdate<string, [string]>('record');

const regular = proxyActivities<ReferenceActivities>({ startToCloseTimeout: '10 seconds' });
const local = proxyLocalActivities<ReferenceActivities>({ startToCloseTimeout: '10 seconds' });
const insertWith = (isLocal: boolean) => (isLocal ? local : regular).insertReferenceRow;

export async function benchIntakeReference(isLocal = false): Promise<void> {
  let recorded = false;
  setHandler(recordUpdate, async (id) => {
    await insertWith(isLocal)(id);
    recorded = true;
    return id;
  });
  await condition(() => recorded && allHandlersFinished());
}

/**
 * The engine's ceiling for one workflow per case (issue 17's import): a workflow with nothing to
 * do, started and run to its end in one workflow task. No row, no update: whatever a case needs
 * on top, a rate of cases can only be lower than this one on the same engine and machine.
 */
export async function benchEmptyReference(): Promise<void> {}

/**
 * The engine's reference for the monthly burst (issue 17): a timer firing at one instant, shared
 * by every such workflow, then one activity inserting one row. The workflow clock is the engine's.
 */
export async function benchBurstReference(fireAtMs: number, id: string, isLocal = false): Promise<void> {
  await sleep(Math.max(0, fireAtMs - Date.now()));
  await insertWith(isLocal)(id);
}
