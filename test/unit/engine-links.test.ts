// Issue 17: a journal line written by a local activity links to the marker that recorded it; the
// ids of local and regular activities count apart, so the journal keeps them apart.
import { describe, expect, it } from 'vitest';
import { journalActivityId, LOCAL_ACTIVITY_MARKER, localActivityMark } from '../../domain/engine-links';

const data = (o: unknown) => new TextEncoder().encode(JSON.stringify(o));

describe('engine links of journal lines (issue 17)', () => {
  it('issue 17: a local activity\'s id is kept apart from a regular activity\'s with the same number', () => {
    expect(journalActivityId('3', false)).toBe('3');
    expect(journalActivityId('3', true)).toBe('la:3');
  });

  it('issue 17: a local activity\'s marker gives its journal id and type, as the core writes it', () => {
    const core = { seq: 3, attempt: 1, activity_id: '3', activity_type: 'recordOverdue', complete_time: '2026-12-06T00:00:00Z' };
    expect(localActivityMark(LOCAL_ACTIVITY_MARKER, data(core))).toEqual({ journalId: 'la:3', activityType: 'recordOverdue' });
  });

  it('issue 17: a patch marker, a marker without data or with data not JSON is no local activity', () => {
    expect(localActivityMark('core_patch', data({ activity_id: '1', activity_type: 'x' }))).toBeNull();
    expect(localActivityMark(LOCAL_ACTIVITY_MARKER, null)).toBeNull();
    expect(localActivityMark(LOCAL_ACTIVITY_MARKER, new TextEncoder().encode('{not json'))).toBeNull();
    expect(localActivityMark(LOCAL_ACTIVITY_MARKER, data({ seq: 1 }))).toBeNull();
  });
});
