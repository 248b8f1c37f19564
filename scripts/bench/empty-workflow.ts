// The engine's own reference for intake, bundled by the bench's in-process worker only: the
// minimal equivalent of filing a case (issue 17): an update-with-start whose handler runs one
// activity inserting one row into PostgreSQL and answers. Intake does the same plus everything
// a case needs (validation, identity, the case's rows and steps), so the ratio of the two rates,
// at the same concurrency in the same run, is what our work costs on top of the engine's.
import { allHandlersFinished, condition, defineUpdate, proxyActivities, setHandler } from '@temporalio/workflow';
import type { ReferenceActivities } from './reference-activities';

export const BENCH_TASK_QUEUE = 'joint-discipline-bench-reference';
export const recordUpdate = defineUpdate<string, [string]>('record');

const { insertReferenceRow } = proxyActivities<ReferenceActivities>({ startToCloseTimeout: '10 seconds' });

export async function benchIntakeReference(): Promise<void> {
  let recorded = false;
  setHandler(recordUpdate, async (id) => {
    await insertReferenceRow(id);
    recorded = true;
    return id;
  });
  await condition(() => recorded && allHandlersFinished());
}
