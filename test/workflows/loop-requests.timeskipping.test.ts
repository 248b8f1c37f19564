// The steps addressed to one agency: R4 reports passed up level by level, R2/R3 consultations
// (会商) and legal reviews (法制审核); and R5 closure (every measure given to an implementer of
// its kind or recorded as not applicable) and R9's monthly report reaching a target. In the Java
// time-skipping server, driven by the Updates (and the report's signal) the API sends.
import { describe, expect, it } from 'vitest';
import { shanghaiDateOf } from '../../domain/dates';
import { calendarOf, addWorkingDays } from '../../domain/working-days';
import { monthlyReportSignal } from '../../workflows/messages';
import { eventually } from '../support/eventually';
import { recordHistory } from '../support/histories';
import { AUTHORITY, ENFORCEMENT, pinned, refusal } from '../support/target-driver';
import { timeSkippingSuite } from '../support/timeskipping';

const suite = timeSkippingSuite();
const IMPLEMENTER = 'ag-implementer';
const PROVINCE = 'ag-province';
const CREDIT = 'ag-credit';
const LEGAL = 'ag-legal';
const weekdays = calendarOf([]);

describe('R4 upward reports (time skipping)', () => {
  it('R4: a measure executed elsewhere is reported to the AUTHORITY at the same level, due in 3 working days; late, it is overdue', () =>
    suite.withTarget('r4-overdue', async (t) => {
      const recorded = await t.file('C1', { measures: [pinned('DM-A'), pinned('DM-X', { outsideLocalAuthority: true })] });
      expect(recorded.opened.map((s) => [s.kind, s.agencyId, s.rule])).toEqual([
        ['receipt', AUTHORITY, 'R5'], ['implementer_push', AUTHORITY, 'R5'], ['upward_report', AUTHORITY, 'R4'], ['letter_delivery', AUTHORITY, 'R17'],
      ]);
      const today = shanghaiDateOf(Date.parse(recorded.at));
      expect(recorded.opened[2].dueOn).toBe(addWorkingDays(weekdays, today, 3).due);
      await suite.env().sleep('6 days');
      expect(t.rec.calls.recordOverdue.filter((c) => c.step.kind === 'upward_report').map((c) => c.step.agencyId)).toEqual([AUTHORITY]);
    }));

  it('R4: each level passes the report to the next or confirms it, only the level it reached may act, and the loop waits for the last hop', () =>
    suite.withTarget('r4-hops', async (t) => {
      const recorded = await t.file('C1', { measures: [pinned('DM-X', { outsideLocalAuthority: true })] });
      // Nothing of this case is pushed locally: no push to implementers is owed.
      expect(recorded.opened.map((s) => s.key)).toEqual(['receipt/C1', 'upward_report/C1/UR1-1', 'letter_delivery/C1']);
      const notYet = await refusal(t.act('forwardUpwardReport', { caseId: 'C1', actor: PROVINCE, reportId: 'UR1', to: 'ag-samr', note: '' }));
      expect(notYet.type).toBe('ActionForbidden');
      const up = await t.act('forwardUpwardReport', { caseId: 'C1', actor: AUTHORITY, reportId: 'UR1', to: PROVINCE, note: '失信情况：见处罚决定书' });
      expect(up.closed).toEqual(['upward_report/C1/UR1-1']);
      expect(up.opened.map((s) => [s.key, s.agencyId])).toEqual([['upward_report/C1/UR1-2', PROVINCE]]);
      expect((await refusal(t.act('confirmUpwardReport', { caseId: 'C1', actor: AUTHORITY, reportId: 'UR1', note: '' }))).type).toBe('ActionForbidden');
      await suite.env().sleep('6 days');
      expect(t.rec.calls.recordOverdue.filter((c) => c.step.kind === 'upward_report').map((c) => c.step.agencyId)).toEqual([PROVINCE]);
      expect((await t.handle().describe()).status.name).toBe('RUNNING');
      const confirmed = await t.act('confirmUpwardReport', { caseId: 'C1', actor: PROVINCE, reportId: 'UR1', note: '已转国家市场监督管理总局实施' });
      expect(confirmed.closed).toEqual(['upward_report/C1/UR1-2']);
      expect((await t.state()).cases[0].upward[0].hops.map((h) => [h.agencyId, h.outcome])).toEqual([[AUTHORITY, 'forwarded'], [PROVINCE, 'confirmed']]);
      expect((await refusal(t.act('confirmUpwardReport', { caseId: 'C1', actor: PROVINCE, reportId: 'UR1', note: '' }))).message).toMatch(/already confirmed/);
      expect((await t.handle().describe()).status.name).toBe('RUNNING');
      // Received, its notice delivered (R17), and its only measure reported to the body that carries it: nothing is owed here.
      await t.deliver('C1');
      await t.act('receiveCase', { caseId: 'C1', actor: AUTHORITY });
      await eventually(async () => expect((await t.handle().describe()).status.name).toBe('COMPLETED'));
      await recordHistory(t.handle(), 'target-upward-report');
    }));
});

describe('R2/R3 consultation and legal review (time skipping)', () => {
  it('R2: the agencies asked to consult and LEGAL each owe an answer in 5 working days; an answer closes its own request only', () =>
    suite.withTarget('r2-consult', async (t) => {
      const recorded = await t.file('C1', { consultation: true, consultWith: [CREDIT, AUTHORITY], legalReview: LEGAL });
      const asked = recorded.opened.filter((s) => s.kind !== 'receipt' && s.kind !== 'implementer_push' && s.kind !== 'letter_delivery');
      expect(asked.map((s) => [s.key, s.agencyId, s.rule])).toEqual([
        ['consultation/C1/Q1', CREDIT, 'R2'], ['consultation/C1/Q2', AUTHORITY, 'R2'], ['legal_review/C1/L1', LEGAL, 'R2'],
      ]);
      expect(asked[0].dueOn).toBe(addWorkingDays(weekdays, shanghaiDateOf(Date.parse(recorded.at)), 5).due);
      expect((await refusal(t.act('answerConsultation', { caseId: 'C1', actor: LEGAL, requestId: 'Q1', agree: true, reason: '同意' }))).type).toBe('ActionForbidden');
      const agreed = await t.act('answerConsultation', { caseId: 'C1', actor: CREDIT, requestId: 'Q1', agree: true, reason: '同意列入' });
      expect(agreed.closed).toEqual(['consultation/C1/Q1']);
      expect((await refusal(t.act('answerConsultation', { caseId: 'C1', actor: CREDIT, requestId: 'Q1', agree: false, reason: '改变主意' }))).message).toMatch(/already answered/);
      await suite.env().sleep('8 days');
      const overdue = t.rec.calls.recordOverdue.filter((c) => c.step.kind === 'consultation' || c.step.kind === 'legal_review');
      expect(overdue.map((c) => c.step.key).sort()).toEqual(['consultation/C1/Q2', 'legal_review/C1/L1']);
      const disagreed = await t.act('answerConsultation', { caseId: 'C1', actor: LEGAL, requestId: 'L1', agree: false, reason: '法律依据不足' });
      expect(disagreed.closed).toEqual(['legal_review/C1/L1']);
      expect((await t.state()).cases[0].consultations.find((q) => q.requestId === 'L1')!.answer).toMatchObject({ agree: false, reason: '法律依据不足' });
    }));

  it('R3: on an external document the consultation is counted under R3', () =>
    suite.withTarget('r3-consult', async (t) => {
      const at = await t.now();
      const recorded = await t.file('C1', {
        source: 'external_document', actor: CREDIT, receivedOn: shanghaiDateOf(Date.parse(at)), consultation: true, consultWith: [ENFORCEMENT],
        document: { number: '（2026）浙01民初1号', issuedOn: shanghaiDateOf(Date.parse(at)), issuer: '杭州市中级人民法院', kind: 'judgment' },
      });
      expect(recorded.opened.find((s) => s.kind === 'consultation')).toMatchObject({ agencyId: ENFORCEMENT, rule: 'R3' });
    }));
});

describe('R5 every measure reaches an implementer of its kind (time skipping)', () => {
  it('R5: pushes follow one another until every measure is given out or marked not applicable; until then the push is owed, and overdue', () =>
    suite.withTarget('r5-closure', async (t) => {
      await t.file('C1', { measures: [pinned('DM-A'), pinned('DM-P', { implementerKind: 'authority', feedbackSet: false })] });
      const first = await t.act('pushToImplementers', { caseId: 'C1', actor: AUTHORITY, implementers: [{ agencyId: IMPLEMENTER, kind: 'approval_agency', measures: ['DM-A'] }] });
      expect(first.closed).toEqual(['receipt/C1']);
      expect(first.detail).toMatchObject({ remaining: ['DM-P'] });
      const wrongKind = await refusal(t.act('pushToImplementers', { caseId: 'C1', actor: AUTHORITY, implementers: [{ agencyId: 'ag-assoc', kind: 'industry_association', measures: ['DM-P'] }] }));
      expect(wrongKind.message).toBe('DM-P is carried out by an implementer of kind authority; ag-assoc is industry_association');
      const twice = await refusal(t.act('pushToImplementers', { caseId: 'C1', actor: AUTHORITY, implementers: [{ agencyId: 'ag-other', kind: 'approval_agency', measures: ['DM-A'] }] }));
      expect(twice.message).toBe('DM-A has already been pushed to an implementer or marked not applicable');
      await suite.env().sleep('6 days');
      expect(t.rec.calls.recordOverdue.map((c) => c.step.key)).toContain('implementer_push/C1');
      const na = await t.act('markNotApplicable', { caseId: 'C1', actor: AUTHORITY, measures: [{ code: 'DM-P', reason: '本地无该类荣誉评选' }] });
      expect(na.closed).toEqual(['implementer_push/C1']);
      expect(t.rec.calls.recordNotApplicable[0]).toMatchObject({ measures: [{ code: 'DM-P', reason: '本地无该类荣誉评选' }] });
      expect((await refusal(t.act('markNotApplicable', { caseId: 'C1', actor: AUTHORITY, measures: [{ code: 'DM-A', reason: '——' }] }))).message)
        .toMatch(/every measure of the case has already been pushed/);
    }));
});

describe('R9 the monthly report reaches each target (time skipping)', () => {
  it("R9: the implementer's report on the month closes this target's step once; another implementer's report changes nothing", () =>
    suite.withTarget('r9-report', async (t) => {
      await t.file('C1');
      await t.act('pushToImplementers', { caseId: 'C1', actor: AUTHORITY, implementers: [{ agencyId: IMPLEMENTER, kind: 'approval_agency', measures: ['DM-A'] }] });
      const ack = await t.act('acknowledge', { caseId: 'C1', actor: IMPLEMENTER });
      const month = shanghaiDateOf(Date.parse(ack.at)).slice(0, 7);
      const at = await t.now();
      await t.handle().signal(monthlyReportSignal, { implementerId: 'ag-stranger', month, at });
      await t.handle().signal(monthlyReportSignal, { implementerId: IMPLEMENTER, month, at });
      await t.handle().signal(monthlyReportSignal, { implementerId: IMPLEMENTER, month, at });
      await eventually(async () => expect(t.rec.calls.recordFeedback).toHaveLength(1));
      await suite.env().sleep('1 hour'); // the second signal handled too
      expect((await t.state()).reported).toEqual([`${month}|${IMPLEMENTER}`]);
      expect(t.rec.calls.recordFeedback).toEqual([expect.objectContaining({ month, actor: IMPLEMENTER, monthlyReport: true, closed: [`feedback/${month}/${IMPLEMENTER}`] })]);
    }));
});
