// R12 credit repair: filed with and decided by the agency that filed the case, legal minimums,
// 容缺受理 commitments. Workflow code: deterministic.
import { syncFeedbackMonth } from '../../domain/loop/feedback';
import { openStep } from '../../domain/loop/book';
import { repairApproved, syncPeriodEnds } from '../../domain/loop/measures';
import { shanghaiDateOf } from '../../domain/dates';
import type { StepSpec } from '../../domain/steps';
import { deadlineOnDate } from '../../domain/working-days';
import { acts } from '../activities';
import { answer, answerLetter, keys, owed, type Handlers } from './support';

export const repairHandlers: Handlers<'fileRepair' | 'decideRepair' | 'supplyMaterials'> = {
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
    const letterId = answerLetter(c, 'repair_answer', a.repairId, on);
    await acts.recordRepairDecision({ ...ref, ...a, releasedNow, deferred, closed, letterId });
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
