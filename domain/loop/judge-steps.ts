// The judge's rules for the steps that need more than a status: the R5 push (each measure to an
// implementer of its kind, once), the requests addressed to one agency (R4 reports, R2/R3
// consultations), complaints and cause changes (R11), and the limits on repair (R12). Pure.
import { periodEnd } from '../periods';
import { shanghaiDateOf } from '../dates';
import type { TargetBook } from './book';
import type { Verdict } from './judge';
import { hopRef, unassigned } from './case';
import { publicityRepairRefusal } from './judge-publicity';
import { FORBIDDEN, REFUSED, type ActionArgs, type CaseState } from './state';

const refused = (message: string): Verdict => ({ type: REFUSED, message });

/**
 * R5: every measure of the case reaches an implementer of its kind, or is recorded as not
 * applicable with a reason; a measure executed outside the local system is reported upward
 * instead (R4). A measure is given once; pushes may come one after another until all are given.
 */
export function judgePush(c: CaseState, name: 'pushToImplementers' | 'markNotApplicable',
  args: ActionArgs['pushToImplementers'] & ActionArgs['markNotApplicable']): Verdict | null {
  const open = new Set(unassigned(c));
  if (open.size === 0) return refused('every measure of the case has already been pushed to an implementer or marked not applicable');
  const entries = name === 'markNotApplicable'
    ? args.measures.map((m) => ({ code: m.code, to: 'not applicable', kind: null as string | null }))
    : args.implementers.flatMap((i) => i.measures.map((code) => ({ code, to: i.agencyId, kind: i.kind as string | null })));
  const given = new Map<string, string>();
  for (const e of entries) {
    const m = c.measures.find((x) => x.code === e.code);
    if (!m) return refused(`${e.code} is not a measure of this case`);
    if (m.outsideLocalAuthority) return refused(`${e.code} is executed outside the local system and is reported upward, not pushed (R4)`);
    if (!open.has(e.code)) return refused(`${e.code} has already been pushed to an implementer or marked not applicable`);
    if (given.has(e.code)) return refused(`${e.code} is given to both ${given.get(e.code)} and ${e.to}`);
    // A push or a measure recorded before kinds were carried (upgrade.ts) is not matched by kind.
    if (e.kind != null && m.implementerKind !== undefined && e.kind !== m.implementerKind) {
      return refused(`${e.code} is carried out by an implementer of kind ${m.implementerKind}; ${e.to} is ${e.kind || 'of no kind'}`);
    }
    given.set(e.code, e.to);
  }
  if (name === 'pushToImplementers' && args.implementers.some((i) => c.implementers.some((x) => x.agencyId === i.agencyId))) {
    return refused('the case was already pushed to this implementer; give it the further measures in a push of their own to another implementer');
  }
  return null;
}

/** R4, R2/R3: the step named must be open and addressed to the acting agency. */
export function judgeAddressed(book: TargetBook, c: CaseState, name: 'forwardUpwardReport' | 'confirmUpwardReport' | 'answerConsultation',
  args: ActionArgs['forwardUpwardReport'] & ActionArgs['answerConsultation']): Verdict | null {
  if (name === 'answerConsultation') {
    const q = c.consultations.find((x) => x.requestId === args.requestId);
    if (!q) return refused(`no request ${args.requestId} on this case`);
    if (q.agencyId !== args.actor) return { type: FORBIDDEN, message: 'only the agency this request is addressed to may answer it' };
    return q.answer ? refused(`request ${args.requestId} was already answered`) : null;
  }
  const report = c.upward.find((u) => u.reportId === args.reportId);
  if (!report) return refused(`no upward report ${args.reportId} on this case`);
  const hop = report.hops[report.hops.length - 1];
  if (hop.outcome) return refused(`report ${args.reportId} was already confirmed by ${hop.agencyId}`);
  if (hop.agencyId !== args.actor) return { type: FORBIDDEN, message: 'only the level this report has reached may pass it on or confirm it' };
  if (name === 'forwardUpwardReport' && report.hops.some((h) => h.agencyId === args.to)) return refused(`the report has already been at ${args.to}`);
  return book.hasStep({ kind: 'upward_report', caseId: c.caseId, agencyId: args.actor, ref: hopRef(report.reportId, report.hops.length) })
    ? null : refused(`report ${args.reportId} awaits no step of this agency`);
}

/** R11: a complaint follows an objection's answer; it is decided by the office it was filed with. */
export function judgeComplaint(_book: TargetBook, c: CaseState, name: 'fileComplaint' | 'decideComplaint',
  args: ActionArgs['fileComplaint'] & ActionArgs['decideComplaint']): Verdict | null {
  const k = c.complaint;
  if (name === 'fileComplaint') {
    if (!c.objection || c.objection.outcome !== 'rejected') return refused('a complaint follows an objection that was answered and rejected (002 篇二)');
    return k && !k.outcome ? refused(`complaint ${k.complaintId} is still being handled`) : null;
  }
  if (k?.complaintId !== args.complaintId) return refused(`no complaint ${args.complaintId} on this case`);
  if (k.officeId !== args.actor) return { type: FORBIDDEN, message: 'only the office the complaint was filed with may decide it' };
  return k.outcome ? refused(`complaint ${args.complaintId} was already decided: ${k.outcome}`) : null;
}

/** R11: a cause change needs its confirming date; the AUTHORITY adjusts what the case holds. */
export function judgeAdjustment(c: CaseState, name: 'recordCauseChange' | 'adjustCase',
  args: ActionArgs['recordCauseChange'] & ActionArgs['adjustCase'], today: string): Verdict | null {
  if (name === 'recordCauseChange') {
    if (args.confirmedOn > today) return refused(`the confirmation date ${args.confirmedOn} is in the future`);
    return c.causeChange && !c.causeChange.adjustedOn ? refused('a change of the cause is still awaiting the AUTHORITY\'s adjustment') : null;
  }
  if (!c.causeChange || c.causeChange.adjustedOn) return refused('no change of the cause awaits adjustment on this case');
  if (args.release) return null;
  if (args.drop.length === 0 && args.shorten.length === 0) return refused('an adjustment releases the case, drops measures or shortens periods');
  for (const code of [...args.drop, ...args.shorten.map((s) => s.code)]) {
    const m = c.inForce.find((x) => x.code === code);
    if (!m || m.status === 'released') return refused(`${code} is not a measure in force on this case`);
  }
  for (const s of args.shorten) {
    const m = c.inForce.find((x) => x.code === s.code)!;
    if (m.periodEnd !== null && s.periodEnd >= m.periodEnd) return refused(`${s.code}: the new last day must come before ${m.periodEnd}`);
    if (s.periodEnd < today) return refused(`${s.code}: the new last day ${s.periodEnd} is in the past; drop it instead`);
  }
  return null;
}

/**
 * R12: an especially serious case is never repaired; a serious one not within a year of its
 * publication (its first measure in force), three when repeated (002 篇十三 第十五条).
 */
export function judgeRepair(c: CaseState, today: string): Verdict | null {
  if (c.repair && !c.repair.outcome) return refused(`repair ${c.repair.repairId} is still under review`);
  const publicity = publicityRepairRefusal(c, today);
  if (publicity) return refused(publicity);
  if (c.seriousness === 'especially_serious') return refused('an especially serious case cannot be repaired (R12)');
  if (c.seriousness === 'serious') {
    const first = c.inForce.map((m) => m.activeFrom).sort()[0] ?? shanghaiDateOf(c.pushedAt);
    const from = periodEnd(first, { years: c.repeated ? 3 : 1 });
    if (today < from) return refused(`a ${c.repeated ? 'repeated ' : ''}serious case can be repaired from ${from} (R12)`);
  }
  return null;
}
