// R1 Side effects of a reviewed change to the two lists: the change row, the new version,
// notices to reviewers, supervisors and authorities, and the overdue record of a late review.
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client';
import { measureInEffect, nextVersion, pick, type CatalogEntry } from '../db/measures';
import { measureChanges, measureVersions, steps, type ReviewDecision } from '../db/schema';
import { shanghaiDateOf } from '../domain/dates';
import type { ReviewDecisionMessage } from '../workflows/messages';
import { agenciesWithRoles, notify } from './notices';


async function changeRow(tx: DbOrTx, changeId: string) {
  const [row] = await tx.select().from(measureChanges).where(eq(measureChanges.id, changeId));
  if (!row) throw new Error(`no measure change ${changeId}`);
  return row;
}

/** The R1 review as a step (domain/steps.ts measure_review): owed by the CREDIT and LEGAL reviewers. */
const reviewStepId = (changeId: string) => `change/${changeId}`;

async function closeReviewStep(tx: DbOrTx, changeId: string, at: string): Promise<void> {
  await tx.update(steps).set({ doneAt: new Date(at), outcome: 'done' }).where(and(eq(steps.id, reviewStepId(changeId)), isNull(steps.doneAt)));
}

export function createMeasureActivities({ db }: { db: Db }) {
  return {
    /** R1: the review starts; every CREDIT and LEGAL agency is asked to decide by the due day. */
    async openMeasureReview(input: { changeId: string; reviewDueAt: string; at: string }): Promise<void> {
      await db.transaction(async (tx) => {
        const change = await changeRow(tx, input.changeId);
        await tx.update(measureChanges).set({ reviewDueAt: new Date(input.reviewDueAt) }).where(eq(measureChanges.id, input.changeId));
        await tx.insert(steps).values({
          id: reviewStepId(input.changeId), kind: 'measure_review', rule: 'R1', changeId: input.changeId,
          openedAt: new Date(input.at), dueAt: new Date(input.reviewDueAt),
        }).onConflictDoNothing();
        await notify(tx, {
          eventKey: `${input.changeId}/review-requested`, agencyIds: await agenciesWithRoles(tx, ['CREDIT', 'LEGAL']),
          kind: 'review_requested', rule: 'R1', at: input.at,
          subject: `请审核清单变更 ${change.kind} ${change.code}`,
          detail: { changeId: input.changeId, kind: change.kind, code: change.code, reviewDueAt: input.reviewDueAt, reason: change.reason },
        });
      });
    },

    async recordReviewDecision(input: { changeId: string; decision: ReviewDecisionMessage }): Promise<void> {
      const d = input.decision;
      const value: ReviewDecision = { agencyId: d.agencyId, agencyName: d.agencyName, approve: d.approve, reason: d.reason, at: d.at };
      await db.update(measureChanges)
        .set(d.role === 'CREDIT' ? { creditDecision: value } : { legalDecision: value })
        .where(eq(measureChanges.id, input.changeId));
    },

    /** R1/R14: the review is late: remind the reviewers still to decide, tell the supervisors. */
    async escalateMeasureReview(input: { changeId: string; dueAt: string; detectedAt: string; waitingFor: ('CREDIT' | 'LEGAL')[] }): Promise<void> {
      await db.transaction(async (tx) => {
        const change = await changeRow(tx, input.changeId);
        await tx.update(steps).set({ overdueAt: new Date(input.detectedAt) })
          .where(and(eq(steps.id, reviewStepId(input.changeId)), isNull(steps.overdueAt)));
        const detail = { changeId: input.changeId, code: change.code, dueAt: input.dueAt, waitingFor: input.waitingFor };
        await notify(tx, {
          eventKey: `${input.changeId}/review-reminder`, agencyIds: await agenciesWithRoles(tx, input.waitingFor),
          kind: 'review_reminder', rule: 'R1', at: input.detectedAt, subject: `清单变更 ${change.code} 审核已逾期，请尽快决定`, detail,
        });
        await notify(tx, {
          eventKey: `${input.changeId}/review-escalated`, agencyIds: await agenciesWithRoles(tx, ['SUPERVISOR']),
          kind: 'review_escalated', rule: 'R14', at: input.detectedAt, subject: `清单变更 ${change.code} 审核逾期`, detail,
        });
      });
    },

    /** R1: one rejection ends the change, with its reason, and the proposer is told. */
    async closeMeasureChange(input: { changeId: string; status: 'rejected'; at: string }): Promise<void> {
      await db.transaction(async (tx) => {
        const change = await changeRow(tx, input.changeId);
        await tx.update(measureChanges).set({ status: input.status, closedAt: new Date(input.at) }).where(eq(measureChanges.id, input.changeId));
        await closeReviewStep(tx, input.changeId, input.at);
        const rejection = [change.creditDecision, change.legalDecision].find((d) => d && !d.approve);
        await notify(tx, {
          eventKey: `${input.changeId}/rejected`, agencyIds: [change.proposedBy], kind: 'change_rejected', rule: 'R1', at: input.at,
          subject: `清单变更 ${change.code} 未通过审核`, detail: { changeId: input.changeId, by: rejection?.agencyName, reason: rejection?.reason },
        });
      });
    },

    /** R1: both approved: write the new version, in effect from its date. */
    async applyMeasureChange(input: { changeId: string; effectiveFrom: string; at: string }): Promise<void> {
      await db.transaction(async (tx) => {
        const change = await changeRow(tx, input.changeId);
        const [already] = await tx.select().from(measureVersions).where(eq(measureVersions.changeId, input.changeId));
        if (!already) {
          const today = shanghaiDateOf(input.at);
          const current = await measureInEffect(tx, change.code, today);
          const base = (current ?? {}) as Partial<CatalogEntry>;
          const fields = pick(change.kind === 'retire' ? base : { ...base, ...(change.proposal as Partial<CatalogEntry>) });
          await tx.insert(measureVersions).values({
            ...fields, code: change.code, version: await nextVersion(tx, change.code),
            status: change.kind === 'retire' ? 'retired' : 'active', effectiveFrom: input.effectiveFrom, changeId: input.changeId,
          });
        }
        await tx.update(measureChanges).set({ status: 'approved', effectiveFrom: input.effectiveFrom })
          .where(eq(measureChanges.id, input.changeId));
        await closeReviewStep(tx, input.changeId, input.at);
        await notify(tx, {
          eventKey: `${input.changeId}/approved`, agencyIds: [change.proposedBy], kind: 'change_approved', rule: 'R1', at: input.at,
          subject: `清单变更 ${change.code} 已通过审核，${input.effectiveFrom} 起施行`, detail: { changeId: input.changeId, effectiveFrom: input.effectiveFrom },
        });
      });
    },

    /**
     * R1: the version is in effect; a retirement tells the AUTHORITY of every case where the
     * measure is still pushed, received or in force (not yet released, the case not closed).
     */
    async measureChangeTookEffect(input: { changeId: string; at: string }): Promise<{ casesTold: number }> {
      return db.transaction(async (tx) => {
        const change = await changeRow(tx, input.changeId);
        await tx.update(measureChanges).set({ status: 'effective', closedAt: new Date(input.at) }).where(eq(measureChanges.id, input.changeId));
        if (change.kind !== 'retire') return { casesTold: 0 };
        const open = await tx.execute<{ id: string; authority_id: string | null; document_number: string }>(sql`
          select c.id, c.authority_id, c.document_number from cases c join targets t on t.id = c.target_id
          where c.measures @> ${JSON.stringify([{ code: change.code }])}::jsonb and c.status <> 'released' and t.status = 'open'
            and not exists (select 1 from case_measures cm where cm.case_id = c.id and cm.code = ${change.code} and cm.status = 'released')`);
        for (const c of open) {
          if (!c.authority_id) continue;
          await notify(tx, {
            eventKey: `${input.changeId}/retired/${c.id}`, agencyIds: [c.authority_id], kind: 'measure_retired', rule: 'R1', at: input.at,
            subject: `措施 ${change.code} 已从清单退出，请调整案件 ${c.document_number}`,
            detail: { changeId: input.changeId, code: change.code, caseId: c.id, reason: change.reason },
          });
        }
        return { casesTold: open.length };
      });
    },
  };
}
