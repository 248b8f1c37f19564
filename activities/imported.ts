// Issue 17, bulk import: the steps an imported case had already taken (R5 receipt, push to
// implementers, acknowledgement; R6–R8 measures in force since their dates), written as one
// transaction: the case's rows as those actions would have left them, one `case_imported` line
// by the importing agency, each measure's `measure_active` line dated by the file, and the R9
// reports now owed. Since the patch imported-one-activity the case itself is written in the same
// transaction, and the R8 publicity orders if any (recordImportedCase): one activity per imported
// case instead of two or three.
import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { caseImplementers, caseMeasures, cases, steps } from '../db/schema';
import { startOfShanghaiDay } from '../domain/dates';
import type { OpenStep } from '../domain/steps';
import type { WorkingCalendar } from '../domain/working-days';
import type { CaseStatus, MeasureState, TakenSteps } from '../workflows/messages';
import { writeCase, type CaseWritten, type RecordCaseInput } from './intake';
import { notify } from './notices';
import { writePublicityOrders, type PublicityOrdersInput, type PublicityOrdersSent } from './publicity';
import { applyStepChanges, writeJournal, type ActivityDeps, type StepChanges, type TargetRef } from './support';

export function createImportedActivities({ db, calendar }: ActivityDeps) {
  return {
    /** The steps taken, for a case recorded by recordCase before (workflows that filed before imported-one-activity). */
    async recordTakenSteps(input: TakenStepsInput): Promise<{ opened: OpenStep[] }> {
      return db.transaction(async (tx) => ({ opened: await writeTakenSteps(tx, await calendar(tx), input) }));
    },

    /**
     * Issue 17: an imported case in one transaction, one round trip: the case's rows as recordCase
     * writes them (`writeCase`), then the steps it had taken as recordTakenSteps writes them
     * (`writeTakenSteps`), then R8 the publicity orders its measures in force call for, as
     * issuePublicityOrders writes them (`writePublicityOrders`), if any. A retry rolls back or finds
     * all done, as each of them alone.
     */
    async recordImportedCase(input: { filing: RecordCaseInput; taking: TakenStepsInput; publicity: PublicityOrdersInput | null }):
    Promise<CaseWritten & { taken: OpenStep[]; publicity: PublicityOrdersSent | null }> {
      return db.transaction(async (tx) => {
        const cal = await calendar(tx);
        const written = await writeCase(tx, cal, input.filing);
        const taken = await writeTakenSteps(tx, cal, input.taking);
        return { ...written, taken, publicity: input.publicity ? await writePublicityOrders(tx, cal, input.publicity) : null };
      });
    },
  };
}

export type TakenStepsInput = TargetRef & StepChanges & { caseId: string; taken: TakenSteps; status: CaseStatus; activated: MeasureState[] };

/** The steps an imported case had taken, written in the caller's transaction after its case row. Returns the steps opened. */
async function writeTakenSteps(tx: DbOrTx, cal: WorkingCalendar, input: TakenStepsInput): Promise<OpenStep[]> {
  const { taken: t } = input;
  const importedAt = new Date(t.importedAt);
  const receivedOn = t.receivedOn ?? t.implementers.map((i) => i.pushedOn).sort()[0] ?? null;
  await tx.update(cases).set({
    status: input.status, ...(receivedOn ? { receivedAt: new Date(startOfShanghaiDay(receivedOn)) } : {}), updatedAt: importedAt,
  }).where(eq(cases.id, input.caseId));
  if (t.implementers.length) {
    await tx.insert(caseImplementers).values(t.implementers.map((i) => ({
      caseId: input.caseId, agencyId: i.agencyId, measures: i.measures, pushedAt: new Date(startOfShanghaiDay(i.pushedOn)),
      acknowledgedAt: i.acknowledgedOn ? new Date(startOfShanghaiDay(i.acknowledgedOn)) : null,
    }))).onConflictDoNothing();
  }
  const [c] = await tx.select({ measures: cases.measures, documentNumber: cases.documentNumber }).from(cases).where(eq(cases.id, input.caseId));
  // R5: an implementer pushed to that has not acknowledged yet owes it (opened at intake): it is told, as after a push.
  const owed = await tx.select({ agencyId: steps.agencyId, dueAt: steps.dueAt }).from(steps)
    .where(and(eq(steps.caseId, input.caseId), eq(steps.kind, 'acknowledgement'), isNull(steps.doneAt)));
  for (const i of t.implementers.filter((x) => !x.acknowledgedOn)) {
    const dueAt = owed.find((s) => s.agencyId === i.agencyId)?.dueAt.toISOString() ?? null;
    await notify(tx, {
      eventKey: `${input.workflowId}/${input.caseId}/imported/${i.agencyId}`, agencyIds: [i.agencyId], kind: 'pushed_to_implementer', rule: 'R5', at: t.importedAt,
      subject: `请签收并实施案件 ${c?.documentNumber ?? input.caseId} 的惩戒措施`,
      detail: { caseId: input.caseId, targetId: input.targetId, measures: i.measures, acknowledgeDueAt: dueAt, imported: t.importId },
    });
  }
  for (const m of input.activated) {
    const pinned = c?.measures.find((p) => p.code === m.code);
    await tx.insert(caseMeasures).values({
      caseId: input.caseId, code: m.code, version: pinned?.version ?? 1, implementerId: m.implementerId, status: m.status,
      activeFrom: m.activeFrom, periodEnd: m.periodEnd, feedbackSet: m.feedbackSet, minimumEnd: m.minimumEnd === 'never' ? null : m.minimumEnd,
    }).onConflictDoNothing();
    await writeJournal(tx, {
      agencyId: m.implementerId, eventKey: `${input.workflowId}/${input.caseId}/${m.code}/active`, targetId: input.targetId,
      caseId: input.caseId, kind: pinned?.category === 'R8' ? 'measure_active_publicity_started' : 'measure_active', rule: pinned?.category ?? 'R6',
      at: new Date(startOfShanghaiDay(m.activeFrom)), detail: { code: m.code, periodEnd: m.periodEnd, suspended: m.status === 'suspended', imported: t.importId },
    });
  }
  const opened = await applyStepChanges(tx, cal, input, { ...input, at: t.importedAt, actor: t.importedBy });
  await writeJournal(tx, {
    agencyId: t.importedBy, eventKey: `${input.workflowId}/${input.caseId}/imported`, targetId: input.targetId, caseId: input.caseId,
    kind: 'case_imported', rule: 'R5', at: importedAt,
    detail: {
      importId: t.importId, receivedOn: t.receivedOn,
      implementers: t.implementers.map((i) => ({ agencyId: i.agencyId, measures: i.measures, pushedOn: i.pushedOn, acknowledgedOn: i.acknowledgedOn })),
      inForce: input.activated.map((m) => ({ code: m.code, since: m.activeFrom, periodEnd: m.periodEnd })),
    },
  });
  return opened;
}
