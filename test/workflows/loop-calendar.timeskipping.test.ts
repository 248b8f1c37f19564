// R16 provisional deadlines heal when their year is loaded, every kind of step alike, in the
// Java time-skipping server. No schedule is loaded at first: everything counts Monday–Friday and
// is provisional. The "loaded" schedule makes the Saturday after a Friday push a make-up working
// day (调休上班), which moves a 3-working-day deadline from Wednesday to Tuesday.
import { describe, expect, it } from 'vitest';
import { calendarChangedSignal } from '../../workflows/messages';
import { addDays, shanghaiDateOf, weekday, yearOf } from '../../domain/dates';
import { AUTHORITY, ENFORCEMENT, pinned, targetDriver } from '../support/target-driver';
import { timeSkippingSuite } from '../support/timeskipping';
import type { recordingActivities } from '../support/mock-activities';

const suite = timeSkippingSuite();
const IMPLEMENTER = 'ag-implementer';

type Target = ReturnType<typeof targetDriver> & { rec: ReturnType<typeof recordingActivities> };

/** Moves the engine's clock to the next Friday 10:00 Asia/Shanghai, so weekdays line up in every run. */
async function friday(t: Target) {
  let date = addDays(shanghaiDateOf(await suite.env().currentTimeMs()), 1);
  while (weekday(date) !== 5) date = addDays(date, 1);
  await suite.env().sleep(Date.parse(`${date}T10:00:00+08:00`) - (await suite.env().currentTimeMs()));
  const saturday = addDays(date, 1);
  // This year and the next: a monthly report on December is due in January.
  const years = [yearOf(date), yearOf(date) + 1];
  const load = async (reason: string) => {
    for (const year of years) t.rec.loadYear({ year, holidays: new Map(), makeupWorkdays: new Set(yearOf(saturday) === year ? [saturday] : []) });
    await t.handle().signal(calendarChangedSignal, { years, reason });
  };
  return { date, years, load, tuesday: addDays(date, 4), wednesday: addDays(date, 5) };
}

describe('R16 provisional deadlines heal when their year is loaded (time skipping)', () => {
  it('R16: loading the year recomputes a provisional deadline, records old and new due, and re-arms the timer earlier', () =>
    suite.withTarget('r16-rearm', async (t) => {
      const f = await friday(t);
      const recorded = await t.file('C1');
      expect(recorded.opened[0]).toMatchObject({ kind: 'receipt', dueOn: f.wednesday, provisional: true });
      await f.load('schedule loaded by test');
      await suite.env().sleep('6 days');
      const receipt = (await t.state()).steps.find((s) => s.kind === 'receipt')!;
      expect(receipt.due).toMatchObject({ due: f.tuesday, dueAt: `${f.wednesday}T00:00:00+08:00`, provisional: false });
      expect(t.rec.calls.recomputeDeadlines[0]).toMatchObject({ reason: 'schedule loaded by test' });
      // The timer fired at the new (Tuesday 24:00) deadline, not the old Wednesday one.
      const overdue = t.rec.calls.recordOverdue.find((c) => c.step.kind === 'receipt')!;
      expect(overdue.step.due.dueAt).toBe(`${f.wednesday}T00:00:00+08:00`);
      expect(Date.parse(overdue.detectedAt)).toBeLessThan(Date.parse(`${addDays(f.wednesday, 1)}T00:00:00+08:00`));
    }));

  it('R16: a deadline recomputed to before now falls overdue at once', () =>
    suite.withTarget('r16-past', async (t) => {
      const f = await friday(t);
      await t.file('C1');
      // Wednesday 01:00: past the corrected Tuesday deadline, before the provisional Wednesday one.
      await suite.env().sleep(Date.parse(`${f.wednesday}T01:00:00+08:00`) - (await suite.env().currentTimeMs()));
      expect(t.rec.calls.recordOverdue).toHaveLength(0);
      await f.load('late load');
      await suite.env().sleep('1 hour');
      const receipt = (await t.state()).steps.find((s) => s.kind === 'receipt')!;
      expect(receipt).toMatchObject({ overdue: true });
      expect(t.rec.calls.recomputeDeadlines[0].nowMs).toBeGreaterThan(receipt.due.dueAtMs);
      expect(t.rec.calls.recordOverdue.map((c) => c.step.kind)).toContain('receipt');
    }));

  it('R16: every kind of running deadline is recomputed: acknowledgement, objection verification and the monthly report alike', () =>
    suite.withTarget('r16-every', async (t) => {
      const f = await friday(t);
      await t.file('C1', { measures: [pinned('DM-A'), pinned('DM-B')] });
      await t.act('pushToImplementers', {
        caseId: 'C1', actor: AUTHORITY, implementers: [{ agencyId: IMPLEMENTER, kind: 'approval_agency', measures: ['DM-A'] }, { agencyId: 'ag-late', kind: 'approval_agency', measures: ['DM-B'] }],
      });
      await t.act('acknowledge', { caseId: 'C1', actor: IMPLEMENTER });
      await t.act('fileObjection', { caseId: 'C1', actor: ENFORCEMENT, objectionId: 'O1', reason: '异议' });
      const before = (await t.state()).steps.filter((s) => s.due.provisional).map((s) => s.kind).sort();
      expect(before).toEqual(['acknowledgement', 'feedback', 'letter_delivery', 'objection_verification']);
      await f.load('schedule loaded');
      await suite.env().sleep('1 minute');
      const after = (await t.state()).steps;
      expect(after.filter((s) => s.due.provisional)).toEqual([]);
      expect(after.find((s) => s.kind === 'acknowledgement')!.due.due).toBe(f.tuesday);
      const moved = t.rec.calls.recomputeDeadlines.flatMap((c) => c.steps.map((s) => s.kind)).sort();
      expect(moved).toEqual(['acknowledgement', 'feedback', 'letter_delivery', 'objection_verification']);
    }));
});
