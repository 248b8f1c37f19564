// R5 receipt and the push to implementers, R6–R8 measures in force from acknowledgement, R10
// release at the end of the period, R9 monthly reports. Each activity is one transaction.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { caseImplementers, caseMeasures, cases, feedbackReports, targets } from '../db/schema';
import { RELEASE_REASONS, RELEASE_RULE, type ReleaseReason } from '../domain/journal-kinds';
import type { OpenStep } from '../domain/steps';
import type { MeasureState, PushToImplementers } from '../workflows/messages';
import { notify } from './notices';
import { applyStepChanges, scheduledInstant, writeJournal, type ActivityDeps, type StepChanges, type TargetRef } from './support';

interface Acted { caseId: string; actor: string; at: string }

export function createImplementationActivities({ db, calendar }: ActivityDeps) {
  const caseRow = async (tx: Parameters<typeof writeJournal>[0], caseId: string) =>
    (await tx.select().from(cases).where(eq(cases.id, caseId)))[0];

  return {
    /** R5: the AUTHORITY received the case. */
    async recordReceipt(input: TargetRef & Acted & StepChanges): Promise<void> {
      const at = new Date(input.at);
      await db.transaction(async (tx) => {
        await tx.update(cases).set({ status: 'received', receivedAt: at, updatedAt: at }).where(eq(cases.id, input.caseId));
        await applyStepChanges(tx, await calendar(tx), input, input);
        await writeJournal(tx, {
          agencyId: input.actor, eventKey: `${input.workflowId}/${input.caseId}/received`, targetId: input.targetId,
          caseId: input.caseId, kind: 'case_received', rule: 'R5', at, detail: {},
        });
      });
    },

    /** R5: the case is pushed to its implementers (received with it, if it was not yet); each acknowledges by its due day. */
    async recordImplementers(input: TargetRef & PushToImplementers & StepChanges & { received: boolean; remaining: string[] }): Promise<{ opened: OpenStep[] }> {
      const at = new Date(input.at);
      return db.transaction(async (tx) => {
        const opened = await applyStepChanges(tx, await calendar(tx), input, input);
        const dueOf = (agencyId: string) => opened.find((s) => s.kind === 'acknowledgement' && s.agencyId === agencyId)?.due.dueAt ?? null;
        await tx.insert(caseImplementers).values(input.implementers.map((i) => ({
          caseId: input.caseId, agencyId: i.agencyId, measures: i.measures, pushedAt: at,
        }))).onConflictDoNothing();
        await tx.update(cases).set({ status: 'implementing', ...(input.received ? { receivedAt: at } : {}), updatedAt: at })
          .where(eq(cases.id, input.caseId));
        const c = await caseRow(tx, input.caseId);
        if (input.received) {
          await writeJournal(tx, {
            agencyId: input.actor, eventKey: `${input.workflowId}/${input.caseId}/received`, targetId: input.targetId,
            caseId: input.caseId, kind: 'case_received', rule: 'R5', at, detail: { withPush: true },
          });
        }
        const eventKey = `${input.workflowId}/${input.caseId}/pushed-to-implementers/${input.implementers.map((i) => i.agencyId).join('+')}`;
        await writeJournal(tx, {
          agencyId: input.actor, eventKey, targetId: input.targetId, caseId: input.caseId, kind: 'pushed_to_implementers', rule: 'R5', at,
          detail: { implementers: input.implementers.map((i) => ({ ...i, acknowledgeDueAt: dueOf(i.agencyId) })), remaining: input.remaining },
        });
        for (const i of input.implementers) {
          await notify(tx, {
            eventKey, agencyIds: [i.agencyId], kind: 'pushed_to_implementer', rule: 'R5', at: input.at,
            subject: `请签收并实施案件 ${c?.documentNumber ?? input.caseId} 的惩戒措施`,
            detail: { caseId: input.caseId, targetId: input.targetId, measures: i.measures, acknowledgeDueAt: dueOf(i.agencyId) },
          });
        }
        return { opened };
      });
    },

    /**
     * R5, R6–R8: the implementer acknowledged; its measures are in force from that day (suspended
     * when an objection is pending, R11), each to the period end the workflow computed from the
     * pinned version. R8 publicity starts with its measure; R9 reports are asked for.
     */
    async recordAcknowledgement(input: TargetRef & Acted & StepChanges & { activated: MeasureState[] }): Promise<{ opened: OpenStep[] }> {
      const at = new Date(input.at);
      return db.transaction(async (tx) => {
        await tx.update(caseImplementers).set({ acknowledgedAt: at })
          .where(and(eq(caseImplementers.caseId, input.caseId), eq(caseImplementers.agencyId, input.actor), isNull(caseImplementers.acknowledgedAt)));
        const opened = await applyStepChanges(tx, await calendar(tx), input, input);
        await writeJournal(tx, {
          agencyId: input.actor, eventKey: `${input.workflowId}/${input.caseId}/acknowledged/${input.actor}`,
          targetId: input.targetId, caseId: input.caseId, kind: 'acknowledged', rule: 'R5', at, detail: {},
        });
        const c = await caseRow(tx, input.caseId);
        for (const m of input.activated) {
          const pinned = c?.measures.find((p) => p.code === m.code);
          await tx.insert(caseMeasures).values({
            caseId: input.caseId, code: m.code, version: pinned?.version ?? 1, implementerId: m.implementerId, status: m.status,
            activeFrom: m.activeFrom, periodEnd: m.periodEnd, feedbackSet: m.feedbackSet,
            minimumEnd: m.minimumEnd === 'never' ? null : m.minimumEnd,
          }).onConflictDoNothing();
          const publicity = pinned?.category === 'R8';
          await writeJournal(tx, {
            agencyId: m.implementerId, eventKey: `${input.workflowId}/${input.caseId}/${m.code}/active`, targetId: input.targetId,
            caseId: input.caseId, kind: publicity ? 'measure_active_publicity_started' : 'measure_active', rule: pinned?.category ?? 'R6',
            at: scheduledInstant(input.at), detail: { code: m.code, periodEnd: m.periodEnd, suspended: m.status === 'suspended' },
          });
        }
        return { opened };
      });
    },

    /** R10 (R12 when a repair waited for the legal minimum): a measure is released; its implementer is told; R8 publicity stops with it. */
    async releaseMeasure(input: TargetRef & { caseId: string; code: string; reason: ReleaseReason; at: string }): Promise<void> {
      const at = new Date(input.at);
      await db.transaction(async (tx) => {
        const [m] = await tx.update(caseMeasures).set({ status: 'released', releasedAt: at, releaseReason: input.reason })
          .where(and(eq(caseMeasures.caseId, input.caseId), eq(caseMeasures.code, input.code))).returning();
        await journalRelease(tx, input, m?.implementerId ?? null, m?.periodEnd ?? null);
      });
    },

    /** R9: a monthly report arrived; a late one closes its overdue step. */
    /** R9: a target's report on a month, its own or (monthlyReport) the implementer's report on all its targets. */
    async recordFeedback(input: TargetRef & { month: string; summary: string; monthlyReport?: boolean; actor: string; at: string } & StepChanges): Promise<void> {
      const at = new Date(input.at);
      const summary = input.monthlyReport ? `见 ${input.month} 月度报告` : input.summary;
      await db.transaction(async (tx) => {
        await tx.insert(feedbackReports).values({
          targetId: input.targetId, implementerId: input.actor, month: input.month, summary, reportedAt: at,
        }).onConflictDoNothing();
        await applyStepChanges(tx, await calendar(tx), input, input);
        await writeJournal(tx, {
          agencyId: input.actor, eventKey: `${input.workflowId}/feedback/${input.month}/${input.actor}`,
          targetId: input.targetId, kind: 'report_received', rule: 'R9', at, detail: { month: input.month, summary, monthlyReport: Boolean(input.monthlyReport) },
        });
      });
    },

    /** R9: a new month: the reports on it are asked of every implementer still carrying a measure. */
    async openFeedbackMonth(input: TargetRef & { month: string; at: string } & StepChanges): Promise<{ opened: OpenStep[] }> {
      return db.transaction(async (tx) => {
        const opened = await applyStepChanges(tx, await calendar(tx), input, { ...input, actor: null });
        await tx.update(targets).set({ updatedAt: new Date(input.at) }).where(eq(targets.id, input.targetId));
        return { opened };
      });
    },
  };
}

/** The journal and notices of one released measure (R10, R11, R12), with R8 publicity stopping. */
export async function journalRelease(
  tx: Parameters<typeof writeJournal>[0], input: TargetRef & { caseId: string; code: string; reason: ReleaseReason; at: string },
  implementerId: string | null, periodEnd: string | null,
): Promise<void> {
  const at = new Date(input.at);
  const eventKey = `${input.workflowId}/${input.caseId}/${input.code}/released`;
  await writeJournal(tx, {
    eventKey, targetId: input.targetId, caseId: input.caseId, kind: 'measure_released', agencyId: implementerId,
    rule: RELEASE_RULE[input.reason], at, detail: { code: input.code, reason: input.reason, periodEnd },
  });
  const [c] = await tx.select({ documentNumber: cases.documentNumber, measures: cases.measures }).from(cases).where(eq(cases.id, input.caseId));
  if (c?.measures.find((m) => m.code === input.code)?.category === 'R8') {
    await writeJournal(tx, {
      eventKey: `${eventKey}/publicity-stopped`, targetId: input.targetId, caseId: input.caseId, kind: 'publicity_stopped', rule: 'R8',
      at, detail: { code: input.code, reason: input.reason },
    });
  }
  if (!implementerId) return;
  await notify(tx, {
    eventKey, agencyIds: [implementerId], kind: 'measure_released', rule: RELEASE_RULE[input.reason], at: input.at,
    subject: `案件 ${c?.documentNumber ?? input.caseId} 的措施 ${input.code} 因${RELEASE_REASONS[input.reason]}解除，请停止实施`,
    detail: { caseId: input.caseId, code: input.code, reason: input.reason, periodEnd },
  });
}

/** Measures of a case released together (R11 release, R12 repair): the rows, then each one's story. */
export async function releaseMeasures(
  tx: Parameters<typeof writeJournal>[0], input: TargetRef & { caseId: string; at: string }, codes: string[], reason: ReleaseReason,
): Promise<void> {
  if (codes.length === 0) return;
  const rows = await tx.update(caseMeasures).set({ status: 'released', releasedAt: new Date(input.at), releaseReason: reason })
    .where(and(eq(caseMeasures.caseId, input.caseId), inArray(caseMeasures.code, codes))).returning();
  for (const m of rows) await journalRelease(tx, { ...input, code: m.code, reason }, m.implementerId, m.periodEnd);
}
