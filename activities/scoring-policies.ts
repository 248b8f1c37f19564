// R15 Side effects of a scoring policy's review (like R1's, activities/measures.ts): the change
// row, the review step, notices to reviewers, supervisors and the proposer, the overdue record.
import { and, eq, isNull } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client';
import { scoringPolicies, steps, type ReviewDecision } from '../db/schema';
import type { ReviewDecisionMessage } from '../workflows/messages';
import { agenciesWithRoles, notify } from './notices';

async function changeRow(tx: DbOrTx, changeId: string) {
  const [row] = await tx.select().from(scoringPolicies).where(eq(scoringPolicies.id, changeId));
  if (!row) throw new Error(`no scoring policy change ${changeId}`);
  return row;
}

/** The review as a step (domain/steps.ts policy_review): owed by the CREDIT and LEGAL reviewers. */
const reviewStepId = (changeId: string) => `policy/${changeId}`;
const named = (row: { policyId: string; version: number }) => `计分规则 ${row.policyId} 第 ${row.version} 版`;

async function closeReviewStep(tx: DbOrTx, changeId: string, at: string): Promise<void> {
  await tx.update(steps).set({ doneAt: new Date(at), outcome: 'done' }).where(and(eq(steps.id, reviewStepId(changeId)), isNull(steps.doneAt)));
}

export function createScoringPolicyActivities({ db }: { db: Db }) {
  return {
    /** R15: the review starts; every CREDIT and LEGAL agency is asked to decide by the due day. */
    async openPolicyReview(input: { changeId: string; reviewDueAt: string; at: string }): Promise<void> {
      await db.transaction(async (tx) => {
        const change = await changeRow(tx, input.changeId);
        await tx.update(scoringPolicies).set({ reviewDueAt: new Date(input.reviewDueAt) }).where(eq(scoringPolicies.id, input.changeId));
        await tx.insert(steps).values({
          id: reviewStepId(input.changeId), kind: 'policy_review', rule: 'R15', changeId: input.changeId,
          openedAt: new Date(input.at), dueAt: new Date(input.reviewDueAt),
        }).onConflictDoNothing();
        await notify(tx, {
          eventKey: `${input.changeId}/review-requested`, agencyIds: await agenciesWithRoles(tx, ['CREDIT', 'LEGAL']),
          kind: 'review_requested', rule: 'R15', at: input.at, subject: `请审核${named(change)}（${change.title}）`,
          detail: { changeId: input.changeId, policyId: change.policyId, version: change.version, reviewDueAt: input.reviewDueAt, reason: change.reason },
        });
      });
    },

    async recordPolicyDecision(input: { changeId: string; decision: ReviewDecisionMessage }): Promise<void> {
      const d = input.decision;
      const value: ReviewDecision = { agencyId: d.agencyId, agencyName: d.agencyName, approve: d.approve, reason: d.reason, at: d.at };
      await db.update(scoringPolicies).set(d.role === 'CREDIT' ? { creditDecision: value } : { legalDecision: value })
        .where(eq(scoringPolicies.id, input.changeId));
    },

    /** R14: the review of a scoring policy (R15) is late: remind the reviewers still to decide, tell the supervisors. */
    async escalatePolicyReview(input: { changeId: string; dueAt: string; detectedAt: string; waitingFor: ('CREDIT' | 'LEGAL')[] }): Promise<void> {
      await db.transaction(async (tx) => {
        const change = await changeRow(tx, input.changeId);
        await tx.update(steps).set({ overdueAt: new Date(input.detectedAt) })
          .where(and(eq(steps.id, reviewStepId(input.changeId)), isNull(steps.overdueAt)));
        const detail = { changeId: input.changeId, policyId: change.policyId, version: change.version, dueAt: input.dueAt, waitingFor: input.waitingFor };
        await notify(tx, {
          eventKey: `${input.changeId}/review-reminder`, agencyIds: await agenciesWithRoles(tx, input.waitingFor),
          kind: 'review_reminder', rule: 'R15', at: input.detectedAt, subject: `${named(change)}审核已逾期，请尽快决定`, detail,
        });
        await notify(tx, {
          eventKey: `${input.changeId}/review-escalated`, agencyIds: await agenciesWithRoles(tx, ['SUPERVISOR']),
          kind: 'review_escalated', rule: 'R14', at: input.detectedAt, subject: `${named(change)}审核逾期`, detail,
        });
      });
    },

    /** R15: one rejection ends the proposal, with its reason told to the proposer; its version number is free again. */
    async closePolicyChange(input: { changeId: string; at: string }): Promise<void> {
      await db.transaction(async (tx) => {
        const change = await changeRow(tx, input.changeId);
        await tx.update(scoringPolicies).set({ status: 'rejected', closedAt: new Date(input.at) }).where(eq(scoringPolicies.id, input.changeId));
        await closeReviewStep(tx, input.changeId, input.at);
        const rejection = [change.creditDecision, change.legalDecision].find((d) => d && !d.approve);
        await notify(tx, {
          eventKey: `${input.changeId}/rejected`, agencyIds: [change.proposedBy], kind: 'change_rejected', rule: 'R15', at: input.at,
          subject: `${named(change)}未通过审核`, detail: { changeId: input.changeId, by: rejection?.agencyName, reason: rejection?.reason },
        });
      });
    },

    /** R15: both approved: the version is in force from its date; the proposer and the receiving AUTHORITY are told. */
    async approvePolicy(input: { changeId: string; effectiveFrom: string; at: string }): Promise<void> {
      await db.transaction(async (tx) => {
        const change = await changeRow(tx, input.changeId);
        await tx.update(scoringPolicies).set({ status: 'approved', effectiveFrom: input.effectiveFrom }).where(eq(scoringPolicies.id, input.changeId));
        await closeReviewStep(tx, input.changeId, input.at);
        await notify(tx, {
          eventKey: `${input.changeId}/approved`, agencyIds: [change.proposedBy, change.authorityId], kind: 'change_approved', rule: 'R15', at: input.at,
          subject: `${named(change)}已通过审核，${input.effectiveFrom} 起施行`,
          detail: { changeId: input.changeId, policyId: change.policyId, version: change.version, effectiveFrom: input.effectiveFrom },
        });
      });
    },

    async policyTookEffect(input: { changeId: string; at: string }): Promise<void> {
      await db.update(scoringPolicies).set({ status: 'effective', closedAt: new Date(input.at) }).where(eq(scoringPolicies.id, input.changeId));
    },
  };
}
