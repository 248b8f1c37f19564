// R11: objections (the party's, recorded with the agency that filed the case, and an
// implementer's flag that the information is wrong), complaints to the joint-conference office,
// the release after an upheld one, and a cause changed or revoked by review, reconsideration or
// litigation. Workflow code: deterministic.
import { syncFeedbackMonth } from '../../domain/loop/feedback';
import { release, releaseAll, resumeAll, suspendAll, syncPeriodEnds } from '../../domain/loop/measures';
import type { TargetBook } from '../../domain/loop/book';
import { shanghaiDateOf } from '../../domain/dates';
import type { ActionArgs, CaseState } from '../messages';
import { acts } from '../activities';
import { releasePersons } from './persons';
import { answer, answerLetter, keys, owed, type Ctx, type Handlers } from './support';

/** An objection, the party's or an implementer's flag: the measures are suspended (信息核实期间暂不执行) and the originator verifies. */
async function objection({ book, ref }: Ctx, a: ActionArgs['fileObjection'], raisedBy: 'party' | 'implementer') {
  const c = book.caseOf(a.caseId);
  const on = shanghaiDateOf(a.at);
  c.objection = { objectionId: a.objectionId, raisedBy, raiserId: a.actor, filedOn: on, outcome: null, decidedOn: null, releasedOn: null };
  const suspended = suspendAll(c, on);
  syncPeriodEnds(book, c);
  const open = [owed('objection_verification', c, c.originatorId, on, { ref: a.objectionId })];
  const { opened } = await acts.recordObjection({ ...ref, ...a, raisedBy, suspended, open });
  book.addSteps(opened);
  return answer(a, raisedBy === 'party' ? 'fileObjection' : 'flagInformation', opened, [], { objectionId: a.objectionId, suspended });
}

/** The case is released whole (an upheld objection or complaint, or a revoked cause): every other step of it is no longer owed. */
export function releaseCaseWhole(book: TargetBook, c: CaseState, reason: 'objection' | 'adjustment', on: string) {
  c.status = 'released';
  const released = releaseAll(c, reason, on);
  const closed = keys(book.closeSteps((s) => s.caseId === c.caseId && (s.kind === 'objection_release' || s.kind === 'cause_adjustment')));
  const superseded = keys(book.closeSteps((s) => s.caseId === c.caseId));
  syncFeedbackMonth(book, on.slice(0, 7));
  return { released, closed, superseded };
}

export const objectionHandlers: Handlers<'fileObjection' | 'flagInformation' | 'decideObjection' | 'fileComplaint' | 'decideComplaint'
  | 'releaseCase' | 'recordCauseChange' | 'adjustCase'> = {
  /** R11: the party's objection, recorded with the agency that filed the case (谁决定、谁负责). */
  fileObjection: (ctx, a) => objection(ctx, a, 'party'),

  /** R11: an implementer finds the information wrong and asks the provider to verify (002 篇三 (十六)). */
  flagInformation: (ctx, a) => objection(ctx, a, 'implementer'),

  /** R11: rejected, the measures resume with their period ends moved; upheld, the AUTHORITY releases in 3 working days. */
  async decideObjection({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    const on = shanghaiDateOf(a.at);
    Object.assign(c.objection!, { outcome: a.outcome, decidedOn: on });
    const closed = keys(book.closeStep('objection_verification', { caseId: c.caseId }));
    const resumed = a.outcome === 'rejected' ? resumeAll(c, on) : [];
    syncPeriodEnds(book, c);
    const open = a.outcome === 'upheld' ? [owed('objection_release', c, c.authorityId, on, { ref: a.objectionId })] : [];
    const letterId = answerLetter(c, 'objection_answer', a.objectionId, on);
    const { opened } = await acts.recordObjectionDecision({ ...ref, ...a, resumed, closed, open, letterId });
    book.addSteps(opened);
    return answer(a, 'decideObjection', opened, closed, { objectionId: a.objectionId, outcome: a.outcome, resumed });
  },

  /** R11: after the objection's answer the party complains to the joint-conference office; the measures are suspended again. */
  async fileComplaint({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    const on = shanghaiDateOf(a.at);
    c.complaint = { complaintId: a.complaintId, officeId: a.actor, filedOn: on, outcome: null, decidedOn: null, releasedOn: null };
    const suspended = suspendAll(c, on);
    syncPeriodEnds(book, c);
    const open = [owed('complaint_review', c, a.actor, on, { ref: a.complaintId })];
    const { opened } = await acts.recordComplaint({ ...ref, ...a, suspended, open });
    book.addSteps(opened);
    return answer(a, 'fileComplaint', opened, [], { complaintId: a.complaintId, suspended });
  },

  /** R11: rejected, the period resumes (异议投诉被驳回的…继续计算); upheld, the AUTHORITY releases in 3 working days. */
  async decideComplaint({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    const on = shanghaiDateOf(a.at);
    Object.assign(c.complaint!, { outcome: a.outcome, decidedOn: on });
    const closed = keys(book.closeStep('complaint_review', { caseId: c.caseId }));
    const resumed = a.outcome === 'rejected' ? resumeAll(c, on) : [];
    syncPeriodEnds(book, c);
    const open = a.outcome === 'upheld' ? [owed('objection_release', c, c.authorityId, on, { ref: a.complaintId })] : [];
    const letterId = answerLetter(c, 'complaint_answer', a.complaintId, on);
    const { opened } = await acts.recordComplaintDecision({ ...ref, ...a, resumed, closed, open, letterId });
    book.addSteps(opened);
    return answer(a, 'decideComplaint', opened, closed, { complaintId: a.complaintId, outcome: a.outcome, resumed });
  },

  /** R11: the AUTHORITY releases every measure after an upheld objection or complaint; the case's other steps are no longer owed. */
  async releaseCase({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    const on = shanghaiDateOf(a.at);
    for (const x of [c.objection, c.complaint]) if (x?.outcome === 'upheld' && !x.releasedOn) x.releasedOn = on;
    const { released, closed, superseded } = releaseCaseWhole(book, c, 'objection', on);
    await acts.recordCaseReleased({ ...ref, ...a, released, closed, superseded });
    const persons = await releasePersons({ book, ref }, c, 'objection', a);
    return answer(a, 'releaseCase', [], [...closed, ...superseded], { released, ...persons });
  },

  /** R11: the cause was changed or revoked: the AUTHORITY adjusts or releases within 3 working days of the confirmation. */
  async recordCauseChange({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    c.causeChange = { change: a.change, document: a.document, confirmedOn: a.confirmedOn, adjustedOn: null };
    const open = [owed('cause_adjustment', c, c.authorityId, a.confirmedOn)];
    const { opened } = await acts.recordCauseChange({ ...ref, ...a, open });
    book.addSteps(opened);
    return answer(a, 'recordCauseChange', opened, [], { change: a.change, confirmedOn: a.confirmedOn });
  },

  /** R11: the AUTHORITY releases the case, or drops measures and shortens periods; the implementers are told. */
  async adjustCase({ book, ref }, a) {
    const c = book.caseOf(a.caseId);
    const on = shanghaiDateOf(a.at);
    c.causeChange!.adjustedOn = on;
    if (a.release) {
      const { released, closed, superseded } = releaseCaseWhole(book, c, 'adjustment', on);
      await acts.recordAdjustment({ ...ref, ...a, released, shortened: [], closed, superseded });
      const persons = await releasePersons({ book, ref }, c, 'adjustment', a);
      return answer(a, 'adjustCase', [], [...closed, ...superseded], { released, ...persons });
    }
    const released = a.drop.filter((code) => release(c, code, 'adjustment', on));
    const shortened = a.shorten.map((s) => {
      const m = c.inForce.find((x) => x.code === s.code)!;
      const oldEnd = m.periodEnd;
      m.periodEnd = s.periodEnd;
      return { code: s.code, oldEnd, newEnd: s.periodEnd };
    });
    syncPeriodEnds(book, c);
    syncFeedbackMonth(book, on.slice(0, 7));
    const closed = keys(book.closeStep('cause_adjustment', { caseId: c.caseId }));
    await acts.recordAdjustment({ ...ref, ...a, released, shortened, closed });
    return answer(a, 'adjustCase', [], closed, { released, shortened });
  },
};
