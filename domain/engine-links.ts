// Which engine event wrote a journal line (issue 16), so the supervisors' timeline links to it: a
// regular activity by its activity id (its ActivityTaskScheduled event), a local activity (issue
// 17: the hot paths' short writes) by `la:` and its own id (its MarkerRecorded event). The two
// kinds count their ids apart, so the prefix keeps "1" of one from meaning "1" of the other. Pure.

export const LOCAL_ACTIVITY_PREFIX = 'la:';
/** The marker name the SDK's core records a local activity's result under. */
export const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

/** The id a journal line keeps of the activity that wrote it. */
export function journalActivityId(activityId: string, isLocal: boolean): string {
  return `${isLocal ? LOCAL_ACTIVITY_PREFIX : ''}${activityId}`;
}

/** What a local activity's marker says of it, from its `data` detail (JSON the core writes: seq, attempt, activity_id, activity_type, …). */
export interface LocalActivityMark {
  /** The journal's id of it (`la:` and the core's activity id). */
  journalId: string;
  activityType: string;
}

/** The local activity a marker records; null for any other marker (a patch, a side effect). */
export function localActivityMark(markerName: string | null | undefined, data: Uint8Array | null | undefined): LocalActivityMark | null {
  if (markerName !== LOCAL_ACTIVITY_MARKER || !data) return null;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(data)) as Record<string, unknown>;
    const id = parsed.activity_id ?? parsed.activityId;
    const type = parsed.activity_type ?? parsed.activityType;
    if ((typeof id !== 'string' && typeof id !== 'number') || typeof type !== 'string') return null;
    return { journalId: journalActivityId(String(id), true), activityType: type };
  } catch {
    return null;
  }
}
