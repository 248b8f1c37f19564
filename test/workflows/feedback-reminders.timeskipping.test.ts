// R14 on R9: a missing monthly report is reminded every N working days until it arrives, in the
// Java time-skipping server, while the next months' reports are asked for as usual.
import { describe, expect, it } from 'vitest';
import { recordHistory } from '../support/histories';
import { AUTHORITY, pinned } from '../support/target-driver';
import { timeSkippingSuite } from '../support/timeskipping';

const suite = timeSkippingSuite();

describe('R14 on R9: reminders of a missing report (time skipping)', () => {
  it('R14: a missing monthly report is reminded every 2 working days until it arrives; the next month is asked for meanwhile', () =>
    suite.withTarget('r9-remind', async (t) => {
      await t.file('C1', { measures: [pinned('DM-R8-ASSOC-CRITICISM', { period: { years: 1 } })] });
      await t.act('pushToImplementers', { caseId: 'C1', actor: AUTHORITY, implementers: [{ agencyId: 'association', kind: 'approval_agency', measures: ['DM-R8-ASSOC-CRITICISM'] }] });
      const ack = await t.act('acknowledge', { caseId: 'C1', actor: 'association' });
      const first = ack.opened[0];
      // Past the due date and two weeks more, with no report.
      await suite.env().sleep(Date.parse(first.dueAt) - (await suite.env().currentTimeMs()) + 14 * 86_400_000);
      expect(t.rec.calls.recordOverdue.filter((o) => o.step.key === first.key)).toHaveLength(1);
      const reminders = t.rec.calls.recordReminder.filter((e) => e.step.key === first.key);
      // 14 calendar days hold at least 8 working days on the provisional calendar: 4 reminders or more.
      expect(reminders.length).toBeGreaterThanOrEqual(4);
      expect(reminders.map((r) => r.reminder)).toEqual(reminders.map((_, i) => i + 1));
      expect(reminders[0].step).toMatchObject({ rule: 'R9', agencyId: 'association', month: first.month });
      // The next month's report is owed meanwhile, on its own due date.
      const next = (await t.state()).steps.find((s) => s.kind === 'feedback' && s.month! > first.month!)!;
      expect(next.due.dueAtMs).toBeGreaterThan(await suite.env().currentTimeMs());
      // The report arrives: the reminders stop.
      await t.act('reportFeedback', { month: first.month!, summary: '补报', actor: 'association' });
      const sent = t.rec.calls.recordReminder.filter((e) => e.step.key === first.key).length;
      await suite.env().sleep('6 days');
      expect(t.rec.calls.recordReminder.filter((e) => e.step.key === first.key)).toHaveLength(sent);
      // A handful of events per reminder, not a loop of zero-length timers.
      expect((await t.handle().describe()).historyLength).toBeLessThan(400);
      await recordHistory(t.handle(), 'target-feedback-reminders');
    }));
});
