// The engine's own limit, for comparison with intake: a workflow that does nothing but take the
// signal it was started with and complete. Bundled by the bench's in-process worker only.
import { condition, defineSignal, setHandler } from '@temporalio/workflow';

export const BENCH_TASK_QUEUE = 'joint-discipline-bench-empty';
export const pokeSignal = defineSignal<[number]>('poke');

export async function benchEmptyWorkflow(): Promise<void> {
  let poked = false;
  setHandler(pokeSignal, () => void (poked = true));
  await condition(() => poked);
}
