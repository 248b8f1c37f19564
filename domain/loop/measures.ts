// The measures of a case as carried out (R6–R8), suspended under objection (R11), released
// at the end of their period (R10), after an upheld objection (R11) or a repair (R12). Pure.
import { toEpochDay } from '../dates';
import type { ReleaseReason } from '../journal-kinds';
import { periodEnd, resumeAfterSuspension } from '../periods';
import { deadlineOnDate } from '../working-days';
import type { CaseState, MeasureState } from './state';
import { openStep, type TargetBook } from './book';
import { complaintPending, objectionPending } from './case';

export { awaitingRelease, objectionPending } from './case';

/**
 * R6–R8: the measures pushed to an implementer are in force from its acknowledgement, each to
 * the end of the period its pinned version gives (R1). During a pending objection they come
 * into force suspended (联合惩戒措施在信息核实期间暂不执行, 002 篇三 (十六)), R11.
 */
export function activate(c: CaseState, implementerId: string, activeOn: string | ((code: string) => string)): MeasureState[] {
  const codes = c.implementers.find((i) => i.agencyId === implementerId)?.measures ?? [];
  const suspended = objectionPending(c) || complaintPending(c);
  const activated: MeasureState[] = [];
  for (const code of codes) {
    const pinned = c.measures.find((m) => m.code === code);
    if (!pinned || c.inForce.some((m) => m.code === code)) continue;
    // An imported case (issue 17) brings each measure's own first day in force.
    const activeFrom = typeof activeOn === 'string' ? activeOn : activeOn(code);
    const minimum = pinned.legalMinimum;
    // R15: a tier's measure ends with the tier, not a period counted from its acknowledgement.
    const end = pinned.tier ? pinned.tier.until : pinned.period === 'permanent' ? null : periodEnd(activeFrom, pinned.period);
    const lifetime = pinned.period === 'permanent' && !pinned.tier;
    const m: MeasureState = {
      code, implementerId, status: suspended ? 'suspended' : 'active', activeFrom,
      periodEnd: end,
      minimumEnd: minimum === 'never' || lifetime ? 'never' : minimum ? periodEnd(activeFrom, minimum) : null,
      feedbackSet: pinned.feedbackSet,
      ...(suspended ? { suspendedOn: activeFrom } : {}),
    };
    c.inForce.push(m);
    activated.push(m);
  }
  return activated;
}

/** R11: an objection suspends every measure in force. Returns the codes suspended. */
export function suspendAll(c: CaseState, on: string): string[] {
  const codes: string[] = [];
  for (const m of c.inForce) {
    if (m.status !== 'active') continue;
    m.status = 'suspended';
    m.suspendedOn = on;
    codes.push(m.code);
  }
  return codes;
}

export interface Resumed { code: string; oldEnd: string | null; newEnd: string | null; suspendedDays: number }

/**
 * R11: a rejected objection resumes the suspended measures from the rejection day, each period
 * end moved by exactly the days suspended (异议投诉被驳回的,其联合惩戒时限从…驳回之日起继续计算).
 */
export function resumeAll(c: CaseState, on: string): Resumed[] {
  const resumed: Resumed[] = [];
  for (const m of c.inForce) {
    if (m.status !== 'suspended') continue;
    const from = m.suspendedOn ?? on;
    const oldEnd = m.periodEnd;
    m.periodEnd = oldEnd ? resumeAfterSuspension(oldEnd, from, on).end : null;
    m.status = 'active';
    delete m.suspendedOn;
    resumed.push({ code: m.code, oldEnd, newEnd: m.periodEnd, suspendedDays: toEpochDay(on) - toEpochDay(from) });
  }
  return resumed;
}

/** Releases one measure; false if it was already released. */
export function release(c: CaseState, code: string, reason: ReleaseReason, on: string): boolean {
  const m = c.inForce.find((x) => x.code === code);
  if (!m || m.status === 'released') return false;
  m.status = 'released';
  m.releaseReason = reason;
  m.releasedOn = on;
  delete m.pendingRelease;
  delete m.suspendedOn;
  return true;
}

/** R11: after an upheld objection every measure of the case is released. Returns the codes. */
export function releaseAll(c: CaseState, reason: ReleaseReason, on: string): string[] {
  return c.inForce.filter((m) => release(c, m.code, reason, on)).map((m) => m.code);
}

/**
 * R12: an approved repair releases the measures at once, except those whose legal minimum
 * period has not ended (依照法律、行政法规规定…期限尚未届满的,不得解除): released when it
 * ends, and a lifetime measure never.
 */
export function repairApproved(c: CaseState, on: string): { releasedNow: string[]; deferred: { code: string; until: string }[] } {
  const releasedNow: string[] = [];
  const deferred: { code: string; until: string }[] = [];
  for (const m of c.inForce) {
    if (m.status === 'released') continue;
    if (m.minimumEnd === 'never') {
      deferred.push({ code: m.code, until: 'never' });
    } else if (m.minimumEnd && m.minimumEnd >= on) {
      m.pendingRelease = { reason: 'repair', originalPeriodEnd: m.periodEnd };
      if (!m.periodEnd || m.periodEnd > m.minimumEnd) m.periodEnd = m.minimumEnd;
      deferred.push({ code: m.code, until: m.minimumEnd });
    } else {
      release(c, m.code, 'repair', on);
      releasedNow.push(m.code);
    }
  }
  return { releasedNow, deferred };
}

/**
 * R12: a broken commitment revokes the repair: measures it released whose period has not ended
 * are in force again, and those waiting for their legal minimum keep their own period.
 */
export function reinstate(c: CaseState, on: string): string[] {
  const reinstated: string[] = [];
  for (const m of c.inForce) {
    if (m.pendingRelease) {
      m.periodEnd = m.pendingRelease.originalPeriodEnd;
      delete m.pendingRelease;
    } else if (m.status === 'released' && m.releaseReason === 'repair' && (!m.periodEnd || m.periodEnd >= on)) {
      m.status = 'active';
      delete m.releaseReason;
      delete m.releasedOn;
      reinstated.push(m.code);
    }
  }
  return reinstated;
}

/**
 * R10: one period-end timer per measure in force with a last day, re-armed whenever a measure
 * changes (suspended, resumed, held by a legal minimum, reinstated, released).
 */
export function syncPeriodEnds(book: TargetBook, c: CaseState): void {
  for (const m of c.inForce) {
    const wanted = m.status === 'active' && m.periodEnd ? m.periodEnd : null;
    const ref = { kind: 'period_end' as const, caseId: c.caseId, agencyId: null, code: m.code };
    const current = book.closeStep('period_end', { caseId: c.caseId, code: m.code })[0];
    if (!wanted) continue;
    book.addSteps([current && current.due.due === wanted ? current : openStep({ ...ref, deadline: { endOfDay: wanted } }, deadlineOnDate(wanted))]);
  }
}
