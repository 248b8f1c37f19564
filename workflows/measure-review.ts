// R1 A change to the two lists (立改废) takes effect only after CREDIT reviews it together with
// LEGAL (workflows/review.ts): both must approve, one rejection ends it, 10 working days with
// reminders and escalation (R14). An approved version takes effect on its effective date; a
// retirement then tells the AUTHORITY of every open case.
import { acts } from './activities';
import { workingDaysOf } from '../domain/steps';
import { decideMeasureChangeUpdate, measureReviewStateQuery, type MeasureReviewInput, type MeasureReviewState } from './messages';
import { reviewByCreditAndLegal } from './review';

/** R1: CREDIT and LEGAL decide within 10 working days of the proposal (the registry's measure_review). */
export const REVIEW_WORKING_DAYS = workingDaysOf('measure_review');

export async function measureReviewWorkflow(input: MeasureReviewInput): Promise<MeasureReviewState> {
  const { changeId } = input;
  return reviewByCreditAndLegal({
    changeId, proposedAt: input.proposedAt, effectiveFrom: input.effectiveFrom, workingDays: REVIEW_WORKING_DAYS,
    decide: decideMeasureChangeUpdate, state: measureReviewStateQuery, subject: 'a list change',
  }, {
    opened: (due) => acts.openMeasureReview({ changeId, reviewDueAt: due.dueAt, at: input.proposedAt }),
    decided: (decision) => acts.recordReviewDecision({ changeId, decision }),
    overdue: (o) => acts.escalateMeasureReview({ changeId, ...o }),
    rejected: (at) => acts.closeMeasureChange({ changeId, status: 'rejected', at }),
    approved: (effectiveFrom, at) => acts.applyMeasureChange({ changeId, effectiveFrom, at }),
    tookEffect: async (at) => { await acts.measureChangeTookEffect({ changeId, at }); },
  });
}
