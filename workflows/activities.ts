// The activities as the workflows call them: one proxy, one timeout and retry policy.
// Imported by type only, so no Node, database or HTTP code reaches the workflow bundle.
import { patched, proxyActivities, proxyLocalActivities, type ActivityOptions, type LocalActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';

const options: ActivityOptions = {
  // Each activity is one short transaction: a worker killed mid-activity is noticed (and the
  // activity retried elsewhere) after 10 s, not 30 (measured by the fault suite).
  startToCloseTimeout: '10 seconds',
  // Activities are idempotent writes: retry until the database or endpoint is back.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};

export const acts = proxyActivities<Activities>(options);

/** Issue 17: the patch under which the hot paths' short writes run as local activities. */
export const LOCAL_WRITES = 'local-writes';

const localOptions: LocalActivityOptions = { startToCloseTimeout: options.startToCloseTimeout, retry: options.retry };

/**
 * Issue 17: a case's filing and what a timer records (an overdue step, a new month's reports, a
 * release) are each one short, idempotent transaction. Since LOCAL_WRITES they run as local
 * activities, inside the workflow task that asks for them: the engine dispatches no activity task
 * and no second workflow task, and a target evicted from the worker's cache is not replayed a
 * second time for the answer. A crash mid-task retries the task, and the write with it (at least
 * once, as any activity). Histories recorded before the patch keep their regular activities.
 * `summary`: what the Temporal UI shows for the call (the step it does).
 */
export function writes(summary?: string): typeof acts {
  const shown = summary ? { summary } : {};
  return patched(LOCAL_WRITES)
    ? proxyLocalActivities<Activities>({ ...localOptions, ...shown })
    : proxyActivities<Activities>({ ...options, ...shown });
}
