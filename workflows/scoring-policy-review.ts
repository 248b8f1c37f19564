// R15 A scoring policy (a file, a new version of a regime) is in force only after CREDIT reviews
// it together with LEGAL, as a change to the lists is (R1, workflows/review.ts): two different
// agencies, 10 working days, reminders and escalation (R14), in force from its effective date.
import { acts } from './activities';
import { workingDaysOf } from '../domain/steps';
import {
  decideScoringPolicyUpdate, scoringPolicyReviewStateQuery, type MeasureReviewState, type ScoringPolicyReviewInput,
} from './messages';
import { reviewByCreditAndLegal } from './review';

export async function scoringPolicyReviewWorkflow(input: ScoringPolicyReviewInput): Promise<MeasureReviewState> {
  const { changeId } = input;
  return reviewByCreditAndLegal({
    changeId, proposedAt: input.proposedAt, effectiveFrom: input.effectiveFrom, workingDays: workingDaysOf('policy_review'),
    decide: decideScoringPolicyUpdate, state: scoringPolicyReviewStateQuery, subject: 'a scoring policy',
  }, {
    opened: (due) => acts.openPolicyReview({ changeId, reviewDueAt: due.dueAt, at: input.proposedAt }),
    decided: (decision) => acts.recordPolicyDecision({ changeId, decision }),
    overdue: (o) => acts.escalatePolicyReview({ changeId, ...o }),
    rejected: (at) => acts.closePolicyChange({ changeId, at }),
    approved: (effectiveFrom, at) => acts.approvePolicy({ changeId, effectiveFrom, at }),
    tookEffect: (at) => acts.policyTookEffect({ changeId, at }),
  });
}
