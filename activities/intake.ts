// R2, R3 Intake: the case as the workflow took it, the push step (on time or late), the steps
// it opens for the AUTHORITY (R5), and the upward report of measures executed elsewhere (R4).
import { and, eq, or } from 'drizzle-orm';
import { cases, measureVersions, steps, targets } from '../db/schema';
import { shanghaiDateOf } from '../domain/dates';
import { stepLabel, workingDaysOf, type OpenStep } from '../domain/steps';
import type { Deadline, WorkingCalendar } from '../domain/working-days';
import type { FileCase } from '../workflows/messages';
import { determinationContent, issueLetter } from './letters';
import { agenciesWithRoles, notify } from './notices';
import { applyStepChanges, resolveDeadline, stepRowId, writeJournal, type ActivityDeps, type StepChanges, type TargetRef } from './support';

export function createIntakeActivities({ db, calendar }: ActivityDeps) {
  return {
    /** R2/R3: records the case and its push step (`writeCase`), in one transaction. */
    async recordCase(input: RecordCaseInput): Promise<CaseWritten> {
      return db.transaction(async (tx) => writeCase(tx, await calendar(tx), input));
    },
  };
}

type Tx = Parameters<typeof writeJournal>[0];

export type RecordCaseInput = TargetRef & { filed: FileCase; letterId?: string | null } & StepChanges;
export interface CaseWritten { push: Deadline | null; late: boolean; opened: OpenStep[] }

/**
 * R2/R3: the case and its push step: 3 working days (15 with consultation 会商) after the decision
 * (R2) or after CREDIT received the document (R3). A push after its limit is accepted, recorded as
 * late and escalated (R14). Returns the push deadline and the opened steps. Written in the caller's
 * transaction (recordCase; issue 17: recordImportedCase with the steps already taken).
 */
export async function writeCase(tx: Tx, cal: WorkingCalendar, input: RecordCaseInput): Promise<CaseWritten> {
  const { filed } = input;
  // R15: a tier listing's case is filed by the system the day the loop learns of it: no push is owed.
  // R13: a person's derived case was pushed with its enterprise's case: no push of its own is owed.
  const kind = filed.derivedFrom ? null : filed.source === 'penalty_decision' ? 'push' : filed.source === 'external_document' ? 'external_push' : null;
  const rule = filed.source === 'penalty_decision' ? 'R2' : filed.source === 'external_document' ? 'R3' : 'R15';
  const at = new Date(filed.at);
  const from = filed.source === 'external_document' ? filed.receivedOn ?? shanghaiDateOf(filed.at) : filed.document.issuedOn;
  const push = kind ? await resolveDeadline(tx, cal, { workingDays: workingDaysOf(kind, filed.consultation), from }) : null;
  const late = push !== null && at.getTime() > push.dueAtMs;
  await tx.insert(cases).values({
    id: filed.caseId, targetId: input.targetId, source: filed.source,
    documentNumber: filed.document.number, documentIssuer: filed.document.issuer, documentKind: filed.document.kind,
    issuedOn: filed.document.issuedOn, receivedOn: filed.receivedOn, consultation: filed.consultation,
    measures: filed.measures, authorityId: filed.authorityId, seriousness: filed.seriousness, repeated: filed.repeated,
    penaltyType: filed.penalty?.type ?? null, penaltyAmount: filed.penalty?.amount ?? null, penaltyField: filed.penalty?.field ?? null,
    pushDueOn: push?.due ?? null, late, pushedBy: filed.actor, pushedAt: at, status: 'pushed', derivedFrom: filed.derivedFrom?.caseId ?? null,
  }).onConflictDoNothing();
  // A new cause puts a closed target back in the loop (R10: a new run with the same id).
  await tx.update(targets).set({ status: 'open', updatedAt: at }).where(eq(targets.id, input.targetId));
  // The push is a step done at intake: on time or late, it counts in the statistics (R14).
  if (kind && push) {
    await tx.insert(steps).values({
      id: stepRowId(input.targetId, `${kind}/${filed.caseId}`), kind, rule, targetId: input.targetId, caseId: filed.caseId,
      agencyId: filed.actor, openedAt: at, dueAt: new Date(push.dueAtMs), provisional: push.provisional,
      doneAt: at, doneBy: filed.actor, outcome: 'done', overdueAt: late ? at : null,
    }).onConflictDoNothing();
  }
  const opened = await applyStepChanges(tx, cal, input, { ...input, at: filed.at, actor: filed.actor });
  const receipt = opened.find((s) => s.kind === 'receipt');
  await writeJournal(tx, {
    agencyId: filed.actor, eventKey: `${input.workflowId}/${filed.caseId}/pushed`, targetId: input.targetId, caseId: filed.caseId,
    kind: 'case_pushed', rule, at,
    detail: {
      document: filed.document, receivedOn: filed.receivedOn, authorityId: filed.authorityId,
      measures: filed.measures.map((m) => m.code), receiptDueAt: receipt?.due.dueAt ?? null, pushDueOn: push?.due ?? null, late,
      ...(filed.derivedFrom ? { derivedFrom: filed.derivedFrom.caseId } : {}),
      ...(filed.taken ? { imported: filed.taken.importId } : {}),
    },
  });
  // Issue 17: an imported case tells only what it still owes (the receipt, if not taken); old lateness is recorded, not escalated.
  if (!filed.taken || receipt) await notify(tx, {
    eventKey: `${input.workflowId}/${filed.caseId}/pushed`, agencyIds: [filed.authorityId], kind: 'case_pushed', rule: 'R5', at: filed.at,
    subject: `请于 ${receipt?.due.due ?? '3 个工作日内'} 前接收案件 ${filed.document.number}，并推送实施机构`,
    detail: { caseId: filed.caseId, targetId: input.targetId, steps: opened.map((s) => ({ key: s.key, label: stepLabel(s.kind), dueAt: s.due.dueAt })) },
  });
  if (late && push && !filed.taken) {
    await notify(tx, {
      eventKey: `${input.workflowId}/${filed.caseId}/push/late`,
      agencyIds: [filed.actor, ...await agenciesWithRoles(tx, ['SUPERVISOR'])], kind: 'overdue', rule: 'R14', at: filed.at,
      subject: `案件 ${filed.document.number} 超过推送期限（${push.due}）后推送`,
      detail: { caseId: filed.caseId, step: kind, rule, pushDueOn: push.due },
    });
  }
  // R17: the notice to the party, delivered by the AUTHORITY within 3 working days.
  if (input.letterId) {
    const published = filed.measures.some((m) => m.publicity?.length);
    const determination = await determinationContent(tx, filed.caseId, published ? filed.terms?.repairAfterMonths ?? null : null);
    // R15: a tier listing's letter is the tier's own notice: its name without book-title marks or what follows in brackets.
    const title = filed.tierNotice?.replace(/[（(].*[)）]$/, '').replace(/^《(.*)》$/, '$1');
    const content = title ? { ...determination, title } : determination;
    await issueLetter(tx, { ...input, caseId: filed.caseId, letterId: input.letterId, kind: 'determination', actor: filed.actor, at: filed.at }, content);
  }
  await reportUpward(tx, input, filed, at, opened);
  await askConsultations(tx, input, filed, at, opened);
  return { push, late, opened };
}

/**
 * R2/R3: the agencies asked to consult (会商) and LEGAL asked to review (法制审核) are told, each
 * with its due day; 000 §三(三): LEGAL is told of the discipline a penalty decision triggers.
 */
async function askConsultations(tx: Tx, input: TargetRef, filed: FileCase, at: Date, opened: OpenStep[]): Promise<void> {
  const asked = opened.filter((s) => s.kind === 'consultation' || s.kind === 'legal_review');
  if (asked.length) {
    await writeJournal(tx, {
      agencyId: filed.actor, eventKey: `${input.workflowId}/${filed.caseId}/consultation-requested`, targetId: input.targetId, caseId: filed.caseId,
      kind: 'consultation_requested', rule: filed.source === 'penalty_decision' ? 'R2' : 'R3', at,
      detail: { requests: asked.map((s) => ({ requestId: s.ref, kind: s.kind, agencyId: s.agencyId, dueAt: s.due.dueAt })) },
    });
  }
  for (const s of asked) {
    await notify(tx, {
      eventKey: `${input.workflowId}/${filed.caseId}/consultation/${s.ref}`, agencyIds: [s.agencyId!], kind: s.kind, rule: s.rule, at: filed.at,
      subject: `请于 ${s.due.due} 前就案件 ${filed.document.number} 提出${stepLabel(s.kind)}意见`,
      detail: { caseId: filed.caseId, targetId: input.targetId, requestId: s.ref, measures: filed.measures.map((m) => m.code), dueAt: s.due.dueAt },
    });
  }
  // R13: LEGAL was told of the enterprise's case; a person's derived case is the same decision.
  // Issue 17: an imported case's decision was told long ago.
  if (filed.source !== 'penalty_decision' || filed.derivedFrom || filed.taken) return;
  await notify(tx, {
    eventKey: `${input.workflowId}/${filed.caseId}/legal-told`, agencyIds: await agenciesWithRoles(tx, ['LEGAL']), kind: 'discipline_triggered', rule: 'R2', at: filed.at,
    subject: `行政处罚决定 ${filed.document.number} 引发失信惩戒措施 ${filed.measures.map((m) => m.code).join('、')}`,
    detail: { caseId: filed.caseId, targetId: input.targetId, measures: filed.measures.map((m) => m.code) },
  });
}

/** R4: measures executed outside the local system are recorded with their upward route and reported to the AUTHORITY at this level. */
async function reportUpward(tx: Tx, input: TargetRef, filed: FileCase, at: Date, opened: OpenStep[]): Promise<void> {
  const outside = filed.measures.filter((m) => m.outsideLocalAuthority);
  if (outside.length === 0) return;
  const names = await tx.select({ code: measureVersions.code, nameZh: measureVersions.nameZh }).from(measureVersions)
    .where(or(...outside.map((m) => and(eq(measureVersions.code, m.code), eq(measureVersions.version, m.version)))));
  await writeJournal(tx, {
    eventKey: `${input.workflowId}/${filed.caseId}/reported-upward`, targetId: input.targetId, caseId: filed.caseId,
    agencyId: filed.actor, kind: 'reported_upward', rule: 'R4', at,
    detail: { measures: outside.map((m) => m.code), to: filed.authorityId, dueAt: opened.find((s) => s.kind === 'upward_report')?.due.dueAt ?? null },
  });
  await notify(tx, {
    eventKey: `${input.workflowId}/${filed.caseId}/reported-upward`, agencyIds: [filed.authorityId],
    kind: 'report_upward', rule: 'R4', at: filed.at,
    subject: `案件 ${filed.document.number} 含须由上级或其他部门实施的措施，请于 ${opened.find((s) => s.kind === 'upward_report')?.due.due ?? '3 个工作日内'} 前逐级上报或确认`,
    detail: { caseId: filed.caseId, measures: names.map((o) => ({ code: o.code, name: o.nameZh })) },
  });
}
