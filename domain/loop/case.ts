// What a case's state says about itself, for the judge, the handlers and the end of the loop. Pure.
import type { CaseState } from './state';

/** R11: an objection is being verified (信息核实期间). */
export const objectionPending = (c: CaseState): boolean => Boolean(c.objection && !c.objection.outcome);

/** R11: a complaint to the joint-conference office is being handled. */
export const complaintPending = (c: CaseState): boolean => Boolean(c.complaint && !c.complaint.outcome);

/** R11: an upheld objection or complaint whose release by the AUTHORITY is still owed. */
export function awaitingRelease(c: CaseState): boolean {
  return (c.objection?.outcome === 'upheld' && !c.objection.releasedOn) || (c.complaint?.outcome === 'upheld' && !c.complaint.releasedOn);
}

/**
 * R5: the measures of the case carried out locally that are neither pushed to an implementer nor
 * recorded as not applicable (a measure never pushed must not vanish).
 */
export function unassigned(c: CaseState): string[] {
  const given = new Set([...c.implementers.flatMap((i) => i.measures), ...c.notApplicable.map((n) => n.code)]);
  return c.measures.filter((m) => !m.outsideLocalAuthority && !given.has(m.code)).map((m) => m.code);
}

/** R4: the ref of a report's n-th hop (1 for the AUTHORITY at the originator's level). */
export const hopRef = (reportId: string, hop: number): string => `${reportId}-${hop}`;

/** The case has come to an end: released (R11), or every measure given out, acknowledged and released. */
export function caseDone(c: CaseState): boolean {
  if (c.status === 'released') return true;
  return c.status !== 'pushed' && unassigned(c).length === 0
    && c.implementers.every((i) => i.acknowledgedAt) && c.inForce.every((m) => m.status === 'released');
}
