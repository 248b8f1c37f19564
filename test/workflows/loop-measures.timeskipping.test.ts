// R6–R8 measures in force from acknowledgement, R10 natural release, R9 monthly reports and R11
// objections, in the Java time-skipping server, driven by the Updates the API sends.
import { describe, expect, it } from 'vitest';
import { recordHistory } from '../support/histories';
import { addDays, shanghaiDateOf } from '../../domain/dates';
import { AUTHORITY, ENFORCEMENT, pinned, refusal, targetDriver } from '../support/target-driver';
import { timeSkippingSuite } from '../support/timeskipping';

const suite = timeSkippingSuite();
const IMPLEMENTER = 'ag-implementer';

/** Filed, received and pushed to one implementer, who acknowledges now: the measure is in force. */
async function inForce(t: ReturnType<typeof targetDriver>, measure = pinned('DM-A', { period: { days: 30 } }), acknowledge = true) {
  await t.file('C1', { measures: [measure] });
  await t.deliver('C1');
  await t.act('pushToImplementers', { caseId: 'C1', actor: AUTHORITY, implementers: [{ agencyId: IMPLEMENTER, kind: 'approval_agency', measures: [measure.code] }] });
  if (acknowledge) return t.act('acknowledge', { caseId: 'C1', actor: IMPLEMENTER });
  return null;
}

describe('measures in force, released, reported on, objected to (time skipping)', () => {
  it('R10: a measure is in force from the acknowledgement and released at the end of its last day, its implementer told', () =>
    suite.withTarget('r10', async (t) => {
      const ack = await inForce(t, pinned('DM-A', { period: { days: 30 }, feedbackSet: false }));
      const today = shanghaiDateOf(Date.parse(ack!.at));
      expect((await t.state()).cases[0].inForce[0]).toMatchObject({ status: 'active', activeFrom: today, periodEnd: addDays(today, 30) });
      await suite.env().sleep('32 days');
      expect(t.rec.calls.releaseMeasure).toEqual([expect.objectContaining({ caseId: 'C1', code: 'DM-A', reason: 'period_end' })]);
      expect(Date.parse(t.rec.calls.releaseMeasure[0].at)).toBeGreaterThanOrEqual(Date.parse(`${addDays(today, 31)}T00:00:00+08:00`));
      // The loop is closed: the run completed.
      expect(t.rec.calls.recordTargetClosed).toHaveLength(1);
      expect((await t.handle().describe()).status.name).toBe('COMPLETED');
    }));

  it('R9: an implementer reports on each month while a feedback-set measure is in force; a missing report is overdue on the 7th', () =>
    suite.withTarget('r9', async (t) => {
      const ack = await inForce(t, pinned('DM-A', { period: { days: 150 } }));
      const month = shanghaiDateOf(Date.parse(ack!.at)).slice(0, 7);
      expect(ack!.opened.map((s) => [s.kind, s.month, s.agencyId])).toEqual([['feedback', month, IMPLEMENTER]]);
      const first = await t.act('reportFeedback', { month, summary: '已落实', actor: IMPLEMENTER });
      expect(first.closed).toEqual([`feedback/${month}/${IMPLEMENTER}`]);
      // A month with no report: overdue from the end of its due day on. Whatever today is, the next
      // month's report falls due (the 7th of the month after it, moved by holidays) within 100 days.
      await suite.env().sleep('100 days');
      const overdue = t.rec.calls.recordOverdue.filter((c) => c.step.kind === 'feedback');
      expect(overdue.length).toBeGreaterThanOrEqual(1);
      expect(overdue[0].step.month).not.toBe(month);
      expect(overdue[0].step.due.due.slice(8)).toMatch(/^(0[7-9]|1\d)$/);
      // A report twice is refused by the workflow itself.
      expect(await refusal(t.act('reportFeedback', { month, summary: '再次', actor: IMPLEMENTER }))).toEqual({ type: 'ActionRefused', message: `the report on ${month} has already been made` });
    }));

  it('R11: an objection suspends the measures; a rejection resumes them with the period end moved by exactly the days suspended', () =>
    suite.withTarget('r11-rejected', async (t) => {
      await inForce(t, pinned('DM-A', { period: { days: 60 } }));
      const end = (await t.state()).cases[0].inForce[0].periodEnd!;
      const filed = await t.act('fileObjection', { caseId: 'C1', actor: ENFORCEMENT, objectionId: 'O1', reason: '对处罚决定有异议' });
      expect(filed.detail).toMatchObject({ suspended: ['DM-A'] });
      expect(filed.opened.map((s) => [s.kind, s.agencyId])).toEqual([['objection_verification', ENFORCEMENT]]);
      await suite.env().sleep('10 days');
      const decided = await t.act('decideObjection', { caseId: 'C1', actor: ENFORCEMENT, objectionId: 'O1', outcome: 'rejected', reason: '异议不成立' });
      const [resumed] = decided.detail.resumed as { oldEnd: string; newEnd: string; suspendedDays: number }[];
      expect(resumed).toMatchObject({ oldEnd: end, suspendedDays: 10 });
      expect(resumed.newEnd).toBe(addDays(end, 10));
      expect((await t.state()).cases[0].inForce[0]).toMatchObject({ status: 'active', periodEnd: addDays(end, 10) });
    }));

  it('R11: a measure acknowledged while an objection is verified comes into force suspended, and a rejection moves its end by the days suspended', () =>
    suite.withTarget('r11-ack-during', async (t) => {
      await inForce(t, pinned('DM-A', { period: { days: 60 } }), false);
      await t.act('fileObjection', { caseId: 'C1', actor: ENFORCEMENT, objectionId: 'O1', reason: '异议' });
      const ack = await t.act('acknowledge', { caseId: 'C1', actor: IMPLEMENTER });
      const today = shanghaiDateOf(Date.parse(ack.at));
      expect((ack.detail.measures as { status: string }[])[0]).toMatchObject({ status: 'suspended', suspendedOn: today });
      expect(t.rec.calls.recordAcknowledgement[0].activated[0].status).toBe('suspended');
      // Suspended: no period end runs.
      expect((await t.state()).steps.some((s) => s.kind === 'period_end')).toBe(false);
      await suite.env().sleep('7 days');
      const decided = await t.act('decideObjection', { caseId: 'C1', actor: ENFORCEMENT, objectionId: 'O1', outcome: 'rejected', reason: '不成立' });
      expect(decided.detail.resumed).toEqual([{ code: 'DM-A', oldEnd: addDays(today, 60), newEnd: addDays(today, 67), suspendedDays: 7 }]);
      expect((await t.state()).steps.find((s) => s.kind === 'period_end')!.due.due).toBe(addDays(today, 67));
      await recordHistory(t.handle(), 'target-objection');
    }));

  it('R11: an upheld objection has the AUTHORITY release within 3 working days; late is overdue; the release closes it and releases every measure', () =>
    suite.withTarget('r11-upheld', async (t) => {
      await inForce(t);
      await t.act('fileObjection', { caseId: 'C1', actor: ENFORCEMENT, objectionId: 'O1', reason: '异议' });
      const upheld = await t.act('decideObjection', { caseId: 'C1', actor: ENFORCEMENT, objectionId: 'O1', outcome: 'upheld', reason: '事由被撤销' });
      expect(upheld.opened.map((s) => [s.kind, s.agencyId])).toEqual([['objection_release', AUTHORITY]]);
      await suite.env().sleep('6 days');
      expect(t.rec.calls.recordOverdue.filter((c) => c.step.kind === 'objection_release')).toHaveLength(1);
      const released = await t.act('releaseCase', { caseId: 'C1', actor: AUTHORITY });
      expect(released.closed).toContain('objection_release/C1/O1');
      expect(released.detail).toEqual({ released: ['DM-A'] });
      expect((await t.state()).cases[0]).toMatchObject({ status: 'released' });
      expect((await refusal(t.act('acknowledge', { caseId: 'C1', actor: IMPLEMENTER }))).message).toMatch(/were released \(R11\)/);
    }));

  it('R11: an objection not answered within 15 working days is overdue for the agency that filed the case', () =>
    suite.withTarget('r11-late', async (t) => {
      await inForce(t);
      await t.act('fileObjection', { caseId: 'C1', actor: ENFORCEMENT, objectionId: 'O1', reason: '异议' });
      await suite.env().sleep('25 days');
      const late = t.rec.calls.recordOverdue.filter((c) => c.step.kind === 'objection_verification');
      expect(late.map((c) => c.step.agencyId)).toEqual([ENFORCEMENT]);
    }));
});
