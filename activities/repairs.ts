// R12 credit repair: filed with and decided by the originating agency within 15 working days;
// approved, publicity stops and the measures are released except those held by a legal
// minimum; 容缺受理 on a dated commitment, whose breaking revokes the repair.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { caseMeasures, repairs } from '../db/schema';
import { shanghaiDateOf } from '../domain/dates';
import type { OpenStep } from '../domain/steps';
import type { DecideRepair, FileRepair } from '../workflows/messages';
import { releaseMeasures } from './implementation';
import { notify } from './notices';
import { answerContent, issueLetter } from './letters';
import { applyStepChanges, writeJournal, type ActivityDeps, type StepChanges, type TargetRef } from './support';

export function createRepairActivities({ db, calendar }: ActivityDeps) {
  return {
    /** R12: a repair application is recorded; its review is due in 15 working days. */
    async recordRepair(input: TargetRef & FileRepair & StepChanges): Promise<{ opened: OpenStep[] }> {
      const at = new Date(input.at);
      return db.transaction(async (tx) => {
        const opened = await applyStepChanges(tx, await calendar(tx), input, input);
        const reviewDueAt = opened.find((s) => s.kind === 'repair_review')?.due.dueAt ?? null;
        await tx.insert(repairs).values({ id: input.repairId, caseId: input.caseId, filedBy: input.actor, filedAt: at, commitment: input.commitment })
          .onConflictDoNothing();
        await writeJournal(tx, {
          agencyId: input.actor, eventKey: `${input.workflowId}/${input.caseId}/repair/${input.repairId}/filed`, targetId: input.targetId,
          caseId: input.caseId, kind: 'repair_filed', rule: 'R12', at, detail: { repairId: input.repairId, commitment: input.commitment, reviewDueAt },
        });
        return { opened };
      });
    },

    /** R12: the review's outcome: approved stops publicity at once; measures held by a legal minimum wait for it. */
    async recordRepairDecision(input: TargetRef & DecideRepair & StepChanges & {
      releasedNow: string[]; deferred: { code: string; until: string }[]; letterId?: string;
    }): Promise<void> {
      const at = new Date(input.at);
      await db.transaction(async (tx) => {
        await applyStepChanges(tx, await calendar(tx), input, input);
        await tx.update(repairs).set({ outcome: input.outcome, decidedBy: input.actor, decisionReason: input.reason, decidedAt: at })
          .where(eq(repairs.id, input.repairId));
        if (input.letterId) {
          const content = await answerContent(tx, input.caseId, 'repair_answer', { outcome: input.outcome, reason: input.reason, decidedBy: input.actor, decidedOn: shanghaiDateOf(input.at) });
          await issueLetter(tx, { ...input, letterId: input.letterId, kind: 'repair_answer' }, content);
        }
        for (const d of input.deferred) {
          if (d.until === 'never') continue;
          await tx.update(caseMeasures).set({ periodEnd: sql`least(coalesce(${caseMeasures.periodEnd}, ${d.until}::date), ${d.until}::date)` })
            .where(and(eq(caseMeasures.caseId, input.caseId), eq(caseMeasures.code, d.code)));
        }
        const base = `${input.workflowId}/${input.caseId}/repair/${input.repairId}`;
        // The decision first, then the releases it causes, so the story reads in that order.
        await writeJournal(tx, {
          agencyId: input.actor, eventKey: `${base}/decided`, targetId: input.targetId, caseId: input.caseId, kind: 'repair_decided', rule: 'R12', at,
          detail: { repairId: input.repairId, outcome: input.outcome, reason: input.reason, releasedNow: input.releasedNow, deferred: input.deferred },
        });
        if (input.outcome !== 'approved') return;
        await writeJournal(tx, {
          eventKey: `${base}/publicity-stopped`, targetId: input.targetId, caseId: input.caseId, kind: 'publicity_stopped', rule: 'R12', at,
          detail: { repairId: input.repairId },
        });
        await releaseMeasures(tx, input, input.releasedNow, 'repair');
      });
    },

    /** R12: a dated commitment kept, or broken: a broken one revokes the repair and is itself recorded. */
    async recordCommitment(input: TargetRef & StepChanges & {
      caseId: string; repairId: string; kept: boolean; reinstated: string[]; actor: string | null; at: string;
    }): Promise<{ opened: OpenStep[] }> {
      const at = new Date(input.at);
      return db.transaction(async (tx) => {
        const opened = await applyStepChanges(tx, await calendar(tx), input, input);
        await tx.update(repairs).set(input.kept ? { commitmentFulfilledAt: at } : { revokedAt: at }).where(eq(repairs.id, input.repairId));
        if (input.reinstated.length > 0) {
          await tx.update(caseMeasures).set({ status: 'active', releasedAt: null, releaseReason: null })
            .where(and(eq(caseMeasures.caseId, input.caseId), inArray(caseMeasures.code, input.reinstated)));
        }
        const eventKey = `${input.workflowId}/${input.caseId}/repair/${input.repairId}/${input.kept ? 'commitment-kept' : 'commitment-broken'}`;
        await writeJournal(tx, {
          agencyId: input.actor, eventKey, targetId: input.targetId, caseId: input.caseId, kind: input.kept ? 'commitment_kept' : 'commitment_broken',
          rule: 'R12', at, detail: { repairId: input.repairId, reinstated: input.reinstated },
        });
        if (input.kept) return { opened };
        const [r] = await tx.select({ filedBy: repairs.filedBy }).from(repairs).where(eq(repairs.id, input.repairId));
        const implementers = input.reinstated.length === 0 ? [] : await tx.select({ id: caseMeasures.implementerId }).from(caseMeasures)
          .where(and(eq(caseMeasures.caseId, input.caseId), inArray(caseMeasures.code, input.reinstated)));
        await notify(tx, {
          eventKey, agencyIds: [...(r ? [r.filedBy] : []), ...implementers.map((i) => i.id)], kind: 'repair_revoked', rule: 'R12', at: input.at,
          subject: '容缺受理承诺未按期履行，信用修复已撤销，相关措施恢复实施', detail: { caseId: input.caseId, repairId: input.repairId, reinstated: input.reinstated },
        });
        return { opened };
      });
    },
  };
}
