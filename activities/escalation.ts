// R14 a step past its deadline: the overdue record, notices to the responsible agency and the
// supervisors, reminders every N working days until it is done. R16 deadlines recomputed when
// a holiday year is loaded, for every kind of step. The loop closing.
import { and, eq, isNull, sql } from 'drizzle-orm';
import { escalationInterval } from '../db/calendar-store';
import { cases, steps, targets } from '../db/schema';
import { shanghaiDateOf } from '../domain/dates';
import { stepLabel, type OpenStep, type StepKind } from '../domain/steps';
import { addWorkingDays, type Deadline } from '../domain/working-days';
import { agenciesWithRoles, notify } from './notices';
import { resolveDeadline, stepRowId, writeJournal, type ActivityDeps, type TargetRef } from './support';

type DbOrTx = Parameters<typeof writeJournal>[0];

/** What the step is about, in a notice's words: its case's document, or the target. */
async function subjectOf(tx: DbOrTx, targetId: string, step: OpenStep): Promise<string> {
  if (step.caseId) {
    const [c] = await tx.select({ documentNumber: cases.documentNumber }).from(cases).where(eq(cases.id, step.caseId));
    if (c) return `案件 ${c.documentNumber}`;
  }
  const [t] = await tx.select({ name: targets.name }).from(targets).where(eq(targets.id, targetId));
  return `惩戒对象 ${t?.name ?? targetId}`;
}

export function createEscalationActivities({ db, calendar }: ActivityDeps) {
  /** R14: the next reminder, N working days (the step's setting) after `from`. */
  const nextReminder = async (kind: StepKind, from: string): Promise<Deadline> =>
    addWorkingDays(await calendar(), from, await escalationInterval(db, kind));

  return {
    /** R16: the end of the Nth working day after a date, or after the Shanghai date of an instant. */
    async computeDeadline(input: { from?: string; after?: string; workingDays: number }): Promise<Deadline> {
      return addWorkingDays(await calendar(), input.from ?? shanghaiDateOf(input.after!), input.workingDays);
    },

    /** R14: the step's deadline passed: one overdue record; the responsible agency and the supervisors are told. */
    async recordOverdue(input: TargetRef & { step: OpenStep; detectedAt: string }): Promise<{ next: Deadline }> {
      const { step } = input;
      const at = new Date(input.detectedAt);
      await db.transaction(async (tx) => {
        await tx.update(steps).set({ overdueAt: at })
          .where(and(eq(steps.id, stepRowId(input.targetId, step.key)), isNull(steps.overdueAt)));
        const eventKey = `${input.workflowId}/${step.key}/overdue`;
        await writeJournal(tx, {
          agencyId: step.agencyId, eventKey, targetId: input.targetId, caseId: step.caseId, kind: 'overdue', rule: step.rule, at,
          detail: { step: step.key, kind: step.kind, month: step.month ?? null, dueAt: step.due.dueAt },
        });
        await notify(tx, {
          eventKey, agencyIds: [...(step.agencyId ? [step.agencyId] : []), ...await agenciesWithRoles(tx, ['SUPERVISOR'])],
          kind: 'overdue', rule: 'R14', at: input.detectedAt,
          subject: `${await subjectOf(tx, input.targetId, step)} 的${stepLabel(step.kind, step.month)}已逾期（期限 ${step.due.due}）`,
          detail: { targetId: input.targetId, caseId: step.caseId, step: step.key, kind: step.kind, rule: step.rule, dueAt: step.due.dueAt },
        });
      });
      return { next: await nextReminder(step.kind, step.due.due) };
    },

    /** R14: the step is still overdue: remind the responsible agency again, tell the supervisors. */
    async recordReminder(input: TargetRef & { step: OpenStep; reminder: number; detectedAt: string }): Promise<{ next: Deadline }> {
      const { step } = input;
      const at = new Date(input.detectedAt);
      await db.transaction(async (tx) => {
        await tx.update(steps).set({ reminders: sql`greatest(${steps.reminders}, ${input.reminder})`, lastRemindedAt: at })
          .where(eq(steps.id, stepRowId(input.targetId, step.key)));
        const eventKey = `${input.workflowId}/${step.key}/reminder-${input.reminder}`;
        await writeJournal(tx, {
          agencyId: step.agencyId, eventKey, targetId: input.targetId, caseId: step.caseId, kind: 'escalated', rule: 'R14', at,
          detail: { step: step.key, kind: step.kind, month: step.month ?? null, stepRule: step.rule, reminder: input.reminder },
        });
        await notify(tx, {
          eventKey, agencyIds: [...(step.agencyId ? [step.agencyId] : []), ...await agenciesWithRoles(tx, ['SUPERVISOR'])],
          kind: 'escalated', rule: 'R14', at: input.detectedAt,
          subject: `${await subjectOf(tx, input.targetId, step)} 的${stepLabel(step.kind, step.month)}仍未完成（第 ${input.reminder} 次催办）`,
          detail: { targetId: input.targetId, caseId: step.caseId, step: step.key, kind: step.kind, rule: step.rule, reminder: input.reminder },
        });
      });
      return { next: await nextReminder(step.kind, (step.nextReminder ?? step.due).due) };
    },

    /**
     * R16: provisional deadlines recomputed after a holiday year was loaded, every kind of step
     * alike: the step's row moves, and the journal says old due, new due and why. A deadline moved
     * before now is flagged; the step then falls overdue at once.
     */
    async recomputeDeadlines(input: TargetRef & { steps: OpenStep[]; reason: string; at: string; nowMs: number }): Promise<{ key: string; due: Deadline }[]> {
      return db.transaction(async (tx) => {
        const cal = await calendar(tx);
        const moved: { key: string; due: Deadline }[] = [];
        for (const step of input.steps) {
          const spec = step.kind === 'feedback' && step.month ? { feedbackMonth: step.month } : { workingDays: step.due.workingDays, from: step.due.from };
          const fresh = await resolveDeadline(tx, cal, spec, step.kind);
          if (fresh.dueAtMs === step.due.dueAtMs && fresh.provisional === step.due.provisional) continue;
          moved.push({ key: step.key, due: fresh });
          await tx.update(steps).set({ dueAt: new Date(fresh.dueAtMs), provisional: fresh.provisional })
            .where(eq(steps.id, stepRowId(input.targetId, step.key)));
          await writeJournal(tx, {
            eventKey: `${input.workflowId}/${step.key}/recomputed@${input.at}`, targetId: input.targetId, caseId: step.caseId,
            kind: 'deadline_recomputed', rule: 'R16', at: new Date(input.at),
            detail: {
              step: step.key, kind: step.kind, month: step.month ?? null, stepRule: step.rule, oldDue: step.due.dueAt, newDue: fresh.dueAt,
              provisional: fresh.provisional, reason: input.reason, movedIntoPast: fresh.dueAtMs < input.nowMs,
            },
          });
        }
        return moved;
      });
    },

    /** Every measure released and no step owed: the target's loop is closed for now. */
    async recordTargetClosed(input: TargetRef & { at: string }): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.update(targets).set({ status: 'closed', updatedAt: new Date(input.at) }).where(eq(targets.id, input.targetId));
        await writeJournal(tx, {
          eventKey: `${input.workflowId}/closed@${input.at}`, targetId: input.targetId, kind: 'loop_closed', rule: 'R10', at: new Date(input.at), detail: {},
        });
      });
    },
  };
}
