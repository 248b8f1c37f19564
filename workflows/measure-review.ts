// R1 A change to the two lists (立改废) takes effect only after CREDIT reviews it together with
// LEGAL: both must approve, one rejection ends it. The review has a working-day deadline that
// reminds the reviewers still to decide and escalates to supervisors (R14). An approved version
// takes effect on its effective date; a retirement then tells the AUTHORITY of every open case.
import { condition, setHandler, sleep } from '@temporalio/workflow';
import { acts } from './activities';
import { endOfShanghaiDay, shanghaiDateOf } from '../domain/dates';
import {
  measureReviewStateQuery, reviewDecisionSignal,
  type MeasureReviewInput, type MeasureReviewState, type ReviewDecisionMessage,
} from './messages';


/** R1: CREDIT and LEGAL decide within 10 working days of the proposal (the default). */
export const REVIEW_WORKING_DAYS = 10;

export async function measureReviewWorkflow(input: MeasureReviewInput): Promise<MeasureReviewState> {
  const state: MeasureReviewState = {
    changeId: input.changeId, status: 'under_review', credit: null, legal: null,
    reviewDue: null, escalated: false, effectiveFrom: input.effectiveFrom,
  };
  const inbox: ReviewDecisionMessage[] = [];
  setHandler(reviewDecisionSignal, (d) => void inbox.push(d));
  setHandler(measureReviewStateQuery, () => state);

  const due = await acts.computeDeadline({ after: input.proposedAt, workingDays: REVIEW_WORKING_DAYS });
  state.reviewDue = { due: due.due, dueAt: due.dueAt, dueAtMs: due.dueAtMs, provisional: due.provisional };
  await acts.openMeasureReview({ changeId: input.changeId, reviewDueAt: due.dueAt, at: input.proposedAt });

  while (state.status === 'under_review') {
    const waiting = Math.max(0, due.dueAtMs - Date.now());
    const woken = state.escalated
      ? (await condition(() => inbox.length > 0), true)
      : await condition(() => inbox.length > 0, waiting);
    if (!woken) {
      state.escalated = true;
      await acts.escalateMeasureReview({
        changeId: input.changeId, dueAt: due.dueAt, detectedAt: new Date().toISOString(),
        waitingFor: [state.credit ? null : 'CREDIT', state.legal ? null : 'LEGAL'].filter((r): r is 'CREDIT' | 'LEGAL' => r !== null),
      });
      continue;
    }
    while (inbox.length > 0 && state.status === 'under_review') {
      const d = inbox.shift()!;
      const slot = d.role === 'CREDIT' ? 'credit' : 'legal';
      if (state[slot]) continue; // each role decides once
      state[slot] = d;
      await acts.recordReviewDecision({ changeId: input.changeId, decision: d });
      if (!d.approve) state.status = 'rejected';
      else if (state.credit?.approve && state.legal?.approve) state.status = 'approved';
    }
  }

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
