// The activities as the workflows call them: one proxy, one timeout and retry policy.
// Imported by type only, so no Node, database or HTTP code reaches the workflow bundle.
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';

const options: ActivityOptions = {
  // Each activity is one short transaction: a worker killed mid-activity is noticed (and the
  // activity retried elsewhere) after 10 s, not 30 (measured by the fault suite).
  startToCloseTimeout: '10 seconds',
  // Activities are idempotent writes: retry until the database or endpoint is back.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};

export const acts = proxyActivities<Activities>(options);

/** The same activities, each call carrying a summary the Temporal UI shows (the step it does). */
export const actsFor = (summary: string) => proxyActivities<Activities>({ ...options, summary });
