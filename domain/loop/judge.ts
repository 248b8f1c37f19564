// The one judge of whether an agency's action fits the target's state (the Update validator,
// and again under the lock before the action is applied). Forbidden: the acting agency does
// not stand to the case as the action needs (domain/actions.ts); refused: the state does not
// allow it now. Pure.
import { ACTIONS, RELATION_WORDS, type ActionName, type Relation } from '../actions';
import { shanghaiDateOf } from '../dates';
import { FORBIDDEN, REFUSED, type ActionArgs, type CaseState } from './state';
import type { TargetBook } from './book';
import { hasReported } from './feedback';
import { awaitingRelease, objectionPending } from './measures';
import { judgeAddressed, judgeAdjustment, judgeComplaint, judgePush, judgeRepair } from './judge-steps';
import { judgeParty } from './judge-publicity';

export interface Verdict {
  type: typeof FORBIDDEN | typeof REFUSED;
  message: string;
}

export const refused = (message: string): Verdict => ({ type: REFUSED, message });

function stands(c: CaseState, actor: string, relation: Relation): boolean {
  if (relation === 'originator') return c.originatorId === actor;
  if (relation === 'authority') return c.authorityId === actor;
  if (relation === 'implementer') return c.implementers.some((i) => i.agencyId === actor);
  // addressee: judged with the step addressed (judgeAddressed); office: by role, at the API.
  return true;
}

export function judge<A extends ActionName>(book: TargetBook, name: A, args: ActionArgs[A]): Verdict | null {
  const { relation } = ACTIONS[name];
  if (name === 'reportFeedback') return judgeReport(book, args as ActionArgs['reportFeedback']);
  const caseId = (args as { caseId: string }).caseId;
  const c = book.find(caseId);
  if (!c) return refused(`case ${caseId} has no open loop on this target: its measures were all released and the loop closed`);
  const byOffice = name === 'fileObjection' && (args as ActionArgs['fileObjection']).viaOffice === true;
  if (!stands(c, args.actor, relation) && !byOffice) return { type: FORBIDDEN, message: `only ${RELATION_WORDS[relation]} may do this` };
  // A released case still owes its withdrawals (R8) and the delivery of its letters (R17).
  if (c.status === 'released' && name !== 'confirmPublicityOrder' && name !== 'recordLetterDelivery') {
    return refused('the measures of this case were released (R11)');
  }
  return judgeState(book, c, name, args, shanghaiDateOf(args.at));
}

function judgeState<A extends ActionName>(book: TargetBook, c: CaseState, name: A, args: ActionArgs[A], today: string): Verdict | null {
  switch (name) {
    case 'receiveCase':
      return c.status === 'pushed' ? null : refused('the case has already been received');
    case 'pushToImplementers':
    case 'markNotApplicable':
      return judgePush(c, name, args as ActionArgs['pushToImplementers'] & ActionArgs['markNotApplicable']);
    case 'acknowledge':
      return c.implementers.find((i) => i.agencyId === args.actor)?.acknowledgedAt ? refused('already acknowledged') : null;
    case 'forwardUpwardReport':
    case 'confirmUpwardReport':
    case 'answerConsultation':
      return judgeAddressed(book, c, name, args as ActionArgs['forwardUpwardReport'] & ActionArgs['answerConsultation']);
    case 'fileObjection':
    case 'flagInformation':
      if (objectionPending(c)) return refused(`objection ${c.objection!.objectionId} is still being verified`);
      return c.complaint && !c.complaint.outcome ? refused(`complaint ${c.complaint.complaintId} is still being handled`) : null;
    case 'decideObjection': {
      const o = c.objection;
      const id = (args as ActionArgs['decideObjection']).objectionId;
      if (o?.objectionId !== id) return refused(`no objection ${id} on this case`);
      return o.outcome ? refused(`objection ${id} was already decided: ${o.outcome}`) : null;
    }
    case 'fileComplaint':
    case 'decideComplaint':
      return judgeComplaint(book, c, name, args as ActionArgs['fileComplaint'] & ActionArgs['decideComplaint']);
    case 'releaseCase':
      return awaitingRelease(c) ? null : refused('no upheld objection or complaint awaits release on this case');
    case 'recordCauseChange':
    case 'adjustCase':
      return judgeAdjustment(c, name, args as ActionArgs['recordCauseChange'] & ActionArgs['adjustCase'], today);
    case 'fileRepair':
      return judgeRepair(c, today);
    case 'confirmPublicityOrder':
    case 'recordLetterDelivery':
      return judgeParty(c, name, args as ActionArgs['confirmPublicityOrder'] & ActionArgs['recordLetterDelivery'], today);
    case 'decideRepair': {
      const r = c.repair;
      const id = (args as ActionArgs['decideRepair']).repairId;
      if (r?.repairId !== id) return refused(`no repair ${id} on this case`);
      return r.outcome ? refused(`repair ${id} was already decided: ${r.outcome}`) : null;
    }
    case 'supplyMaterials': {
      const r = c.repair;
      const id = (args as ActionArgs['supplyMaterials']).repairId;
      if (r?.repairId !== id) return refused(`no repair ${id} on this case`);
      if (!r.commitment) return refused('this repair was not accepted on a commitment');
      if (r.revokedOn) return refused(`the repair was revoked on ${r.revokedOn}: the materials did not arrive by ${r.commitment.dueOn}`);
      if (r.fulfilledOn) return refused('the materials were already supplied');
      return r.outcome === 'approved' ? null : refused('the repair has not been approved');
    }
    default:
      return null;
  }
}

/** R9: a report is owed by this implementer on this month (its step is open) and not yet made. */
function judgeReport(book: TargetBook, args: ActionArgs['reportFeedback']): Verdict | null {
  const carries = book.state.cases.some((c) => c.implementers.some((i) => i.agencyId === args.actor));
  if (!carries) return { type: FORBIDDEN, message: 'only an implementer carrying a measure of this target may report on it' };
  if (hasReported(book, args.month, args.actor)) return refused(`the report on ${args.month} has already been made`);
  if (!book.hasStep({ kind: 'feedback', caseId: null, agencyId: args.actor, month: args.month })) {
    return refused(`no report on ${args.month} is owed by this implementer on this target`);
  }
  return null;
}
