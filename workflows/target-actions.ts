// What each agency action does to the target: the state change (domain/loop/), the steps it
// closes and opens, and the one activity that writes it all. Workflow code: deterministic.
import { shanghaiDateOf } from '../domain/dates';
import { stepView, workingDaysOf, type OpenStep, type StepSpec } from '../domain/steps';
import { deadlineOnDate } from '../domain/working-days';
import { acts } from './activities';
import { openStep, type TargetBook } from '../domain/loop/book';
import { feedbackSpecs, reportReceived, syncFeedbackMonth } from '../domain/loop/feedback';
import { activate, releaseAll, repairApproved, resumeAll, suspendAll, syncPeriodEnds } from '../domain/loop/measures';
import type { ActionAnswer, ActionArgs, CaseRecorded, CaseState, Envelope, FileCase } from './messages';

export interface Ctx {
  book: TargetBook;
  ref: { workflowId: string; targetId: string };
}

const keys = (steps: OpenStep[]) => steps.map((s) => s.key);

function answer(a: Envelope & { caseId?: string }, action: ActionAnswer['action'], opened: OpenStep[], closed: string[], detail: Record<string, unknown> = {}): ActionAnswer {
  return { action, caseId: a.caseId ?? null, at: a.at, fingerprint: a.fingerprint ?? null, opened: opened.map(stepView), closed, detail };
}

/** A step owed `days` working days after the action's day (R16: counted from the day after). */
function owed(kind: StepSpec['kind'], c: CaseState, agencyId: string, on: string, extra: Partial<StepSpec> = {}): StepSpec {
  return { kind, caseId: c.caseId, agencyId, ...extra, deadline: { workingDays: workingDaysOf(kind), from: on } };
}

/** R2/R3: the case joins the target; the AUTHORITY owes its receipt and its push to implementers (R5). */
export async function fileCase({ book, ref }: Ctx, f: FileCase): Promise<CaseRecorded> {
  const existing = book.find(f.caseId);
  if (existing) return recorded(existing, f, [], []);
  const c: CaseState = {
    caseId: f.caseId, source: f.source, documentNumber: f.document.number, originatorId: f.actor, authorityId: f.authorityId,
    status: 'pushed', pushedAt: f.at, pushDueOn: null, pushDueProvisional: false, late: false,
    seriousness: f.seriousness, repeated: f.repeated, measures: f.measures, implementers: [], inForce: [], objection: null, repair: null,
  };
  book.state.cases.push(c);
  const on = shanghaiDateOf(f.at);
  const open = [owed('receipt', c, f.authorityId, on)];
  // R4: a case whose measures are all executed elsewhere has nothing to push to local implementers.
  if (f.measures.some((m) => !m.outsideLocalAuthority)) open.push(owed('implementer_push', c, f.authorityId, on));
  const { push, late, opened } = await acts.recordCase({ ...ref, filed: f, open });
  Object.assign(c, { pushDueOn: push.due, pushDueProvisional: push.provisional, late });
  book.addSteps(opened);
  return recorded(c, f, opened, []);
}

function recorded(c: CaseState, f: FileCase, opened: OpenStep[], closed: string[]): CaseRecorded {
  return {
    ...answer(f, 'fileCase', opened, closed), caseId: c.caseId,
    pushDueOn: c.pushDueOn ?? '', pushDueProvisional: c.pushDueProvisional, late: c.late,
  };
}

type Handler<A extends keyof ActionArgs> = (ctx: Ctx, a: ActionArgs[A]) => Promise<ActionAnswer>;

export const handlers: { [A in keyof ActionArgs]: Handler<A> } = {
  /** R5: receipt by the AUTHORITY. */
  async receiveCase({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    c.status = 'received';
    const closed = keys(book.closeStep('receipt', { caseId: c.caseId }));
    await acts.recordReceipt({ ...ref, ...a, closed });
    return answer(a, 'receiveCase', [], closed);
  },

  /** R5: pushed to the implementers the AUTHORITY selects (received with it, if it was not yet); each acknowledges. */
  async pushToImplementers({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    const received = c.status === 'pushed';
    c.status = 'implementing';
    c.implementers = a.implementers.map((i) => ({ agencyId: i.agencyId, measures: i.measures, acknowledgedAt: null }));
    const closed = keys(book.closeSteps((s) => s.caseId === c.caseId && (s.kind === 'receipt' || s.kind === 'implementer_push')));
    const on = shanghaiDateOf(a.at);
    const open = a.implementers.map((i) => owed('acknowledgement', c, i.agencyId, on));
    const { opened } = await acts.recordImplementers({ ...ref, ...a, closed, open, received });
    book.addSteps(opened);
    return answer(a, 'pushToImplementers', opened, closed);
  },

  /** R5, R6–R8: acknowledged; the implementer's measures are in force from today (suspended under objection, R11). */
  async acknowledge({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    c.implementers.find((i) => i.agencyId === a.actor)!.acknowledgedAt = a.at;
    const closed = keys(book.closeStep('acknowledgement', { caseId: c.caseId, agencyId: a.actor }));
    const today = shanghaiDateOf(a.at);
    const activated = activate(c, a.actor, today);
    syncPeriodEnds(book, c);
    // R9: reports are owed from the month a feedback-set measure comes into force.
    const open = activated.some((m) => m.feedbackSet) ? feedbackSpecs(book, today.slice(0, 7), [a.actor]) : [];
    syncFeedbackMonth(book, today.slice(0, 7));
    const { opened } = await acts.recordAcknowledgement({ ...ref, ...a, closed, open, activated });
    book.addSteps(opened);
    return answer(a, 'acknowledge', opened, closed, { measures: activated });
  },

  /** R9: the month's report. */
  async reportFeedback({ book, ref }, a) {
    const closed = reportReceived(book, a.month, a.actor);
    await acts.recordFeedback({ ...ref, ...a, closed });
    return answer(a, 'reportFeedback', [], closed, { month: a.month });
  },

  /** R11: the objection suspends the measures in force (信息核实期间暂不执行); the originator verifies it in 15 working days. */
  async fileObjection({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    const on = shanghaiDateOf(a.at);
    c.objection = { objectionId: a.objectionId, filedOn: on, outcome: null, decidedOn: null, releasedOn: null };
    const suspended = suspendAll(c, on);
    syncPeriodEnds(book, c);
    const { opened } = await acts.recordObjection({ ...ref, ...a, suspended, open: [owed('objection_verification', c, c.originatorId, on, { ref: a.objectionId })] });
    book.addSteps(opened);
    return answer(a, 'fileObjection', opened, [], { objectionId: a.objectionId, suspended });
  },

  /** R11: rejected, the measures resume with their period ends moved; upheld, the AUTHORITY releases in 3 working days. */
  async decideObjection({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    const on = shanghaiDateOf(a.at);
    Object.assign(c.objection!, { outcome: a.outcome, decidedOn: on });
    const closed = keys(book.closeStep('objection_verification', { caseId: c.caseId }));
    const resumed = a.outcome === 'rejected' ? resumeAll(c, on) : [];
    syncPeriodEnds(book, c);
    const open = a.outcome === 'upheld' ? [owed('objection_release', c, c.authorityId, on, { ref: a.objectionId })] : [];
    const { opened } = await acts.recordObjectionDecision({ ...ref, ...a, resumed, closed, open });
    book.addSteps(opened);
    return answer(a, 'decideObjection', opened, closed, { objectionId: a.objectionId, outcome: a.outcome, resumed });
  },

  /** R11: the AUTHORITY releases every measure; the case's other steps are no longer owed. */
  async releaseCase({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    const on = shanghaiDateOf(a.at);
    c.objection!.releasedOn = on;
    c.status = 'released';
    const released = releaseAll(c, 'objection', on);
    const closed = keys(book.closeStep('objection_release', { caseId: c.caseId }));
    const superseded = keys(book.closeSteps((s) => s.caseId === c.caseId));
    syncFeedbackMonth(book, on.slice(0, 7));
    await acts.recordCaseReleased({ ...ref, ...a, released, closed, superseded });
    return answer(a, 'releaseCase', [], [...closed, ...superseded], { released });
  },

  /** R12: a repair application, reviewed by the originator within 15 working days. */
  async fileRepair({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    const on = shanghaiDateOf(a.at);
    c.repair = { repairId: a.repairId, outcome: null, decidedOn: null, commitment: a.commitment, fulfilledOn: null, revokedOn: null };
    const { opened } = await acts.recordRepair({ ...ref, ...a, open: [owed('repair_review', c, c.originatorId, on, { ref: a.repairId })] });
    book.addSteps(opened);
    return answer(a, 'fileRepair', opened, [], { repairId: a.repairId });
  },

  /** R12: approved, publicity stops and the measures are released, legal minimums aside; a commitment is then awaited. */
  async decideRepair({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    const on = shanghaiDateOf(a.at);
    Object.assign(c.repair!, { outcome: a.outcome, decidedOn: on });
    const closed = keys(book.closeStep('repair_review', { caseId: c.caseId }));
    const { releasedNow, deferred } = a.outcome === 'approved' ? repairApproved(c, on) : { releasedNow: [], deferred: [] };
    syncPeriodEnds(book, c);
    const commitment = a.outcome === 'approved' ? c.repair!.commitment : null;
    if (commitment) {
      const spec: StepSpec = { kind: 'repair_commitment', caseId: c.caseId, agencyId: c.originatorId, ref: a.repairId, deadline: { endOfDay: commitment.dueOn } };
      book.addSteps([openStep(spec, deadlineOnDate(commitment.dueOn))]);
    }
    syncFeedbackMonth(book, on.slice(0, 7));
    await acts.recordRepairDecision({ ...ref, ...a, releasedNow, deferred, closed });
    return answer(a, 'decideRepair', [], closed, { repairId: a.repairId, outcome: a.outcome, releasedNow, deferred });
  },

  /** R12: the promised materials arrived: the commitment is kept. */
  async supplyMaterials({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    c.repair!.fulfilledOn = shanghaiDateOf(a.at);
    const closed = keys(book.closeStep('repair_commitment', { caseId: c.caseId }));
    await acts.recordCommitment({ ...ref, caseId: c.caseId, repairId: a.repairId, kept: true, reinstated: [], actor: a.actor, at: a.at, closed });
    return answer(a, 'supplyMaterials', [], closed, { repairId: a.repairId });
  },
};
