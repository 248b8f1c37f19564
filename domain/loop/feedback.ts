// R9: every implementer carrying a feedback-set measure reports each month's implementation
// before the 7th of the next month (000 §二(五) 实施机构在每月7日前将上个月…反馈至闭环系统).
// One step per month and implementer, opened when the month starts or a measure comes into
// force in it; a system timer at the end of each month opens the next month's. Pure.
import { lastDayOfMonth, nextMonth } from '../dates';
import { deadlineOnDate } from '../working-days';
import type { StepSpec } from '../steps';
import { openStep, type TargetBook } from './book';

const reportKey = (month: string, implementerId: string) => `${month}|${implementerId}`;

export function hasReported(book: TargetBook, month: string, implementerId: string): boolean {
  return book.state.reported.includes(reportKey(month, implementerId));
}

/** Implementers with a feedback-set measure not yet released (in force or suspended). */
export function reportingImplementers(book: TargetBook): string[] {
  const ids = new Set<string>();
  for (const c of book.state.cases) {
    for (const m of c.inForce) if (m.feedbackSet && m.status !== 'released') ids.add(m.implementerId);
  }
  return [...ids].sort();
}

/** The reports on `month` owed by these implementers and not yet asked for. */
export function feedbackSpecs(book: TargetBook, month: string, implementerIds: string[]): StepSpec[] {
  return implementerIds
    .filter((agencyId) => !hasReported(book, month, agencyId) && !book.hasStep({ kind: 'feedback', caseId: null, agencyId, month }))
    .map((agencyId) => ({ kind: 'feedback', caseId: null, agencyId, month, deadline: { feedbackMonth: month } }));
}

/** The month-end timer runs while some feedback-set measure is unreleased; it opens the next month's reports. */
export function syncFeedbackMonth(book: TargetBook, month: string): void {
  const running = book.state.steps.find((s) => s.kind === 'feedback_month');
  if (reportingImplementers(book).length === 0) {
    if (running) book.closeSteps((s) => s.kind === 'feedback_month');
    return;
  }
  if (running) return;
  const last = lastDayOfMonth(month);
  book.addSteps([openStep({ kind: 'feedback_month', caseId: null, agencyId: null, month, deadline: { endOfDay: last } }, deadlineOnDate(last))]);
}

/** The month ended: the reports on the next one are owed by every implementer still carrying a measure. */
export function monthEnded(book: TargetBook, month: string): { next: string; specs: StepSpec[] } {
  book.closeSteps((s) => s.kind === 'feedback_month');
  const next = nextMonth(month);
  const specs = feedbackSpecs(book, next, reportingImplementers(book));
  syncFeedbackMonth(book, next);
  return { next, specs };
}

/** A report arrived: the step is done. */
export function reportReceived(book: TargetBook, month: string, implementerId: string): string[] {
  book.state.reported.push(reportKey(month, implementerId));
  return book.closeStep('feedback', { month, agencyId: implementerId }).map((s) => s.key);
}
