// The state of one target's workflow and the rules that change it. Pure: the workflow
// function wires handlers and timers around this; unit tests call it without an engine.
import type {
  CaseFiled, CaseReceived, CaseReleased, CaseState, DeadlineState, FeedbackReported, ImplementationAcknowledged,
  ImplementersSelected, MeasureState, ObjectionDecided, ObjectionFiled, TargetKind, TargetState,
} from './messages';
import { endOfShanghaiDay, toEpochDay } from '../domain/dates';
import { resumeAfterSuspension } from '../domain/periods';

export interface OpenDeadline {
  caseId: string;
  /** receipt, acknowledgement: steps owed by an agency (R5); period_end: a measure's natural release (R10). */
  step: 'receipt' | 'acknowledgement' | 'period_end' | 'feedback' | 'objection_verification' | 'objection_release';
  rule: 'R5' | 'R9' | 'R10' | 'R11';
  /** For an acknowledgement: the implementer that owes it. */
  agencyId?: string;
  /** For a period end: the measure. */
  code?: string;
  /** For feedback: the month reported on. */
  month?: string;
  /** 'due': the step's own deadline; 'reminder': R14, the step is overdue and still open. */
  kind: 'due' | 'reminder';
  dueAt: string;
  dueAtMs: number;
}

export class TargetBook {
  constructor(readonly state: TargetState) {}

  static open(targetId: string, kind: TargetKind): TargetBook {
    return new TargetBook({ targetId, kind, cases: [] });
  }

  find(caseId: string): CaseState | undefined {
    return this.state.cases.find((c) => c.caseId === caseId);
  }

  /** A cause already held (same document) joins nothing new: intake is idempotent. */
  has(caseId: string): boolean {
    return this.find(caseId) !== undefined;
  }

  addCase(filed: CaseFiled, receiptDue: DeadlineState | null): CaseState {
    const c: CaseState = {
      caseId: filed.caseId,
      source: filed.source,
      documentNumber: filed.document.number,
      status: 'pushed',
      pushedAt: filed.pushedAt,
      receiptDue,
      receiptOverdue: false,
    };
    this.state.cases.push(c);
    return c;
  }

  /** R5: receipt closes the receipt step, on time or late. Returns false if nothing changed. */
  receive(received: CaseReceived): boolean {
    const c = this.find(received.caseId);
    if (!c || c.status !== 'pushed') return false;
    c.status = 'received';
    return true;
  }

  /** Cases whose receipt deadline is still running (no receipt yet, not yet overdue). */
  private pending(): CaseState[] {
    return this.state.cases.filter((c) => c.status === 'pushed' && !c.receiptOverdue && c.receiptDue);
  }

  /** The earliest timer: a step's deadline, or the next reminder of an overdue step (R14). */
  nextDeadline(): OpenDeadline | null {
    let next: OpenDeadline | null = null;
    const consider = (d: { dueAt: string; dueAtMs: number }, open: Omit<OpenDeadline, 'dueAt' | 'dueAtMs' | 'rule'>) => {
      const rule = open.step === 'period_end' ? 'R10' : open.step === 'feedback' ? 'R9' : open.step.startsWith('objection') ? 'R11' : 'R5';
      if (!next || d.dueAtMs < next.dueAtMs) next = { ...open, rule, dueAt: d.dueAt, dueAtMs: d.dueAtMs };
    };
    for (const c of this.pending()) consider(c.receiptDue!, { caseId: c.caseId, step: 'receipt', kind: 'due' });
    for (const c of this.state.cases) {
      if (c.status === 'pushed' && c.receiptOverdue && c.receiptNextReminder) {
        consider(c.receiptNextReminder, { caseId: c.caseId, step: 'receipt', kind: 'reminder' });
      }
      for (const i of c.implementers ?? []) {
        if (!i.acknowledgedAt && !i.overdue) {
          consider(i.acknowledgeDue, { caseId: c.caseId, step: 'acknowledgement', agencyId: i.agencyId, kind: 'due' });
        }
      }
      for (const m of c.activeMeasures ?? []) {
        if (m.status !== 'active' || !m.periodEnd) continue;
        const end = endOfShanghaiDay(m.periodEnd);
        consider({ dueAt: end.at, dueAtMs: end.epochMs }, { caseId: c.caseId, step: 'period_end', code: m.code, kind: 'due' });
      }
    }
    for (const c of this.state.cases) {
      const o = c.objection;
      if (!o) continue;
      if (!o.outcome && !o.verifyOverdue) consider(o.verifyDue, { caseId: c.caseId, step: 'objection_verification', agencyId: o.by, kind: 'due' });
      if (o.outcome === 'upheld' && o.releaseDue && !o.releasedOn && !o.releaseOverdue) {
        consider(o.releaseDue, { caseId: c.caseId, step: 'objection_release', kind: 'due' });
      }
    }
    // R9: one timer for the next monthly due date, not one per month.
    const f = this.state.feedback;
    if (f?.month && f.due) consider(f.due, { caseId: '', step: 'feedback', month: f.month, kind: 'due' });
    return next;
  }

  /**
   * R5: the AUTHORITY pushes the case to its implementers (which also receives it, if it had not
   * yet). Returns whether the case was still unreceived, or null when nothing changed.
   */
  selectImplementers(sel: ImplementersSelected, acknowledgeDue: DeadlineState): { wasUnreceived: boolean } | null {
    const c = this.find(sel.caseId);
    if (!c || c.status === 'implementing') return null;
    const wasUnreceived = c.status === 'pushed';
    c.status = 'implementing';
    c.implementers = sel.implementers.map((i) => ({
      agencyId: i.agencyId, measures: i.measures, acknowledgeDue, acknowledgedAt: null, overdue: false,
    }));
    return { wasUnreceived };
  }

  /** R6–R8: the implementer's measures are carried out from its acknowledgement. */
  activate(caseId: string, measures: MeasureState[]): void {
    const c = this.find(caseId);
    if (c) c.activeMeasures = [...(c.activeMeasures ?? []), ...measures];
  }

  /** R10 (and later R11, R12): a measure is released. Returns false if it was not active. */
  release(caseId: string, code: string, reason: NonNullable<MeasureState['releaseReason']>, on: string): boolean {
    const m = this.find(caseId)?.activeMeasures?.find((x) => x.code === code);
    if (!m || m.status === 'released') return false;
    m.status = 'released';
    m.releaseReason = reason;
    m.releasedOn = on;
    return true;
  }

  /** R11: an objection suspends the case's measures in force; false if one is already pending. */
  objectionFiled(o: ObjectionFiled, suspendedOn: string, verifyDue: DeadlineState): { suspended: string[] } | null {
    const c = this.find(o.caseId);
    if (!c || (c.objection && !c.objection.outcome)) return null;
    const suspended: string[] = [];
    for (const m of c.activeMeasures ?? []) {
      if (m.status !== 'active') continue;
      m.status = 'suspended';
      m.suspendedOn = suspendedOn;
      suspended.push(m.code);
    }
    c.objection = {
      objectionId: o.objectionId, by: o.by, suspendedOn, verifyDue, verifyOverdue: false,
      outcome: null, decidedOn: null, releaseDue: null, releaseOverdue: false, releasedOn: null,
    };
    return { suspended };
  }

  /**
   * R11: a rejected objection resumes the suspended measures from the rejection day, each
   * period end moved by exactly the days suspended; an upheld one awaits the AUTHORITY's release.
   */
  objectionDecided(d: ObjectionDecided, decidedOn: string): { resumed: { code: string; oldEnd: string | null; newEnd: string | null; suspendedDays: number }[] } | null {
    const c = this.find(d.caseId);
    const o = c?.objection;
    if (!c || !o || o.objectionId !== d.objectionId || o.outcome) return null;
    o.outcome = d.outcome;
    o.decidedOn = decidedOn;
    const resumed = [];
    if (d.outcome === 'rejected') {
      for (const m of c.activeMeasures ?? []) {
        if (m.status !== 'suspended') continue;
        const oldEnd = m.periodEnd;
        const suspendedDays = toEpochDay(decidedOn) - toEpochDay(m.suspendedOn!);
        m.periodEnd = oldEnd ? resumeAfterSuspension(oldEnd, m.suspendedOn!, decidedOn).end : null;
        m.status = 'active';
        delete m.suspendedOn;
        resumed.push({ code: m.code, oldEnd, newEnd: m.periodEnd, suspendedDays });
      }
    }
    return { resumed };
  }

  setObjectionReleaseDue(caseId: string, due: DeadlineState): void {
    const o = this.find(caseId)?.objection;
    if (o) o.releaseDue = due;
  }

  /** R11: the AUTHORITY released the measures after an upheld objection. Returns the codes released. */
  releasedAfterObjection(r: CaseReleased, on: string): string[] | null {
    const c = this.find(r.caseId);
    const o = c?.objection;
    if (!c || !o || o.outcome !== 'upheld' || o.releasedOn) return null;
    o.releasedOn = on;
    const codes: string[] = [];
    for (const m of c.activeMeasures ?? []) {
      if (m.status === 'released') continue;
      m.status = 'released';
      m.releaseReason = 'objection';
      m.releasedOn = on;
      codes.push(m.code);
    }
    return codes;
  }

  private feedbackMeasures(): { implementerId: string; m: MeasureState }[] {
    return this.state.cases.flatMap((c) => (c.activeMeasures ?? []).filter((m) => m.feedbackSet).map((m) => ({ implementerId: m.implementerId, m })));
  }

  /** R9: implementers with feedback-set measures in force at some time during `month` who have not reported on it. */
  owingFor(month: string): string[] {
    const first = `${month}-01`;
    const last = lastDayOf(month);
    const owing = new Set<string>();
    for (const { implementerId, m } of this.feedbackMeasures()) {
      const inForce = m.activeFrom <= last && (m.status !== 'released' || (m.releasedOn ?? last) >= first);
      if (inForce && !this.state.feedback?.reported.includes(`${month}|${implementerId}`)) owing.add(implementerId);
    }
    return [...owing].sort();
  }

  /** R9: the first month after `month` in which a feedback-set measure may still be in force, or null. */
  nextFeedbackMonth(month: string): string | null {
    const next = addMonth(month);
    return this.feedbackMeasures().some(({ m }) => m.status !== 'released' || (m.releasedOn ?? '') >= `${next}-01`) ? next : null;
  }

  /** R9: the month whose reports are awaited next, if none is yet (the month a measure came into force). */
  awaitFeedbackFrom(month: string): boolean {
    this.state.feedback ??= { month: null, due: null, reported: [] };
    if (this.state.feedback.month) return false;
    this.state.feedback.month = month;
    return true;
  }

  setFeedbackDue(month: string | null, due: DeadlineState | null): void {
    this.state.feedback ??= { month: null, due: null, reported: [] };
    this.state.feedback.month = month;
    this.state.feedback.due = due;
  }

  /** R9: a report arrived; false if it had already. */
  reported(report: FeedbackReported): boolean {
    this.state.feedback ??= { month: null, due: null, reported: [] };
    const key = `${report.month}|${report.implementerId}`;
    if (this.state.feedback.reported.includes(key)) return false;
    this.state.feedback.reported.push(key);
    return true;
  }

  /** R5: an implementer acknowledges, on time or late. Returns false if nothing changed. */
  acknowledge(ack: ImplementationAcknowledged): boolean {
    const i = this.find(ack.caseId)?.implementers?.find((x) => x.agencyId === ack.agencyId);
    if (!i || i.acknowledgedAt) return false;
    i.acknowledgedAt = ack.at;
    return true;
  }

  /** R14: a reminder went out; the next one is due at `next`. Returns the reminder's number. */
  remind(caseId: string, next: DeadlineState | null): number {
    const c = this.find(caseId)!;
    c.receiptReminders = (c.receiptReminders ?? 0) + 1;
    c.receiptNextReminder = next;
    return c.receiptReminders;
  }

  scheduleReminder(caseId: string, next: DeadlineState): void {
    const c = this.find(caseId);
    if (c) c.receiptNextReminder = next;
  }

  markOverdue(deadline: OpenDeadline): void {
    const c = this.find(deadline.caseId);
    if (!c) return;
    if (deadline.step === 'receipt') c.receiptOverdue = true;
    else if (deadline.step === 'objection_verification') c.objection!.verifyOverdue = true;
    else if (deadline.step === 'objection_release') c.objection!.releaseOverdue = true;
    else {
      const i = c.implementers?.find((x) => x.agencyId === deadline.agencyId);
      if (i) i.overdue = true;
    }
  }

  openSteps(): number {
    return this.state.cases.reduce((n, c) => n + (c.status === 'pushed' ? 1 : 0)
      + (c.implementers ?? []).filter((i) => !i.acknowledgedAt).length, 0);
  }

  /** R16: the unloaded years that pending deadlines were counted in, for the search attribute. */
  provisionalYears(): string[] {
    const years = new Set<number>();
    for (const c of this.pending()) {
      if (c.receiptDue!.provisional) missingYearsOf(c.receiptDue!).forEach((y) => years.add(y));
    }
    return [...years].sort((a, b) => a - b).map(String);
  }

  /** R16: pending provisional deadlines that were counted in one of `years`. */
  provisionalDeadlinesIn(years: number[]): { caseId: string; deadline: DeadlineState }[] {
    return this.pending()
      .filter((c) => c.receiptDue!.provisional && missingYearsOf(c.receiptDue!).some((y) => years.includes(y)))
      .map((c) => ({ caseId: c.caseId, deadline: c.receiptDue! }));
  }

  replaceReceiptDue(caseId: string, deadline: DeadlineState): void {
    const c = this.find(caseId);
    if (c) c.receiptDue = deadline;
  }
}

/** Deadlines recorded before missingYears was kept: every year the count spans. */
function missingYearsOf(d: DeadlineState): number[] {
  if (d.missingYears) return d.missingYears;
  const first = Number((d.from ?? d.due).slice(0, 4));
  const last = Number(d.due.slice(0, 4));
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

function addMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

function lastDayOf(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}
