// R5 receipt, the push to implementers (each measure to an implementer of its kind, or not
// applicable), acknowledgement and R6–R8 measures in force; R9 reports; R4 reports going up
// level by level; R2/R3 consultation answers. Workflow code: deterministic.
import { hopRef, unassigned } from '../../domain/loop/case';
import { feedbackSpecs, hasReported, reportReceived, syncFeedbackMonth } from '../../domain/loop/feedback';
import { activate, syncPeriodEnds } from '../../domain/loop/measures';
import { shanghaiDateOf } from '../../domain/dates';
import type { CaseState, MonthlyReportFiled } from '../messages';
import type { TargetBook } from '../../domain/loop/book';
import { acts } from '../activities';
import { answer, keys, owed, type Ctx, type Handlers } from './support';

/** R5: the case is received with its first push; the push to implementers is done once every measure is given out. */
function closePushSteps(book: TargetBook, c: CaseState): string[] {
  const all = unassigned(c).length === 0;
  return keys(book.closeSteps((s) => s.caseId === c.caseId && (s.kind === 'receipt' || (all && s.kind === 'implementer_push'))));
}

export const implementationHandlers: Handlers<'receiveCase' | 'pushToImplementers' | 'markNotApplicable' | 'acknowledge'
  | 'reportFeedback' | 'forwardUpwardReport' | 'confirmUpwardReport' | 'answerConsultation'> = {
  /** R5: receipt by the AUTHORITY. */
  async receiveCase({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    c.status = 'received';
    const closed = keys(book.closeStep('receipt', { caseId: c.caseId }));
    await acts.recordReceipt({ ...ref, ...a, closed });
    return answer(a, 'receiveCase', [], closed);
  },

  /** R5: pushed to the implementers the AUTHORITY selects, each measure to one of its kind; each acknowledges. */
  async pushToImplementers({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    const received = c.status === 'pushed';
    c.status = 'implementing';
    c.implementers.push(...a.implementers.map((i) => ({ agencyId: i.agencyId, measures: i.measures, acknowledgedAt: null })));
    const closed = closePushSteps(book, c);
    const on = shanghaiDateOf(a.at);
    const open = a.implementers.map((i) => owed('acknowledgement', c, i.agencyId, on));
    const { opened } = await acts.recordImplementers({ ...ref, ...a, closed, open, received, remaining: unassigned(c) });
    book.addSteps(opened);
    return answer(a, 'pushToImplementers', opened, closed, { remaining: unassigned(c) });
  },

  /** R5: measures no local implementer carries out are recorded as not applicable, with the reason. */
  async markNotApplicable({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    const received = c.status === 'pushed';
    if (received) c.status = 'received';
    c.notApplicable.push(...a.measures);
    const closed = closePushSteps(book, c);
    await acts.recordNotApplicable({ ...ref, ...a, closed, received });
    return answer(a, 'markNotApplicable', [], closed, { remaining: unassigned(c) });
  },

  /** R5, R6–R8: acknowledged; the implementer's measures are in force from today (suspended under objection or complaint, R11). */
  async acknowledge({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    c.implementers.find((i) => i.agencyId === a.actor)!.acknowledgedAt = a.at;
    const closed = keys(book.closeStep('acknowledgement', { caseId: c.caseId, agencyId: a.actor }));
    const today = shanghaiDateOf(a.at);
    const activated = activate(c, a.actor, today);
    syncPeriodEnds(book, c);
    // R9: reports are owed from the month a feedback-set measure comes into force.
    const open = activated.some((m) => m.feedbackSet) ? feedbackSpecs(book, today.slice(0, 7), [a.actor]) : [];
    syncFeedbackMonth(book, today.slice(0, 7));
    const { opened } = await acts.recordAcknowledgement({ ...ref, ...a, closed, open, activated });
    book.addSteps(opened);
    return answer(a, 'acknowledge', opened, closed, { measures: activated });
  },

  /** R9: the month's report. */
  async reportFeedback({ book, ref }, a) {
    const closed = reportReceived(book, a.month, a.actor);
    await acts.recordFeedback({ ...ref, ...a, closed });
    return answer(a, 'reportFeedback', [], closed, { month: a.month });
  },

  /** R4: this level passes the report to the level above, which owes the next step (逐级上报). */
  async forwardUpwardReport({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    const report = c.upward.find((u) => u.reportId === a.reportId)!;
    const on = shanghaiDateOf(a.at);
    Object.assign(report.hops[report.hops.length - 1], { outcome: 'forwarded', decidedOn: on });
    const closed = keys(book.closeStep('upward_report', { caseId: c.caseId, ref: hopRef(report.reportId, report.hops.length) }));
    report.hops.push({ agencyId: a.to, sentOn: on, outcome: null, decidedOn: null });
    const open = [owed('upward_report', c, a.to, on, { ref: hopRef(report.reportId, report.hops.length) })];
    const { opened } = await acts.recordUpwardHop({ ...ref, ...a, outcome: 'forwarded', hop: report.hops.length - 1, measures: report.measures, closed, open });
    book.addSteps(opened);
    return answer(a, 'forwardUpwardReport', opened, closed, { reportId: a.reportId, to: a.to });
  },

  /** R4: the level that carries the measures (or decides there is none above) confirms the report. */
  async confirmUpwardReport({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    const report = c.upward.find((u) => u.reportId === a.reportId)!;
    Object.assign(report.hops[report.hops.length - 1], { outcome: 'confirmed', decidedOn: shanghaiDateOf(a.at) });
    const closed = keys(book.closeStep('upward_report', { caseId: c.caseId, ref: hopRef(report.reportId, report.hops.length) }));
    await acts.recordUpwardHop({ ...ref, ...a, to: null, outcome: 'confirmed', hop: report.hops.length, measures: report.measures, closed });
    return answer(a, 'confirmUpwardReport', [], closed, { reportId: a.reportId });
  },

  /** R2/R3: a consulted agency or LEGAL answers: agree, or disagree with reasons; the filing agency is told. */
  async answerConsultation({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    const q = c.consultations.find((x) => x.requestId === a.requestId)!;
    q.answer = { agree: a.agree, reason: a.reason, on: shanghaiDateOf(a.at) };
    const closed = keys(book.closeStep(q.kind, { caseId: c.caseId, ref: q.requestId }));
    await acts.recordConsultationAnswer({ ...ref, ...a, kind: q.kind, closed });
    return answer(a, 'answerConsultation', [], closed, { requestId: a.requestId, agree: a.agree });
  },
};

/** R9: the implementer's monthly report (POST /reports) reached this target: its report on the month is made. */
export async function monthlyReportFiled({ book, ref }: Ctx, r: MonthlyReportFiled): Promise<void> {
  const owes = book.hasStep({ kind: 'feedback', caseId: null, agencyId: r.implementerId, month: r.month });
  if (!owes || hasReported(book, r.month, r.implementerId)) return;
  const closed = reportReceived(book, r.month, r.implementerId);
  await acts.recordFeedback({ ...ref, month: r.month, summary: '', monthlyReport: true, actor: r.implementerId, at: r.at, closed });
}
