// R11 beyond the objection: a complaint to the joint-conference office after the objection's
// answer (measures suspended again), and a cause changed or revoked by review, reconsideration or
// litigation, which the AUTHORITY adjusts or releases within 3 working days of the confirmation.
import { and, eq, inArray } from 'drizzle-orm';
import { caseMeasures, cases, complaints } from '../db/schema';
import { shanghaiDateOf } from '../domain/dates';
import type { OpenStep } from '../domain/steps';
import type { Resumed } from '../domain/loop/measures';
import type { AdjustCase, DecideComplaint, FileComplaint, RecordCauseChange } from '../workflows/messages';
import { releaseMeasures } from './implementation';
import { notify } from './notices';
import { answerContent, issueLetter } from './letters';
import { applyStepChanges, writeJournal, type ActivityDeps, type StepChanges, type TargetRef } from './support';

type Tx = Parameters<typeof writeJournal>[0];

/** The implementers of the given measures of a case, and the case's own agencies. */
async function toldOf(tx: Tx, caseId: string, codes: string[]) {
  const implementers = codes.length === 0 ? [] : await tx.select({ id: caseMeasures.implementerId }).from(caseMeasures)
    .where(and(eq(caseMeasures.caseId, caseId), inArray(caseMeasures.code, codes)));
  const [c] = await tx.select({ documentNumber: cases.documentNumber, authorityId: cases.authorityId, pushedBy: cases.pushedBy }).from(cases).where(eq(cases.id, caseId));
  return { implementers: implementers.map((i) => i.id), c };
}

export function createComplaintActivities({ db, calendar }: ActivityDeps) {
  return {
    /** R11: a complaint after the objection's answer: measures suspended while the office handles it (异议投诉处理阶段…暂停执行). */
    async recordComplaint(input: TargetRef & FileComplaint & StepChanges & { suspended: string[] }): Promise<{ opened: OpenStep[] }> {
      const at = new Date(input.at);
      return db.transaction(async (tx) => {
        const opened = await applyStepChanges(tx, await calendar(tx), input, input);
        await tx.insert(complaints).values({ id: input.complaintId, caseId: input.caseId, officeId: input.actor, reason: input.reason, filedAt: at }).onConflictDoNothing();
        if (input.suspended.length) {
          await tx.update(caseMeasures).set({ status: 'suspended' }).where(and(eq(caseMeasures.caseId, input.caseId), inArray(caseMeasures.code, input.suspended)));
        }
        const base = `${input.workflowId}/${input.caseId}/complaint/${input.complaintId}`;
        await writeJournal(tx, {
          agencyId: input.actor, eventKey: `${base}/filed`, targetId: input.targetId, caseId: input.caseId, kind: 'complaint_filed', rule: 'R11', at,
          detail: { complaintId: input.complaintId, reason: input.reason, suspended: input.suspended, reviewDueAt: opened[0]?.due.dueAt ?? null },
        });
        const { implementers, c } = await toldOf(tx, input.caseId, input.suspended);
        await notify(tx, {
          eventKey: `${base}/filed`, agencyIds: [...implementers, ...(c?.pushedBy ? [c.pushedBy] : [])], kind: 'measures_suspended', rule: 'R11', at: input.at,
          subject: `案件 ${c?.documentNumber ?? input.caseId} 的当事人提出投诉，相关措施在投诉处理期间暂停执行`,
          detail: { caseId: input.caseId, complaintId: input.complaintId, measures: input.suspended },
        });
        return { opened };
      });
    },

    /** R11: the complaint's outcome: rejected resumes the measures with their ends moved; upheld has the AUTHORITY release. */
    async recordComplaintDecision(input: TargetRef & DecideComplaint & StepChanges & { resumed: Resumed[]; letterId?: string }): Promise<{ opened: OpenStep[] }> {
      const at = new Date(input.at);
      return db.transaction(async (tx) => {
        const opened = await applyStepChanges(tx, await calendar(tx), input, input);
        await tx.update(complaints).set({ outcome: input.outcome, decisionReason: input.reason, decidedAt: at }).where(eq(complaints.id, input.complaintId));
        if (input.letterId) {
          const content = await answerContent(tx, input.caseId, 'complaint_answer', { outcome: input.outcome, reason: input.reason, decidedBy: input.actor, decidedOn: shanghaiDateOf(input.at) });
          await issueLetter(tx, { ...input, letterId: input.letterId, kind: 'complaint_answer' }, content);
        }
        for (const r of input.resumed) {
          await tx.update(caseMeasures).set({ status: 'active', periodEnd: r.newEnd }).where(and(eq(caseMeasures.caseId, input.caseId), eq(caseMeasures.code, r.code)));
        }
        const base = `${input.workflowId}/${input.caseId}/complaint/${input.complaintId}`;
        await writeJournal(tx, {
          agencyId: input.actor, eventKey: `${base}/decided`, targetId: input.targetId, caseId: input.caseId, kind: 'complaint_decided', rule: 'R11', at,
          detail: { complaintId: input.complaintId, outcome: input.outcome, reason: input.reason, resumed: input.resumed, releaseDueAt: opened[0]?.due.dueAt ?? null },
        });
        if (input.outcome !== 'upheld') return { opened };
        const { c } = await toldOf(tx, input.caseId, []);
        await notify(tx, {
          eventKey: `${base}/upheld`, agencyIds: c?.authorityId ? [c.authorityId] : [], kind: 'objection_upheld', rule: 'R11', at: input.at,
          subject: `案件 ${c?.documentNumber ?? input.caseId} 投诉成立，请于 3 个工作日内解除惩戒措施`,
          detail: { caseId: input.caseId, complaintId: input.complaintId, releaseDueAt: opened[0]?.due.dueAt ?? null },
        });
        return { opened };
      });
    },

    /** R11: the cause was changed or revoked: the AUTHORITY is told to adjust or release within 3 working days of the confirmation. */
    async recordCauseChange(input: TargetRef & RecordCauseChange & StepChanges): Promise<{ opened: OpenStep[] }> {
      const at = new Date(input.at);
      return db.transaction(async (tx) => {
        const opened = await applyStepChanges(tx, await calendar(tx), input, input);
        const eventKey = `${input.workflowId}/${input.caseId}/cause-changed@${input.at}`;
        const dueAt = opened[0]?.due.dueAt ?? null;
        await writeJournal(tx, {
          agencyId: input.actor, eventKey, targetId: input.targetId, caseId: input.caseId, kind: 'cause_changed', rule: 'R11', at,
          detail: { change: input.change, document: input.document, confirmedOn: input.confirmedOn, adjustDueAt: dueAt },
        });
        const { c } = await toldOf(tx, input.caseId, []);
        await notify(tx, {
          eventKey, agencyIds: c?.authorityId ? [c.authorityId] : [], kind: 'cause_changed', rule: 'R11', at: input.at,
          subject: `案件 ${c?.documentNumber ?? input.caseId} 的失信事由已${input.change === 'revoked' ? '撤销' : '变更'}，请于 3 个工作日内调整或解除措施`,
          detail: { caseId: input.caseId, change: input.change, document: input.document, confirmedOn: input.confirmedOn, dueAt },
        });
        return { opened };
      });
    },

    /** R11: the AUTHORITY's adjustment: the case released, or measures dropped and periods shortened; the implementers told. */
    async recordAdjustment(input: TargetRef & AdjustCase & StepChanges & { released: string[]; shortened: { code: string; oldEnd: string | null; newEnd: string }[] }): Promise<void> {
      const at = new Date(input.at);
      await db.transaction(async (tx) => {
        await applyStepChanges(tx, await calendar(tx), input, input);
        if (input.release) await tx.update(cases).set({ status: 'released', updatedAt: at }).where(eq(cases.id, input.caseId));
        for (const s of input.shortened) {
          await tx.update(caseMeasures).set({ periodEnd: s.newEnd }).where(and(eq(caseMeasures.caseId, input.caseId), eq(caseMeasures.code, s.code)));
        }
        const eventKey = `${input.workflowId}/${input.caseId}/adjusted@${input.at}`;
        await writeJournal(tx, {
          agencyId: input.actor, eventKey, targetId: input.targetId, caseId: input.caseId, kind: 'case_adjusted', rule: 'R11', at,
          detail: { release: input.release, released: input.released, shortened: input.shortened, superseded: input.superseded ?? [] },
        });
        await releaseMeasures(tx, input, input.released, 'adjustment');
        const { implementers, c } = await toldOf(tx, input.caseId, input.shortened.map((s) => s.code));
        if (implementers.length === 0) return;
        await notify(tx, {
          eventKey, agencyIds: implementers, kind: 'measures_adjusted', rule: 'R11', at: input.at,
          subject: `案件 ${c?.documentNumber ?? input.caseId} 的措施期限已调整，请按新的期限实施`,
          detail: { caseId: input.caseId, shortened: input.shortened },
        });
      });
    },
  };
}
