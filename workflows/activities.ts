// The activities as the workflows call them: one proxy, one timeout and retry policy.
// Imported by type only, so no Node, database or HTTP code reaches the workflow bundle.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

export const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // Activities are idempotent writes: retry until the database or endpoint is back.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
