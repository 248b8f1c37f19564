// R5 receipt and the push to implementers, and R14 escalation of both, in the Java
// time-skipping server: deadlines of days pass in seconds. Driven by the Updates the API sends.
import { describe, expect, it } from 'vitest';
import { activitiesRan, recordHistory } from '../support/histories';
import { AUTHORITY } from '../support/target-driver';
import { timeSkippingSuite } from '../support/timeskipping';

const suite = timeSkippingSuite();
const IMPLEMENTER = 'ag-implementer';

describe('R5 receipt and push to implementers (time skipping)', () => {
  it('R5: a case opens the receipt and the push to implementers for its AUTHORITY, both due 3 working days after the push', () =>
    suite.withTarget('r5-open', async (t) => {
      const recorded = await t.file('C1');
      expect(recorded.opened.map((s) => [s.kind, s.agencyId, s.rule])).toEqual([['receipt', AUTHORITY, 'R5'], ['implementer_push', AUTHORITY, 'R5'], ['letter_delivery', AUTHORITY, 'R17']]);
      expect(recorded.opened[0].dueAt).toBe(recorded.opened[1].dueAt);
      expect((await t.state()).steps.map((s) => s.key)).toEqual(['receipt/C1', 'implementer_push/C1', 'letter_delivery/C1']);
    }));

  it('R5: a receipt not made within 3 working days records the step overdue at the end of its last day', () =>
    suite.withTarget('r5-receipt-overdue', async (t) => {
      await t.file('C1');
      await suite.env().sleep('6 days');
      const overdue = t.rec.calls.recordOverdue.map((c) => c.step.kind);
      expect(overdue).toContain('receipt');
      const receipt = t.rec.calls.recordOverdue.find((c) => c.step.kind === 'receipt')!;
      expect(Date.parse(receipt.detectedAt)).toBeGreaterThanOrEqual(receipt.step.due.dueAtMs);
      expect(receipt.step.agencyId).toBe(AUTHORITY);
      // The Temporal UI names the step the escalation is for (the activity's summary); issue 17: a
      // local activity since LOCAL_WRITES, its summary on its marker.
      const { events } = await t.handle().fetchHistory();
      const ran = activitiesRan(events ?? []).filter((a) => a.name === 'recordOverdue');
      expect(ran.map((a) => a.summary)).toContain('R5 接收 期限 · C1');
      expect(ran.every((a) => a.local)).toBe(true);
    }));

  it('R5: received but never pushed to implementers, the push is overdue, reminded, and the reminders stop when it is pushed', () =>
    suite.withTarget('r5-push-overdue', async (t) => {
      await t.file('C1');
      await t.deliver('C1');
      await t.act('receiveCase', { caseId: 'C1', actor: AUTHORITY });
      await suite.env().sleep('12 days');
      expect(t.rec.calls.recordOverdue.map((c) => c.step.kind)).toEqual(['implementer_push']);
      const reminders = t.rec.calls.recordReminder.filter((c) => c.step.kind === 'implementer_push');
      expect(reminders.length).toBeGreaterThanOrEqual(2);
      expect(reminders.map((r) => r.reminder)).toEqual(reminders.map((_, i) => i + 1));
      const answer = await t.act('pushToImplementers', { caseId: 'C1', actor: AUTHORITY, implementers: [{ agencyId: IMPLEMENTER, kind: 'approval_agency', measures: ['DM-A'] }] });
      expect(answer.closed).toEqual(['implementer_push/C1']);
      const count = t.rec.calls.recordReminder.length;
      await suite.env().sleep('1 day');
      expect(t.rec.calls.recordReminder.filter((c) => c.step.kind === 'implementer_push')).toHaveLength(reminders.length);
      expect(t.rec.calls.recordReminder.length).toBe(count);
    }));

  it('R5: a receipt before its deadline closes it; no overdue record is made', () =>
    suite.withTarget('r5-received', async (t) => {
      await t.file('C1');
      await t.deliver('C1');
      await suite.env().sleep('1 day');
      const answer = await t.act('receiveCase', { caseId: 'C1', actor: AUTHORITY });
      expect(answer.closed).toEqual(['receipt/C1']);
      expect(t.rec.calls.recordReceipt).toEqual([expect.objectContaining({ caseId: 'C1', actor: AUTHORITY, closed: ['receipt/C1'] })]);
      await t.act('pushToImplementers', { caseId: 'C1', actor: AUTHORITY, implementers: [{ agencyId: IMPLEMENTER, kind: 'approval_agency', measures: ['DM-A'] }] });
      await t.act('acknowledge', { caseId: 'C1', actor: IMPLEMENTER });
      await suite.env().sleep('10 days');
      expect(t.rec.calls.recordOverdue.filter((c) => c.step.kind !== 'feedback')).toHaveLength(0);
    }));

  it('R5: pushing to implementers receives the case; an implementer that does not acknowledge within 3 working days is overdue', () =>
    suite.withTarget('r5-ack-overdue', async (t) => {
      await t.file('C1');
      const push = await t.act('pushToImplementers', {
        caseId: 'C1', actor: AUTHORITY, implementers: [{ agencyId: IMPLEMENTER, kind: 'approval_agency', measures: ['DM-A'] }, { agencyId: 'ag-other', kind: 'approval_agency', measures: [] }],
      });
      expect(push.closed).toEqual(['receipt/C1', 'implementer_push/C1']);
      expect(t.rec.calls.recordImplementers[0]).toMatchObject({ received: true });
      expect(push.opened.map((s) => [s.kind, s.agencyId])).toEqual([['acknowledgement', IMPLEMENTER], ['acknowledgement', 'ag-other']]);
      await t.act('acknowledge', { caseId: 'C1', actor: IMPLEMENTER });
      await suite.env().sleep('6 days');
      const late = t.rec.calls.recordOverdue.filter((c) => c.step.kind === 'acknowledgement');
      expect(late.map((c) => c.step.agencyId)).toEqual(['ag-other']);
    }));

  it('R14: an overdue receipt is reminded every 2 working days until it is received, and the receipt ends the reminders', () =>
    suite.withTarget('r14-receipt', async (t) => {
      await t.file('C1');
      await suite.env().sleep('14 days');
      const receipt = t.rec.calls.recordReminder.filter((c) => c.step.kind === 'receipt');
      expect(receipt.length).toBeGreaterThanOrEqual(3);
      // Every 2 working days after the deadline, each reminder numbered.
      expect(receipt.map((r) => r.reminder)).toEqual(receipt.map((_, i) => i + 1));
      await t.act('receiveCase', { caseId: 'C1', actor: AUTHORITY });
      await suite.env().sleep('7 days');
      expect(t.rec.calls.recordReminder.filter((c) => c.step.kind === 'receipt')).toHaveLength(receipt.length);
      await recordHistory(t.handle(), 'target-receipt-reminders');
    }));
});
