// Recorded workflow histories for the replay test (test/replay.test.ts): written only when
// RECORD_HISTORIES=<label> is set (npm run test:record-histories), as test/histories/<name>-<label>.json.
import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { WorkflowHandle } from '@temporalio/client';
import { localActivityMark } from '../../domain/engine-links';

export async function recordHistory(handle: Pick<WorkflowHandle, 'fetchHistory'>, name: string): Promise<void> {
  const label = process.env.RECORD_HISTORIES;
  if (!label) return;
  writeFileSync(new URL(`../histories/${name}-${label}.json`, import.meta.url), historyToJSON(await handle.fetchHistory()));
}

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

/** An activity a history ran: scheduled, or since LOCAL_WRITES (issue 17) local (its marker), with its UI summary. */
export interface ActivityRan {
  name: string;
  local: boolean;
  summary: string | null;
  eventId: string;
}

/** The activities a stretch of history ran, in order: the regular ones' scheduling and the local ones' markers. */
export function activitiesRan(events: HistoryEvent[]): ActivityRan[] {
  return events.flatMap((e): ActivityRan[] => {
    const summary = e.userMetadata?.summary?.data ? JSON.parse(Buffer.from(e.userMetadata.summary.data).toString()) as string : null;
    const scheduled = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (scheduled) return [{ name: scheduled, local: false, summary, eventId: String(e.eventId) }];
    const marker = e.markerRecordedEventAttributes;
    const mark = marker ? localActivityMark(marker.markerName, marker.details?.data?.payloads?.[0]?.data) : null;
    return mark ? [{ name: mark.activityType, local: true, summary, eventId: String(e.eventId) }] : [];
  });
}
