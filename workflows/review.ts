// R1 review by CREDIT together with LEGAL (信用监管机构会同法制机构审核), shared by the changes to the
// two lists (measure-review.ts) and the R15 scoring policies (scoring-policy-review.ts): both must
// approve, one rejection ends it; a working-day deadline reminds the reviewers still to decide and
// escalates to supervisors (R14); an approved change takes effect on its date. Workflow code.
import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';
import { allHandlersFinished, ApplicationFailure, condition, setHandler, sleep } from '@temporalio/workflow';
import { endOfShanghaiDay, shanghaiDateOf } from '../domain/dates';
import type { Deadline } from '../domain/working-days';
import { acts } from './activities';
import { REFUSED, type MeasureReviewState as ReviewState, type ReviewDecisionMessage } from './messages';

/** What a review does at each point, as activities of its own kind of change. */
export interface ReviewHooks {
  opened(due: Deadline): Promise<void>;
  decided(d: ReviewDecisionMessage): Promise<void>;
  overdue(input: { dueAt: string; detectedAt: string; waitingFor: ('CREDIT' | 'LEGAL')[] }): Promise<void>;
  rejected(at: string): Promise<void>;
  approved(effectiveFrom: string, at: string): Promise<void>;
  tookEffect(at: string): Promise<void>;
}

export interface ReviewInput {
  changeId: string;
  proposedAt: string;
  effectiveFrom: string | null;
  workingDays: number;
  decide: UpdateDefinition<ReviewState, [ReviewDecisionMessage]>;
  state: QueryDefinition<ReviewState>;
  /** What is reviewed, in the refusal that names it ("a list change", "a scoring policy"). */
  subject: string;
}

export async function reviewByCreditAndLegal(input: ReviewInput, hooks: ReviewHooks): Promise<ReviewState> {
  const state: ReviewState = {
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
      ? `${d.agencyName} has already decided this change as ${other.role}: the two decisions of ${input.subject} come from two different agencies`
      : null;
  };
  setHandler(input.state, () => state);
  setHandler(input.decide, async (d) => {
    const why = refusal(d);
    if (why) throw ApplicationFailure.nonRetryable(why, REFUSED);
    state[slot(d)] = d;
    if (!d.approve) state.status = 'rejected';
    else if (state.credit?.approve && state.legal?.approve) state.status = 'approved';
    await hooks.decided(d);
    return state;
  }, {
    validator: (d) => {
      const why = refusal(d) ?? sameAgency(d);
      if (why) throw ApplicationFailure.nonRetryable(why, REFUSED);
    },
  });

  const due = await acts.computeDeadline({ after: input.proposedAt, workingDays: input.workingDays });
  state.reviewDue = { due: due.due, dueAt: due.dueAt, dueAtMs: due.dueAtMs, provisional: due.provisional };
  await hooks.opened(due);

  const decided = await condition(() => state.status !== 'under_review', Math.max(0, due.dueAtMs - Date.now()));
  if (!decided) {
    state.escalated = true;
    await hooks.overdue({
      dueAt: due.dueAt, detectedAt: new Date().toISOString(),
      waitingFor: [state.credit ? null : 'CREDIT', state.legal ? null : 'LEGAL'].filter((r): r is 'CREDIT' | 'LEGAL' => r !== null),
    });
    await condition(() => state.status !== 'under_review');
  }
  await condition(allHandlersFinished);

  if (state.status === 'rejected') {
    await hooks.rejected(new Date().toISOString());
    return state;
  }

  // Approved: the new version is written now and takes effect on its date (never before today).
  const today = shanghaiDateOf(Date.now());
  const effectiveFrom = input.effectiveFrom && input.effectiveFrom > today ? input.effectiveFrom : today;
  state.effectiveFrom = effectiveFrom;
  await hooks.approved(effectiveFrom, new Date().toISOString());
  const startOfEffectiveDay = endOfShanghaiDay(effectiveFrom).epochMs - 86_400_000;
  if (startOfEffectiveDay > Date.now()) await sleep(startOfEffectiveDay - Date.now());
  await hooks.tookEffect(new Date().toISOString());
  state.status = 'effective';
  return state;
}
