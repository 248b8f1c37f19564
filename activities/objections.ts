// R11 objections: recorded with the originating agency, which verifies them within 15 working
// days while the case's measures are suspended; a rejection resumes them with their period
// ends moved; an upheld objection has the AUTHORITY release the case within 3 working days.
import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { caseMeasures, cases, complaints, objections } from '../db/schema';
import { shanghaiDateOf } from '../domain/dates';
import type { OpenStep } from '../domain/steps';
import type { DecideObjection, FileObjection } from '../workflows/messages';
import type { Resumed } from '../domain/loop/measures';
import { releaseMeasures } from './implementation';
import { notify } from './notices';
import { answerContent, issueLetter } from './letters';
import { applyStepChanges, writeJournal, type ActivityDeps, type StepChanges, type TargetRef } from './support';

/** R11: a case released whole (its cause fell): the upheld objection and complaint are released with it. */
export async function markCaseReleased(tx: DbOrTx, caseId: string, at: Date): Promise<void> {
  await tx.update(objections).set({ releasedAt: at }).where(and(eq(objections.caseId, caseId), eq(objections.outcome, 'upheld')));
  await tx.update(complaints).set({ releasedAt: at }).where(and(eq(complaints.caseId, caseId), eq(complaints.outcome, 'upheld')));
  await tx.update(cases).set({ status: 'released', updatedAt: at }).where(eq(cases.id, caseId));
}

export function createObjectionActivities({ db, calendar }: ActivityDeps) {
  return {
    /** R11: the objection is recorded, the measures suspended, the information marked as under objection (异议标注). */
    async recordObjection(input: TargetRef & FileObjection & StepChanges & { suspended: string[]; raisedBy: 'party' | 'implementer' }): Promise<{ opened: OpenStep[] }> {
      const at = new Date(input.at);
      return db.transaction(async (tx) => {
        const opened = await applyStepChanges(tx, await calendar(tx), input, input);
        const verifyDueAt = opened.find((s) => s.kind === 'objection_verification')?.due.dueAt ?? null;
        await tx.insert(objections).values({ id: input.objectionId, caseId: input.caseId, filedBy: input.actor, raisedBy: input.raisedBy, reason: input.reason, filedAt: at })
          .onConflictDoNothing();
        if (input.suspended.length > 0) {
          await tx.update(caseMeasures).set({ status: 'suspended' })
            .where(and(eq(caseMeasures.caseId, input.caseId), inArray(caseMeasures.code, input.suspended)));
        }
        const base = `${input.workflowId}/${input.caseId}/objection/${input.objectionId}`;
        await writeJournal(tx, {
          agencyId: input.actor, eventKey: `${base}/filed`, targetId: input.targetId, caseId: input.caseId,
          kind: input.raisedBy === 'implementer' ? 'information_flagged' : 'objection_filed', rule: 'R11', at,
          detail: { objectionId: input.objectionId, reason: input.reason, suspended: input.suspended, verifyDueAt, underObjection: true },
        });
        if (input.raisedBy === 'implementer') {
          const [c] = await tx.select({ pushedBy: cases.pushedBy, documentNumber: cases.documentNumber }).from(cases).where(eq(cases.id, input.caseId));
          // 002 篇三 (十六): 应及时告知信息提供单位核实.
          await notify(tx, {
            eventKey: `${base}/flagged`, agencyIds: c?.pushedBy ? [c.pushedBy] : [], kind: 'information_flagged', rule: 'R11', at: input.at,
            subject: `实施机构认为案件 ${c?.documentNumber ?? input.caseId} 的信息有误，请于核实期限内核实`,
            detail: { caseId: input.caseId, objectionId: input.objectionId, reason: input.reason, verifyDueAt },
          });
        }
        if (input.suspended.length === 0) return { opened };
        await writeJournal(tx, {
          eventKey: `${base}/suspended`, targetId: input.targetId, caseId: input.caseId, kind: 'measures_suspended', rule: 'R11', at,
          detail: { objectionId: input.objectionId, codes: input.suspended },
        });
        const implementers = await tx.select({ id: caseMeasures.implementerId }).from(caseMeasures)
          .where(and(eq(caseMeasures.caseId, input.caseId), inArray(caseMeasures.code, input.suspended)));
        await notify(tx, {
          eventKey: `${base}/suspended`, agencyIds: implementers.map((i) => i.id), kind: 'measures_suspended', rule: 'R11', at: input.at,
          subject: '惩戒对象提出异议，相关措施在信息核实期间暂不执行', detail: { caseId: input.caseId, measures: input.suspended },
        });
        return { opened };
      });
    },

    /** R11: the verification's outcome; a rejection resumes the measures with their period ends moved. */
    async recordObjectionDecision(input: TargetRef & DecideObjection & StepChanges & { resumed: Resumed[]; letterId?: string }): Promise<{ opened: OpenStep[] }> {
      const at = new Date(input.at);
      return db.transaction(async (tx) => {
        const opened = await applyStepChanges(tx, await calendar(tx), input, input);
        const releaseDueAt = opened.find((s) => s.kind === 'objection_release')?.due.dueAt ?? null;
        await tx.update(objections).set({ outcome: input.outcome, decidedBy: input.actor, decisionReason: input.reason, decidedAt: at })
          .where(eq(objections.id, input.objectionId));
        if (input.letterId) {
          const content = await answerContent(tx, input.caseId, 'objection_answer', { outcome: input.outcome, reason: input.reason, decidedBy: input.actor, decidedOn: shanghaiDateOf(input.at) });
          await issueLetter(tx, { ...input, letterId: input.letterId, kind: 'objection_answer' }, content);
        }
        for (const r of input.resumed) {
          await tx.update(caseMeasures).set({ status: 'active', periodEnd: r.newEnd })
            .where(and(eq(caseMeasures.caseId, input.caseId), eq(caseMeasures.code, r.code)));
        }
        const base = `${input.workflowId}/${input.caseId}/objection/${input.objectionId}`;
        await writeJournal(tx, {
          agencyId: input.actor, eventKey: `${base}/decided`, targetId: input.targetId, caseId: input.caseId, kind: 'objection_decided', rule: 'R11', at,
          detail: { objectionId: input.objectionId, outcome: input.outcome, reason: input.reason, resumed: input.resumed, releaseDueAt },
        });
        if (input.resumed.length > 0) {
          await writeJournal(tx, {
            eventKey: `${base}/resumed`, targetId: input.targetId, caseId: input.caseId, kind: 'measures_resumed', rule: 'R11', at,
            detail: { objectionId: input.objectionId, resumed: input.resumed },
          });
        }
        if (input.outcome === 'upheld') {
          const [c] = await tx.select({ authorityId: cases.authorityId, documentNumber: cases.documentNumber }).from(cases).where(eq(cases.id, input.caseId));
          await notify(tx, {
            eventKey: `${base}/upheld`, agencyIds: c?.authorityId ? [c.authorityId] : [], kind: 'objection_upheld', rule: 'R11', at: input.at,
            subject: `案件 ${c?.documentNumber ?? input.caseId} 异议成立，请于 3 个工作日内调整或解除惩戒措施`,
            detail: { caseId: input.caseId, releaseDueAt, reason: input.reason },
          });
        }
        return { opened };
      });
    },

    /** R11: the AUTHORITY released the case after an upheld objection: every measure, publicity, the implementers told. */
    async recordCaseReleased(input: TargetRef & { caseId: string; actor: string; at: string; released: string[] } & StepChanges): Promise<void> {
      const at = new Date(input.at);
      await db.transaction(async (tx) => {
        await applyStepChanges(tx, await calendar(tx), input, input);
        await markCaseReleased(tx, input.caseId, at);
        await writeJournal(tx, {
          agencyId: input.actor, eventKey: `${input.workflowId}/${input.caseId}/objection/released`, targetId: input.targetId, caseId: input.caseId,
          kind: 'case_released', rule: 'R11', at, detail: { released: input.released, superseded: input.superseded ?? [] },
        });
        await releaseMeasures(tx, input, input.released, 'objection');
      });
    },
  };
}
