// R1 A change to the two lists (立改废) takes effect only after CREDIT reviews it together with
// LEGAL: both must approve, one rejection ends it. The review has a working-day deadline that
// reminds the reviewers still to decide and escalates to supervisors (R14). An approved version
// takes effect on its effective date; a retirement then tells the AUTHORITY of every open case.
import { allHandlersFinished, ApplicationFailure, condition, setHandler, sleep } from '@temporalio/workflow';
import { acts } from './activities';
import { endOfShanghaiDay, shanghaiDateOf } from '../domain/dates';
import { workingDaysOf } from '../domain/steps';
import {
  decideMeasureChangeUpdate, measureReviewStateQuery, REFUSED,
  type MeasureReviewInput, type MeasureReviewState, type ReviewDecisionMessage,
} from './messages';

/** R1: CREDIT and LEGAL decide within 10 working days of the proposal (the registry's measure_review). */
export const REVIEW_WORKING_DAYS = workingDaysOf('measure_review');

export async function measureReviewWorkflow(input: MeasureReviewInput): Promise<MeasureReviewState> {
  const state: MeasureReviewState = {
    changeId: input.changeId, status: 'under_review', credit: null, legal: null,
    reviewDue: null, escalated: false, effectiveFrom: input.effectiveFrom,
  };
  const slot = (d: ReviewDecisionMessage) => (d.role === 'CREDIT' ? 'credit' : 'legal');
  const refusal = (d: ReviewDecisionMessage): string | null => {
    if (state.status !== 'under_review') return `the change is already ${state.status}`;
    return state[slot(d)] ? `${d.role} has already decided this change` : null;
  };
  // R1 (separation of duties): the two approvals come from two different agencies; an agency
  // holding both roles decides in one of them only. Judged in the validator alone, which never
  // runs on replay, so that histories accepted before this rule replay unchanged.
  const sameAgency = (d: ReviewDecisionMessage): string | null => {
    const other = d.role === 'CREDIT' ? state.legal : state.credit;
    return other?.agencyId === d.agencyId
      ? `${d.agencyName} has already decided this change as ${other.role}: the two decisions of a list change come from two different agencies`
      : null;
  };
  setHandler(measureReviewStateQuery, () => state);
  setHandler(decideMeasureChangeUpdate, async (d) => {
    const why = refusal(d);
    if (why) throw ApplicationFailure.nonRetryable(why, REFUSED);
    state[slot(d)] = d;
    if (!d.approve) state.status = 'rejected';
    else if (state.credit?.approve && state.legal?.approve) state.status = 'approved';
    await acts.recordReviewDecision({ changeId: input.changeId, decision: d });
    return state;
  }, {
    validator: (d) => {
      const why = refusal(d) ?? sameAgency(d);
      if (why) throw ApplicationFailure.nonRetryable(why, REFUSED);
    },
  });

  const due = await acts.computeDeadline({ after: input.proposedAt, workingDays: REVIEW_WORKING_DAYS });
  state.reviewDue = { due: due.due, dueAt: due.dueAt, dueAtMs: due.dueAtMs, provisional: due.provisional };
  await acts.openMeasureReview({ changeId: input.changeId, reviewDueAt: due.dueAt, at: input.proposedAt });

  const decided = await condition(() => state.status !== 'under_review', Math.max(0, due.dueAtMs - Date.now()));
  if (!decided) {
    state.escalated = true;
    await acts.escalateMeasureReview({
      changeId: input.changeId, dueAt: due.dueAt, detectedAt: new Date().toISOString(),
      waitingFor: [state.credit ? null : 'CREDIT', state.legal ? null : 'LEGAL'].filter((r): r is 'CREDIT' | 'LEGAL' => r !== null),
    });
    await condition(() => state.status !== 'under_review');
  }
  await condition(allHandlersFinished);

  if (state.status === 'rejected') {
    await acts.closeMeasureChange({ changeId: input.changeId, status: 'rejected', at: new Date().toISOString() });
    return state;
  }

  // Approved: the new version is written now and takes effect on its date (never before today).
  const today = shanghaiDateOf(Date.now());
  const effectiveFrom = input.effectiveFrom && input.effectiveFrom > today ? input.effectiveFrom : today;
  state.effectiveFrom = effectiveFrom;
  await acts.applyMeasureChange({ changeId: input.changeId, effectiveFrom, at: new Date().toISOString() });
  const startOfEffectiveDay = endOfShanghaiDay(effectiveFrom).epochMs - 86_400_000;
  if (startOfEffectiveDay > Date.now()) await sleep(startOfEffectiveDay - Date.now());
  await acts.measureChangeTookEffect({ changeId: input.changeId, at: new Date().toISOString() });
  state.status = 'effective';
  return state;
}
