// The one judge of whether an agency's action fits the target's state (the Update validator,
// and again under the lock before the action is applied). Forbidden: the acting agency does
// not stand to the case as the action needs (domain/actions.ts); refused: the state does not
// allow it now. Pure.
import { ACTIONS, RELATION_WORDS, type ActionName, type Relation } from '../actions';
import { shanghaiDateOf } from '../dates';
import { periodEnd } from '../periods';
import { FORBIDDEN, REFUSED, type ActionArgs, type CaseState } from './state';
import type { TargetBook } from './book';
import { hasReported } from './feedback';
import { objectionPending } from './measures';

export interface Verdict {
  type: typeof FORBIDDEN | typeof REFUSED;
  message: string;
}

const refused = (message: string): Verdict => ({ type: REFUSED, message });

function stands(c: CaseState, actor: string, relation: Relation): boolean {
  if (relation === 'originator') return c.originatorId === actor;
  if (relation === 'authority') return c.authorityId === actor;
  return c.implementers.some((i) => i.agencyId === actor);
}


export function judge<A extends ActionName>(book: TargetBook, name: A, args: ActionArgs[A]): Verdict | null {
  const { relation } = ACTIONS[name];
  if (name === 'reportFeedback') return judgeReport(book, args as ActionArgs['reportFeedback']);
  const caseId = (args as { caseId: string }).caseId;
  const c = book.find(caseId);
  if (!c) return refused(`case ${caseId} has no open loop on this target: its measures were all released and the loop closed`);
  if (!stands(c, args.actor, relation)) return { type: FORBIDDEN, message: `only ${RELATION_WORDS[relation]} may do this` };
  if (c.status === 'released') return refused('the measures of this case were released after an upheld objection (R11)');
  return judgeState(c, name, args, shanghaiDateOf(args.at));
}

function judgeState<A extends ActionName>(c: CaseState, name: A, args: ActionArgs[A], today: string): Verdict | null {
  switch (name) {
    case 'receiveCase':
      return c.status === 'pushed' ? null : refused('the case has already been received');
    case 'pushToImplementers':
      return c.status === 'implementing' ? refused('the case has already been pushed to implementers') : judgePush(c, args as ActionArgs['pushToImplementers']);
    case 'acknowledge':
      return c.implementers.find((i) => i.agencyId === args.actor)?.acknowledgedAt ? refused('already acknowledged') : null;
    case 'fileObjection':
      return objectionPending(c) ? refused(`objection ${c.objection!.objectionId} is still being verified`) : null;
    case 'decideObjection': {
      const o = c.objection;
      const id = (args as ActionArgs['decideObjection']).objectionId;
      if (o?.objectionId !== id) return refused(`no objection ${id} on this case`);
      return o.outcome ? refused(`objection ${id} was already decided: ${o.outcome}`) : null;
    }
    case 'releaseCase':
      return c.objection?.outcome === 'upheld' && !c.objection.releasedOn ? null : refused('no upheld objection awaits release on this case');
    case 'fileRepair':
      return judgeRepair(c, today);
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

/** R5: every measure pushed is one of the case's, carried out locally (R4), and given to one implementer. */
function judgePush(c: CaseState, args: ActionArgs['pushToImplementers']): Verdict | null {
  const given = new Map<string, string>();
  for (const i of args.implementers) {
    for (const code of i.measures) {
      const m = c.measures.find((x) => x.code === code);
      if (!m) return refused(`${code} is not a measure of this case`);
      if (m.outsideLocalAuthority) return refused(`${code} is executed outside the local system and is reported upward, not pushed (R4)`);
      if (given.has(code)) return refused(`${code} is given to both ${given.get(code)} and ${i.agencyId}`);
      given.set(code, i.agencyId);
    }
  }
  return null;
}

/**
 * R12: an especially serious case is never repaired; a serious one not within a year of its
 * publication (its first measure in force), three when repeated (002 篇十三 第十五条).
 */
function judgeRepair(c: CaseState, today: string): Verdict | null {
  if (c.repair && !c.repair.outcome) return refused(`repair ${c.repair.repairId} is still under review`);
  if (c.seriousness === 'especially_serious') return refused('an especially serious case cannot be repaired (R12)');
  if (c.seriousness === 'serious') {
    const first = c.inForce.map((m) => m.activeFrom).sort()[0] ?? shanghaiDateOf(c.pushedAt);
    const from = periodEnd(first, { years: c.repeated ? 3 : 1 });
    if (today < from) return refused(`a ${c.repeated ? 'repeated ' : ''}serious case can be repaired from ${from} (R12)`);
  }
  return null;
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
