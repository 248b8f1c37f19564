// Requests addressed to one agency and answered by it: R4 reports passed up level by level
// (逐级上报) until the body that carries the measures confirms them, R2/R3 consultations (会商)
// and legal reviews (法制审核); and R5 measures recorded as not applicable.
import { eq } from 'drizzle-orm';
import { cases } from '../db/schema';
import type { OpenStep } from '../domain/steps';
import type { AnswerConsultation, MarkNotApplicable } from '../workflows/messages';
import { agencyById } from '../db/agencies';
import { notify } from './notices';
import { applyStepChanges, writeJournal, type ActivityDeps, type StepChanges, type TargetRef } from './support';

export function createRequestActivities({ db, calendar }: ActivityDeps) {
  const caseRow = async (tx: Parameters<typeof writeJournal>[0], caseId: string) =>
    (await tx.select({ documentNumber: cases.documentNumber, pushedBy: cases.pushedBy }).from(cases).where(eq(cases.id, caseId)))[0];

  return {
    /** R5: measures no local implementer carries out, each with the reason; the case counts as received. */
    async recordNotApplicable(input: TargetRef & MarkNotApplicable & StepChanges & { received: boolean }): Promise<void> {
      const at = new Date(input.at);
      await db.transaction(async (tx) => {
        if (input.received) await tx.update(cases).set({ status: 'received', receivedAt: at, updatedAt: at }).where(eq(cases.id, input.caseId));
        await applyStepChanges(tx, await calendar(tx), input, input);
        await writeJournal(tx, {
          agencyId: input.actor, eventKey: `${input.workflowId}/${input.caseId}/not-applicable@${input.at}`, targetId: input.targetId,
          caseId: input.caseId, kind: 'measures_not_applicable', rule: 'R5', at, detail: { measures: input.measures },
        });
      });
    },

    /**
     * R4: one level passed the report to the level above, or confirmed it. The next level is told
     * with the 失信情况 and, at the national level, the advice to take care (002 篇三 (七)).
     */
    async recordUpwardHop(input: TargetRef & StepChanges & {
      caseId: string; reportId: string; hop: number; outcome: 'forwarded' | 'confirmed'; to: string | null; note: string;
      measures: string[]; actor: string; at: string;
    }): Promise<{ opened: OpenStep[] }> {
      const at = new Date(input.at);
      return db.transaction(async (tx) => {
        const opened = await applyStepChanges(tx, await calendar(tx), input, input);
        const eventKey = `${input.workflowId}/${input.caseId}/upward/${input.reportId}/${input.hop}/${input.outcome}`;
        await writeJournal(tx, {
          agencyId: input.actor, eventKey, targetId: input.targetId, caseId: input.caseId,
          kind: input.outcome === 'forwarded' ? 'upward_forwarded' : 'upward_confirmed', rule: 'R4', at,
          detail: { reportId: input.reportId, hop: input.hop, to: input.to, note: input.note, measures: input.measures, dueAt: opened[0]?.due.dueAt ?? null },
        });
        if (!input.to) return { opened };
        const [c, next] = [await caseRow(tx, input.caseId), await agencyById(tx, input.to)];
        const national = next?.level === 'national';
        await notify(tx, {
          eventKey, agencyIds: [input.to], kind: 'report_upward', rule: 'R4', at: input.at,
          subject: `案件 ${c?.documentNumber ?? input.caseId} 的失信情况逐级上报，请接收并继续上报或确认${national ? '（请审慎对待）' : ''}`,
          detail: { caseId: input.caseId, targetId: input.targetId, reportId: input.reportId, measures: input.measures, note: input.note, dueAt: opened[0]?.due.dueAt },
        });
        return { opened };
      });
    },

    /** R2/R3: an answer to a consultation or a legal review; the agency that filed the case is told. */
    async recordConsultationAnswer(input: TargetRef & AnswerConsultation & StepChanges & { kind: 'consultation' | 'legal_review' }): Promise<void> {
      const at = new Date(input.at);
      await db.transaction(async (tx) => {
        await applyStepChanges(tx, await calendar(tx), input, input);
        const eventKey = `${input.workflowId}/${input.caseId}/consultation/${input.requestId}`;
        await writeJournal(tx, {
          agencyId: input.actor, eventKey, targetId: input.targetId, caseId: input.caseId, kind: 'consultation_answered', rule: 'R2', at,
          detail: { requestId: input.requestId, kind: input.kind, agree: input.agree, reason: input.reason },
        });
        const c = await caseRow(tx, input.caseId);
        if (!c?.pushedBy) return;
        await notify(tx, {
          eventKey, agencyIds: [c.pushedBy], kind: 'consultation_answered', rule: 'R2', at: input.at,
          subject: `案件 ${c.documentNumber} 的${input.kind === 'legal_review' ? '法制审核' : '会商'}意见：${input.agree ? '同意' : '不同意'}`,
          detail: { caseId: input.caseId, requestId: input.requestId, agree: input.agree, reason: input.reason },
        });
      });
    },
  };
}
