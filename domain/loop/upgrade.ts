// Messages and state recorded by an earlier version of the workflow, read by this one. A
// workflow started before a field existed carries data without it, in its history (replay) and
// in the state a continued run receives; these fill each field with what its absence meant, so
// that a running target goes on under new code. Pure.
import { shanghaiDateOf } from '../dates';
import type { CaseState, FileCase, TargetState } from './state';

/** Issue 14 added consultation requests (会商/法制审核) to intake; before, none were asked. */
export function upgradeFileCase(f: FileCase): FileCase {
  return { ...f, consultWith: f.consultWith ?? [], legalReview: f.legalReview ?? null, penalty: f.penalty ?? null, terms: f.terms ?? null };
}

/** Issue 14 added the R4/R5/R11 fields of a case; before, none of them had happened. */
export function upgradeCase(c: CaseState): CaseState {
  c.notApplicable ??= [];
  c.complaint ??= null;
  c.upward ??= [];
  c.consultations ??= [];
  c.causeChange ??= null;
  // Issue 13 added publicity records, letters and penalty facts; before, a case had none.
  c.publicity ??= [];
  c.letters ??= [];
  c.penalty ??= null;
  c.terms ??= null;
  c.decidedOn ??= shanghaiDateOf(c.pushedAt);
  if (c.objection) {
    c.objection.raisedBy ??= 'party';
    c.objection.raiserId ??= c.originatorId;
  }
  return c;
}

export function upgradeState(s: TargetState): TargetState {
  s.cases.forEach(upgradeCase);
  s.scoring ??= null; // R15: scoring came after issue 14
  return s;
}
