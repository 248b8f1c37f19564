// Recorded workflow histories for the replay test (test/replay.test.ts): written only when
// RECORD_HISTORIES=<label> is set (npm run test:record-histories), as test/histories/<name>-<label>.json.
import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { WorkflowHandle } from '@temporalio/client';

export async function recordHistory(handle: Pick<WorkflowHandle, 'fetchHistory'>, name: string): Promise<void> {
  const label = process.env.RECORD_HISTORIES;
  if (!label) return;
  writeFileSync(new URL(`../histories/${name}-${label}.json`, import.meta.url), historyToJSON(await handle.fetchHistory()));
}
