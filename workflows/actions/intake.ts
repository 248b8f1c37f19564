// R2, R3 intake: the case joins the target; the AUTHORITY owes its receipt and its push to
// implementers (R5); consulted agencies and LEGAL owe their answers (会商, 法制审核); measures
// carried out elsewhere go up level by level (R4). Workflow code: deterministic.
import { patched } from '@temporalio/workflow';
import { hopRef, unassigned } from '../../domain/loop/case';
import { shanghaiDateOf } from '../../domain/dates';
import type { OpenStep, StepSpec } from '../../domain/steps';
import { writes } from '../activities';
import type { CaseRecorded, CaseState, FileCase } from '../messages';
import {
  IMPORTED_CASES, IMPORTED_ONE_ACTIVITY, importedImplementers, importedOpenSteps, importedStatus, takeSteps, takenFor, takingOf, tookSteps,
} from './imported';
import { fileForPersons, ownMeasures } from './persons';
import { publicityDue } from './publicity';
import { answer, owed, type Ctx } from './support';

export const UPWARD_REPORT = 'UR1';
/** The patch under which intake opens R4 upward reports (workflows started before it did not). */
export const R4_UPWARD_REPORTS = 'r4-upward-reports';
/** The patch under which intake issues the notice to the party and owes its delivery (R17). */
export const R17_LETTERS = 'r17-letters';

export async function fileCase(ctx: Ctx, filed: FileCase): Promise<CaseRecorded> {
  const { book, ref } = ctx;
  let f = filed;
  const existing = book.find(f.caseId);
  if (existing) return recorded(existing, f, []);
  const on = shanghaiDateOf(f.at);
  // R13: measures on persons only fall on the persons listed, each in a case of its own (workflows/actions/persons.ts).
  const { measures, forPersons } = ownMeasures(f);
  if (forPersons) f = { ...f, measures };
  // Issue 17: an imported case comes with the steps the old system saw taken (of its own measures).
  const imported = f.taken && patched(IMPORTED_CASES) ? takenFor(f.taken, f.measures) : null;
  // Issue 17: since this patch the case and its steps taken are written by one activity, not two.
  const oneActivity = imported !== null && patched(IMPORTED_ONE_ACTIVITY);
  // R4: a case filed before upward reports were steps kept its measures executed elsewhere as a note.
  const reportsUpward = patched(R4_UPWARD_REPORTS);
  const outside = reportsUpward ? f.measures.filter((m) => m.outsideLocalAuthority).map((m) => m.code) : [];
  const consultations = [
    ...f.consultWith.map((agencyId, i) => ({ requestId: `Q${i + 1}`, kind: 'consultation' as const, agencyId, answer: null })),
    ...(f.legalReview ? [{ requestId: `L1`, kind: 'legal_review' as const, agencyId: f.legalReview, answer: null }] : []),
  ];
  const c: CaseState = {
    caseId: f.caseId, source: f.source, documentNumber: f.document.number, originatorId: f.actor, authorityId: f.authorityId,
    status: imported ? importedStatus(imported) : 'pushed', pushedAt: f.at, pushDueOn: null, pushDueProvisional: false, late: false,
    seriousness: f.seriousness, repeated: f.repeated, measures: f.measures, implementers: imported ? importedImplementers(imported) : [], notApplicable: [], inForce: [],
    objection: null, complaint: null, repair: null, consultations, causeChange: null,
    decidedOn: f.receivedOn ?? f.document.issuedOn, penalty: f.penalty ?? null, terms: f.terms ?? null, publicity: [],
    // R17: the notice of the determination (失信告知书), delivered by the AUTHORITY within 3 working days.
    // An imported case's notice was served by the old system when it was decided.
    letters: !imported && patched(R17_LETTERS) ? [{ letterId: `${f.caseId}.L1`, kind: 'determination', issuedOn: on, deliveredOn: null }] : [],
    // R4: to the AUTHORITY at the originator's level first (报送至同级业务主管机构), then up level by level.
    upward: outside.length ? [{ reportId: UPWARD_REPORT, measures: outside, hops: [{ agencyId: f.authorityId, sentOn: on, outcome: null, decidedOn: null }] }] : [],
    ...(f.derivedFrom ? { derivedFrom: f.derivedFrom } : {}),
  };
  book.state.cases.push(c);
  const rule = f.source === 'penalty_decision' ? 'R2' : 'R3';
  const open: StepSpec[] = imported ? importedOpenSteps(c, imported, on, unassigned(c)) : [owed('receipt', c, f.authorityId, on)];
  if (!imported && outside.length < f.measures.length) open.push(owed('implementer_push', c, f.authorityId, on));
  for (const q of consultations) open.push(owed(q.kind, c, q.agencyId, on, { ref: q.requestId, rule }));
  if (outside.length) open.push(owed('upward_report', c, f.authorityId, on, { ref: hopRef(UPWARD_REPORT, 1) }));
  if (c.letters.length) open.push(owed('letter_delivery', c, f.authorityId, on));
  const filing = { ...ref, filed: f, open, letterId: c.letters[0]?.letterId ?? null };
  // The steps taken and R8 the orders they call for need nothing recordCase answers (its push
  // deadline): known before the one activity that writes them all.
  const taking = imported && oneActivity ? takingOf(book, c, imported) : null;
  const due = imported && taking ? publicityDue(book, imported.importedAt) : null;
  const acts = writes();
  const { push, late, opened, taken, publicity } = imported && taking
    ? await acts.recordImportedCase({
      filing, taking: { ...ref, caseId: c.caseId, taken: imported, status: c.status, activated: taking.activated, open: taking.open },
      publicity: due && { ...ref, ...due },
    })
    : { ...await acts.recordCase(filing), taken: null, publicity: null };
  // R15: a tier listing's case owes no push (the system files it): null.
  Object.assign(c, { pushDueOn: push?.due ?? null, pushDueProvisional: push?.provisional ?? false, late });
  book.addSteps(opened);
  if (taking && taken) opened.push(...tookSteps(book, c, taking, taken, publicity));
  else if (imported) opened.push(...await takeSteps(ctx, c, imported));
  if (!forPersons) return recorded(c, f, opened);
  // R13: each person's case takes the steps its own measures had taken.
  const persons = await fileForPersons(ctx, c, imported ? { ...filed, taken: takenFor(filed.taken!, filed.measures.filter((m) => m.onPersons)) } : filed);
  return { ...recorded(c, f, opened), detail: { persons } };
}

function recorded(c: CaseState, f: FileCase, opened: OpenStep[]): CaseRecorded {
  return {
    ...answer(f, 'fileCase', opened, []), caseId: c.caseId,
    pushDueOn: c.pushDueOn ?? '', pushDueProvisional: c.pushDueProvisional, late: c.late,
  };
}
