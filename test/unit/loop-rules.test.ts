// The loop's pure rules (domain/loop/), called without an engine: who may act and when (the
// judge), measures in force, suspended, resumed and released, the monthly reports, timers and
// the closing of the loop.
import { describe, expect, it } from 'vitest';
import { addDays } from '../../domain/dates';
import { TargetBook, openStep } from '../../domain/loop/book';
import { feedbackSpecs, monthEnded, reportReceived, syncFeedbackMonth } from '../../domain/loop/feedback';
import { judge } from '../../domain/loop/judge';
import { activate, reinstate, repairApproved, resumeAll, suspendAll, syncPeriodEnds } from '../../domain/loop/measures';
import type { CaseState, PinnedMeasure } from '../../domain/loop/state';
import { deadlineOnDate } from '../../domain/working-days';

const pin = (code: string, over: Partial<PinnedMeasure> = {}): PinnedMeasure => ({
  code, version: 1, category: 'R6', period: { days: 100 }, legalMinimum: null, feedbackSet: true, outsideLocalAuthority: false, implementerKind: 'approval_agency', ...over,
});

function bookWith(measures: PinnedMeasure[] = [pin('M')]): { book: TargetBook; c: CaseState } {
  const book = TargetBook.open('E1', 'enterprise');
  const c: CaseState = {
    caseId: 'C1', source: 'penalty_decision', documentNumber: 'N', originatorId: 'enf', authorityId: 'auth', status: 'pushed',
    pushedAt: '2026-03-02T02:00:00.000Z', pushDueOn: '2026-03-05', pushDueProvisional: false, late: false, seriousness: 'general',
    repeated: false, measures, implementers: [], notApplicable: [], inForce: [], objection: null, complaint: null, repair: null, upward: [], consultations: [], causeChange: null,
    decidedOn: '2026-03-02', penalty: null, terms: null, publicity: [], letters: [],
  };
  book.state.cases.push(c);
  return { book, c };
}
const at = '2026-03-02T02:00:00.000Z';

describe('the judge of actions (domain/loop/judge.ts)', () => {
  it('R5: only the AUTHORITY the case is addressed to receives it, once', () => {
    const { book, c } = bookWith();
    expect(judge(book, 'receiveCase', { caseId: 'C1', actor: 'other', at })).toEqual({ type: 'ActionForbidden', message: 'only the AUTHORITY this case is addressed to may do this' });
    expect(judge(book, 'receiveCase', { caseId: 'C1', actor: 'auth', at })).toBeNull();
    c.status = 'received';
    expect(judge(book, 'receiveCase', { caseId: 'C1', actor: 'auth', at })?.message).toBe('the case has already been received');
  });

  it('R4: a measure executed outside the local system is never pushed to an implementer; R5: one measure, one implementer', () => {
    const { book } = bookWith([pin('M'), pin('X', { outsideLocalAuthority: true })]);
    const push = (implementers: { agencyId: string; kind: string; measures: string[] }[]) => judge(book, 'pushToImplementers', { caseId: 'C1', actor: 'auth', at, implementers });
    expect(push([{ agencyId: 'i', kind: 'approval_agency', measures: ['X'] }])?.message).toMatch(/outside the local system .*\(R4\)/);
    expect(push([{ agencyId: 'i', kind: 'approval_agency', measures: ['Q'] }])?.message).toBe('Q is not a measure of this case');
    expect(push([{ agencyId: 'i', kind: 'approval_agency', measures: ['M'] }, { agencyId: 'j', kind: 'approval_agency', measures: ['M'] }])?.message).toBe('M is given to both i and j');
    expect(push([{ agencyId: 'i', kind: 'approval_agency', measures: ['M'] }])).toBeNull();
  });

  it('R11: the objection is taken by the agency that filed the case, or recorded for it by a CREDIT agency, and decided by the filer (谁决定、谁负责), one at a time', () => {
    const { book, c } = bookWith();
    expect(judge(book, 'fileObjection', { caseId: 'C1', actor: 'credit', at, objectionId: 'O', reason: 'r' })?.type).toBe('ActionForbidden');
    expect(judge(book, 'fileObjection', { caseId: 'C1', actor: 'credit', at, objectionId: 'O', reason: 'r', viaOffice: true })).toBeNull();
    expect(judge(book, 'fileObjection', { caseId: 'C1', actor: 'enf', at, objectionId: 'O', reason: 'r' })).toBeNull();
    c.objection = { objectionId: 'O', raisedBy: 'party', raiserId: 'enf', filedOn: '2026-03-02', outcome: null, decidedOn: null, releasedOn: null };
    expect(judge(book, 'fileObjection', { caseId: 'C1', actor: 'enf', at, objectionId: 'O2', reason: 'r' })?.message).toBe('objection O is still being verified');
    expect(judge(book, 'decideObjection', { caseId: 'C1', actor: 'enf', at, objectionId: 'O9', outcome: 'upheld', reason: 'r' })?.message).toBe('no objection O9 on this case');
    expect(judge(book, 'decideObjection', { caseId: 'C1', actor: 'credit', at, objectionId: 'O', outcome: 'upheld', reason: 'r' })?.type).toBe('ActionForbidden');
  });

  it('R12: a serious case is repaired only a year after its measures came into force, a repeated one three', () => {
    const { book, c } = bookWith();
    c.seriousness = 'serious';
    c.inForce.push(...activate({ ...c, implementers: [{ agencyId: 'i', measures: ['M'], acknowledgedAt: at }] }, 'i', '2026-03-02'));
    const file = (when: string) => judge(book, 'fileRepair', { caseId: 'C1', actor: 'enf', at: when, repairId: 'R', commitment: null });
    expect(file('2027-03-01T02:00:00.000Z')?.message).toBe('a serious case can be repaired from 2027-03-02 (R12)');
    expect(file('2027-03-02T02:00:00.000Z')).toBeNull();
    c.repeated = true;
    expect(file('2028-03-02T02:00:00.000Z')?.message).toBe('a repeated serious case can be repaired from 2029-03-02 (R12)');
  });

  it('R9: a report is owed only while its step is open, and made once', () => {
    const { book, c } = bookWith();
    c.implementers = [{ agencyId: 'i', measures: ['M'], acknowledgedAt: at }];
    const report = (month: string, actor = 'i') => judge(book, 'reportFeedback', { month, summary: 's', actor, at });
    expect(report('2026-03', 'x')?.type).toBe('ActionForbidden');
    expect(report('2026-03')?.message).toBe('no report on 2026-03 is owed by this implementer on this target');
    book.addSteps([openStep(feedbackSpecs(book, '2026-03', ['i'])[0], deadlineOnDate('2026-04-07'))]);
    expect(report('2026-03')).toBeNull();
    reportReceived(book, '2026-03', 'i');
    expect(report('2026-03')?.message).toBe('the report on 2026-03 has already been made');
  });
});

describe('measures (domain/loop/measures.ts)', () => {
  it('R6: in force from the acknowledgement for the pinned period; R11: suspended when an objection is pending', () => {
    const { c } = bookWith([pin('M', { period: { years: 1 } }), pin('P', { period: 'permanent' })]);
    c.implementers = [{ agencyId: 'i', measures: ['M', 'P'], acknowledgedAt: at }];
    c.objection = { objectionId: 'O', raisedBy: 'party', raiserId: 'enf', filedOn: '2026-03-01', outcome: null, decidedOn: null, releasedOn: null };
    const [m, p] = activate(c, 'i', '2026-03-02');
    expect(m).toMatchObject({ status: 'suspended', suspendedOn: '2026-03-02', periodEnd: '2027-03-02', minimumEnd: null });
    expect(p).toMatchObject({ periodEnd: null, minimumEnd: 'never' });
  });

  it('R11: a rejection resumes from the rejection day, the period end moved by exactly the days suspended', () => {
    const { book, c } = bookWith();
    c.implementers = [{ agencyId: 'i', measures: ['M'], acknowledgedAt: at }];
    activate(c, 'i', '2026-03-02');
    syncPeriodEnds(book, c);
    expect(book.state.steps.map((s) => [s.kind, s.due.due])).toEqual([['period_end', addDays('2026-03-02', 100)]]);
    expect(suspendAll(c, '2026-03-10')).toEqual(['M']);
    syncPeriodEnds(book, c);
    expect(book.state.steps).toEqual([]);
    expect(resumeAll(c, '2026-03-20')).toEqual([{ code: 'M', oldEnd: '2026-06-10', newEnd: '2026-06-20', suspendedDays: 10 }]);
    syncPeriodEnds(book, c);
    expect(book.state.steps[0].due.due).toBe('2026-06-20');
  });

  it('R12: an approved repair waits for a legal minimum; a broken commitment puts the released measures back in force', () => {
    const { c } = bookWith([pin('M'), pin('L', { legalMinimum: { days: 30 } })]);
    c.implementers = [{ agencyId: 'i', measures: ['M', 'L'], acknowledgedAt: at }];
    activate(c, 'i', '2026-03-02');
    expect(repairApproved(c, '2026-03-10')).toEqual({ releasedNow: ['M'], deferred: [{ code: 'L', until: '2026-04-01' }] });
    expect(c.inForce.find((m) => m.code === 'L')).toMatchObject({ status: 'active', periodEnd: '2026-04-01', pendingRelease: { reason: 'repair' } });
    expect(reinstate(c, '2026-03-20')).toEqual(['M']);
    expect(c.inForce.find((m) => m.code === 'L')).toMatchObject({ periodEnd: '2026-06-10' });
  });
});

describe('reports, timers and the end of the loop (domain/loop/book.ts, feedback.ts)', () => {
  it('R9: the month-end timer opens the next month for every implementer still carrying a feedback-set measure', () => {
    const { book, c } = bookWith();
    c.implementers = [{ agencyId: 'i', measures: ['M'], acknowledgedAt: at }];
    activate(c, 'i', '2026-03-02');
    syncFeedbackMonth(book, '2026-03');
    expect(book.state.steps.map((s) => [s.kind, s.month, s.due.due])).toEqual([['feedback_month', '2026-03', '2026-03-31']]);
    const { next, specs } = monthEnded(book, '2026-03');
    expect(next).toBe('2026-04');
    expect(specs.map((s) => [s.kind, s.month, s.agencyId])).toEqual([['feedback', '2026-04', 'i']]);
    expect(book.state.steps.map((s) => [s.kind, s.month])).toEqual([['feedback_month', '2026-04']]);
  });

  it('R14: the next timer is a step\'s deadline, or the next reminder of one already overdue', () => {
    const { book } = bookWith();
    book.addSteps([
      openStep({ kind: 'receipt', caseId: 'C1', agencyId: 'auth', deadline: { endOfDay: '2026-03-05' } }, deadlineOnDate('2026-03-05')),
      openStep({ kind: 'implementer_push', caseId: 'C1', agencyId: 'auth', deadline: { endOfDay: '2026-03-06' } }, deadlineOnDate('2026-03-06')),
    ]);
    expect(book.nextTimer()).toMatchObject({ step: { key: 'receipt/C1' }, reminder: false });
    book.markOverdue('receipt/C1', deadlineOnDate('2026-03-09'));
    expect(book.nextTimer()).toMatchObject({ step: { key: 'implementer_push/C1' }, reminder: false });
    book.markOverdue('implementer_push/C1', deadlineOnDate('2026-03-10'));
    expect(book.nextTimer()).toMatchObject({ step: { key: 'receipt/C1' }, reminder: true, atMs: deadlineOnDate('2026-03-09').dueAtMs });
  });

  it('R10: the loop is closed only when no step is owed and every measure carried out is released', () => {
    const { book, c } = bookWith([pin('M', { feedbackSet: false })]);
    expect(book.finished()).toBe(false);
    c.status = 'implementing';
    c.implementers = [{ agencyId: 'i', measures: ['M'], acknowledgedAt: at }];
    activate(c, 'i', '2026-03-02');
    expect(book.finished()).toBe(false);
    c.inForce[0].status = 'released';
    expect(book.finished()).toBe(true);
    book.addSteps([openStep({ kind: 'repair_review', caseId: 'C1', agencyId: 'enf', ref: 'R', deadline: { endOfDay: '2026-03-20' } }, deadlineOnDate('2026-03-20'))]);
    expect(book.finished()).toBe(false);
  });

  it('a retried action is answered from what the workflow remembers, for a week', () => {
    const { book } = bookWith();
    const answer = { action: 'receiveCase' as const, caseId: 'C1', at, fingerprint: 'f', opened: [], closed: [], detail: {} };
    book.remember('ag/key', answer, Date.parse(at));
    expect(book.appliedAnswer('ag/key')).toEqual(answer);
    book.remember('ag/other', { ...answer, at: '2026-03-20T00:00:00.000Z' }, Date.parse('2026-03-20T00:00:00.000Z'));
    expect(book.appliedAnswer('ag/key')).toBeUndefined();
  });
});
