// R11 beyond the objection: a cause changed or revoked by review, reconsideration or litigation
// (adjusted or released by the AUTHORITY within 3 working days of the confirmation), complaints
// to the joint-conference office, and an implementer's flag that the information is wrong. In the
// Java time-skipping server, driven by the Updates the API sends.
import { describe, expect, it } from 'vitest';
import { addDays, shanghaiDateOf } from '../../domain/dates';
import { addWorkingDays, calendarOf } from '../../domain/working-days';
import { eventually } from '../support/eventually';
import { recordHistory } from '../support/histories';
import { AUTHORITY, ENFORCEMENT, pinned, refusal, targetDriver } from '../support/target-driver';
import { timeSkippingSuite } from '../support/timeskipping';

const suite = timeSkippingSuite();
const IMPLEMENTER = 'ag-implementer';
const OFFICE = 'ag-credit-office';
const weekdays = calendarOf([]);
const document = { number: '浙行复〔2026〕12号', issuedOn: '2026-01-05', issuer: '浙江省人民政府' };

/** Filed, pushed and acknowledged: DM-A (one year) in force from today. */
async function inForce(t: ReturnType<typeof targetDriver>) {
  await t.file('C1', { measures: [pinned('DM-A', { feedbackSet: false })] });
  await t.deliver('C1');
  await t.act('pushToImplementers', { caseId: 'C1', actor: AUTHORITY, implementers: [{ agencyId: IMPLEMENTER, kind: 'approval_agency', measures: ['DM-A'] }] });
  const ack = await t.act('acknowledge', { caseId: 'C1', actor: IMPLEMENTER });
  return shanghaiDateOf(Date.parse(ack.at));
}

describe('R11 a cause changed or revoked (time skipping)', () => {
  it('R11: the AUTHORITY owes the adjustment 3 working days from the confirmation (not from the recording); late, it is overdue', () =>
    suite.withTarget('r11-cause-overdue', async (t) => {
      const today = await inForce(t);
      const confirmedOn = addDays(today, -2);
      const recorded = await t.act('recordCauseChange', { caseId: 'C1', actor: ENFORCEMENT, change: 'changed', document, confirmedOn });
      expect(recorded.opened.map((s) => [s.key, s.agencyId, s.rule])).toEqual([['cause_adjustment/C1', AUTHORITY, 'R11']]);
      expect(recorded.opened[0].dueOn).toBe(addWorkingDays(weekdays, confirmedOn, 3).due);
      expect((await refusal(t.act('recordCauseChange', { caseId: 'C1', actor: AUTHORITY, change: 'changed', document, confirmedOn }))).type).toBe('ActionForbidden');
      expect((await refusal(t.act('recordCauseChange', { caseId: 'C1', actor: ENFORCEMENT, change: 'changed', document, confirmedOn }))).message)
        .toMatch(/still awaiting the AUTHORITY's adjustment/);
      await suite.env().sleep('6 days');
      expect(t.rec.calls.recordOverdue.map((c) => c.step.key)).toEqual(['cause_adjustment/C1']);
    }));

  it('R11: a changed cause: the AUTHORITY shortens the period, the measure is released on its new last day', () =>
    suite.withTarget('r11-shorten', async (t) => {
      const today = await inForce(t);
      await t.act('recordCauseChange', { caseId: 'C1', actor: ENFORCEMENT, change: 'changed', document, confirmedOn: today });
      const newEnd = addDays(today, 10);
      const tooLong = await refusal(t.act('adjustCase', { caseId: 'C1', actor: AUTHORITY, release: false, drop: [], shorten: [{ code: 'DM-A', periodEnd: addDays(today, 400) }] }));
      expect(tooLong.message).toMatch(/must come before/);
      const oldEnd = (await t.state()).cases[0].inForce[0].periodEnd;
      const adjusted = await t.act('adjustCase', { caseId: 'C1', actor: AUTHORITY, release: false, drop: [], shorten: [{ code: 'DM-A', periodEnd: newEnd }] });
      expect(adjusted.closed).toEqual(['cause_adjustment/C1']);
      expect(adjusted.detail).toEqual({ released: [], shortened: [{ code: 'DM-A', oldEnd, newEnd }] });
      expect((await t.state()).steps.find((s) => s.kind === 'period_end')!.due.due).toBe(newEnd);
      await suite.env().sleep('12 days');
      expect(t.rec.calls.releaseMeasure).toEqual([expect.objectContaining({ code: 'DM-A', reason: 'period_end' })]);
      await eventually(async () => expect((await t.handle().describe()).status.name).toBe('COMPLETED'));
    }));

  it('R11: a revoked cause: the AUTHORITY releases the case whole, every other step of it no longer owed', () =>
    suite.withTarget('r11-revoked', async (t) => {
      const today = await inForce(t);
      await t.act('recordCauseChange', { caseId: 'C1', actor: ENFORCEMENT, change: 'revoked', document, confirmedOn: today });
      const released = await t.act('adjustCase', { caseId: 'C1', actor: AUTHORITY, release: true, drop: [], shorten: [] });
      expect(released.detail).toEqual({ released: ['DM-A'] });
      expect(t.rec.calls.recordAdjustment[0]).toMatchObject({ release: true, released: ['DM-A'] });
      expect(t.rec.calls.recordAdjustment[0].superseded).toEqual(['period_end/C1/DM-A']);
      // Nothing else is owed on the target: its loop is closed and the run completed.
      await eventually(async () => expect((await t.handle().describe()).status.name).toBe('COMPLETED'));
      expect(t.rec.calls.recordTargetClosed).toHaveLength(1);
      await recordHistory(t.handle(), 'target-cause-revoked');
    }));
});

describe('R11 complaints and flags (time skipping)', () => {
  it('R11: a complaint after a rejected objection suspends the measures again; the office answers in 15 working days or is overdue; rejected, the period resumes', () =>
    suite.withTarget('r11-complaint', async (t) => {
      await inForce(t);
      expect((await refusal(t.act('fileComplaint', { caseId: 'C1', actor: OFFICE, complaintId: 'K1', reason: '不服' }))).message).toMatch(/follows an objection/);
      await t.act('fileObjection', { caseId: 'C1', actor: ENFORCEMENT, objectionId: 'O1', reason: '异议' });
      await t.act('decideObjection', { caseId: 'C1', actor: ENFORCEMENT, objectionId: 'O1', outcome: 'rejected', reason: '事实清楚' });
      const filed = await t.act('fileComplaint', { caseId: 'C1', actor: OFFICE, complaintId: 'K1', reason: '对异议答复不服' });
      expect(filed.detail).toEqual({ complaintId: 'K1', suspended: ['DM-A'] });
      expect(filed.opened.map((s) => [s.key, s.agencyId])).toEqual([['complaint_review/C1/K1', OFFICE]]);
      expect((await t.state()).cases[0].inForce[0].status).toBe('suspended');
      expect((await refusal(t.act('decideComplaint', { caseId: 'C1', actor: 'ag-other-office', complaintId: 'K1', outcome: 'rejected', reason: '—' }))).type).toBe('ActionForbidden');
      await suite.env().sleep('23 days');
      expect(t.rec.calls.recordOverdue.map((c) => c.step.key)).toContain('complaint_review/C1/K1');
      const before = (await t.state()).cases[0].inForce[0].periodEnd!;
      const decided = await t.act('decideComplaint', { caseId: 'C1', actor: OFFICE, complaintId: 'K1', outcome: 'rejected', reason: '维持' });
      const resumed = (decided.detail.resumed as { code: string; newEnd: string; suspendedDays: number }[])[0];
      expect(resumed.suspendedDays).toBeGreaterThanOrEqual(23);
      expect(resumed.newEnd).toBe(addDays(before, resumed.suspendedDays));
    }));

  it('R11: an upheld complaint has the AUTHORITY release within 3 working days', () =>
    suite.withTarget('r11-complaint-upheld', async (t) => {
      await inForce(t);
      await t.act('fileObjection', { caseId: 'C1', actor: ENFORCEMENT, objectionId: 'O1', reason: '异议' });
      await t.act('decideObjection', { caseId: 'C1', actor: ENFORCEMENT, objectionId: 'O1', outcome: 'rejected', reason: '事实清楚' });
      await t.act('fileComplaint', { caseId: 'C1', actor: OFFICE, complaintId: 'K1', reason: '对异议答复不服' });
      const upheld = await t.act('decideComplaint', { caseId: 'C1', actor: OFFICE, complaintId: 'K1', outcome: 'upheld', reason: '认定有误' });
      expect(upheld.opened.map((s) => [s.kind, s.agencyId])).toEqual([['objection_release', AUTHORITY]]);
      const released = await t.act('releaseCase', { caseId: 'C1', actor: AUTHORITY });
      expect(released.detail).toEqual({ released: ['DM-A'] });
      expect((await t.state()).cases[0].complaint).toMatchObject({ outcome: 'upheld', releasedOn: expect.any(String) });
    }));

  it('R11: an implementer that finds the information wrong asks the filing agency to verify; the measures are suspended meanwhile', () =>
    suite.withTarget('r11-flag', async (t) => {
      await inForce(t);
      const flagged = await t.act('flagInformation', { caseId: 'C1', actor: IMPLEMENTER, objectionId: 'F1', reason: '当事人已注销，信息有误' });
      expect(flagged.opened.map((s) => [s.key, s.agencyId])).toEqual([['objection_verification/C1/F1', ENFORCEMENT]]);
      expect((await t.state()).cases[0].objection).toMatchObject({ raisedBy: 'implementer', raiserId: IMPLEMENTER });
      expect(t.rec.calls.recordObjection[0]).toMatchObject({ raisedBy: 'implementer', suspended: ['DM-A'] });
      expect((await refusal(t.act('flagInformation', { caseId: 'C1', actor: 'ag-bystander', objectionId: 'F2', reason: '——' }))).type).toBe('ActionForbidden');
      await suite.env().sleep('25 days');
      expect(t.rec.calls.recordOverdue.map((c) => c.step.key)).toContain('objection_verification/C1/F1');
    }));
});
