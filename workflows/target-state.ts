// The state of one target's workflow and the rules that change it. Pure: the workflow
// function wires handlers and timers around this; unit tests call it without an engine.
import type {
  CaseFiled, CaseReceived, CaseReleased, CaseState, DeadlineState, FeedbackReported, ImplementationAcknowledged,
  CommitmentFulfilled, ImplementersSelected, MeasureState, ObjectionDecided, ObjectionFiled, ReminderState, RepairDecided,
  RepairFiled, TargetAction,
  TargetKind, TargetState,
} from './messages';
import { endOfShanghaiDay, toEpochDay } from '../domain/dates';
import { resumeAfterSuspension } from '../domain/periods';

export interface OpenDeadline {
  caseId: string;
  /** receipt, acknowledgement: steps owed by an agency (R5); period_end: a measure's natural release (R10). */
  step: 'receipt' | 'acknowledgement' | 'period_end' | 'feedback' | 'objection_verification' | 'objection_release'
    | 'repair_review' | 'repair_commitment';
  rule: 'R5' | 'R9' | 'R10' | 'R11' | 'R12';
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
      const rule = open.step === 'period_end' ? 'R10' : open.step === 'feedback' ? 'R9'
        : open.step.startsWith('objection') ? 'R11' : open.step.startsWith('repair') ? 'R12' : 'R5';
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
    for (const c of this.state.cases) {
      const r = c.repair;
      if (!r) continue;
      if (!r.outcome && !r.reviewOverdue) consider(r.reviewDue, { caseId: c.caseId, step: 'repair_review', agencyId: r.by, kind: 'due' });
      if (r.outcome === 'approved' && r.commitment && !r.fulfilledOn && !r.revokedOn) {
        const end = endOfShanghaiDay(r.commitment.dueOn);
        consider({ dueAt: end.at, dueAtMs: end.epochMs }, { caseId: c.caseId, step: 'repair_commitment', kind: 'due' });
      }
    }
    // R14: the next reminder of every other step still overdue and open.
    for (const r of this.state.reminders ?? []) {
      if (!r.next) continue;
      const open: Omit<OpenDeadline, 'dueAt' | 'dueAtMs' | 'rule'> = {
        caseId: r.caseId ?? '', step: r.step as OpenDeadline['step'], kind: 'reminder',
        ...(r.agencyId ? { agencyId: r.agencyId } : {}), ...(r.month ? { month: r.month } : {}),
      };
      if (this.stillOpen(open)) consider(r.next, open);
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
    delete m.pendingRelease;
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

  /** R12: a repair application starts its 15-working-day review; null if one is pending. */
  repairFiled(r: RepairFiled, reviewDue: DeadlineState): boolean {
    const c = this.find(r.caseId);
    if (!c || (c.repair && !c.repair.outcome)) return false;
    c.repair = {
      repairId: r.repairId, by: r.by, reviewDue, reviewOverdue: false, outcome: null, decidedOn: null,
      commitment: r.commitment, fulfilledOn: null, revokedOn: null,
    };
    return true;
  }

  /**
   * R12: an approved repair releases the measures at once, except those whose legal minimum
   * period has not ended (依照法律、行政法规规定…期限尚未届满的,不得解除): they are released
   * when it ends, and a lifetime measure never.
   */
  repairDecided(d: RepairDecided, on: string): { releasedNow: string[]; deferred: { code: string; until: string | 'never' }[] } | null {
    const c = this.find(d.caseId);
    const r = c?.repair;
    if (!c || !r || r.repairId !== d.repairId || r.outcome) return null;
    r.outcome = d.outcome;
    r.decidedOn = on;
    const releasedNow: string[] = [];
    const deferred: { code: string; until: string | 'never' }[] = [];
    if (d.outcome === 'approved') {
      for (const m of c.activeMeasures ?? []) {
        if (m.status === 'released') continue;
        if (m.minimumEnd === 'never') {
          deferred.push({ code: m.code, until: 'never' });
        } else if (m.minimumEnd && m.minimumEnd >= on) {
          m.pendingRelease = { reason: 'repair', originalPeriodEnd: m.periodEnd };
          if (!m.periodEnd || m.periodEnd > m.minimumEnd) m.periodEnd = m.minimumEnd;
          deferred.push({ code: m.code, until: m.minimumEnd });
        } else {
          m.status = 'released';
          m.releaseReason = 'repair';
          m.releasedOn = on;
          releasedNow.push(m.code);
        }
      }
    }
    return { releasedNow, deferred };
  }

  commitmentFulfilled(f: CommitmentFulfilled, on: string): boolean {
    const r = this.find(f.caseId)?.repair;
    if (!r || r.repairId !== f.repairId || r.outcome !== 'approved' || !r.commitment || r.fulfilledOn || r.revokedOn) return false;
    r.fulfilledOn = on;
    return true;
  }

  /**
   * R12: a broken commitment revokes the repair: measures it released whose period has not
   * ended are in force again, and those waiting for their legal minimum keep their own period.
   */
  commitmentBroken(caseId: string, on: string): string[] {
    const c = this.find(caseId);
    const r = c?.repair;
    if (!c || !r || r.revokedOn) return [];
    r.revokedOn = on;
    const reinstated: string[] = [];
    for (const m of c.activeMeasures ?? []) {
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

  /** R9: no month's reports are awaited yet (the next activation of a feedback-set measure starts them). */
  feedbackIdle(): boolean {
    return !this.state.feedback?.month;
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

  /** Why the workflow refuses an agency's action in its present state, or null to accept it. */
  refusal(action: TargetAction): string | null {
    const b = action.body as { caseId?: string };
    const c = b.caseId ? this.find(b.caseId) : undefined;
    if (b.caseId && !c) return `no case ${b.caseId} on this target`;
    switch (action.type) {
      case 'caseReceived':
        return c!.status === 'pushed' ? null : 'the case has already been received';
      case 'implementersSelected':
        return c!.status === 'implementing' ? 'the case has already been pushed to implementers' : null;
      case 'acknowledged': {
        const i = c!.implementers?.find((x) => x.agencyId === action.body.agencyId);
        if (!i) return 'the case was not pushed to this implementer';
        return i.acknowledgedAt ? 'already acknowledged' : null;
      }
      case 'objectionFiled':
        return c!.objection && !c!.objection.outcome ? 'an objection is still being verified' : null;
      case 'objectionDecided':
        return c!.objection?.objectionId === action.body.objectionId && !c!.objection.outcome ? null : 'no such objection awaits a decision';
      case 'caseReleased':
        return c!.objection?.outcome === 'upheld' && !c!.objection.releasedOn ? null : 'no upheld objection awaits release on this case';
      case 'repairFiled':
        return c!.repair && !c!.repair.outcome ? 'a repair application is still under review' : null;
      case 'repairDecided':
        return c!.repair?.repairId === action.body.repairId && !c!.repair.outcome ? null : 'no such repair awaits a decision';
      case 'commitmentFulfilled': {
        const r = c!.repair;
        return r?.repairId === action.body.repairId && r.outcome === 'approved' && r.commitment && !r.fulfilledOn && !r.revokedOn
          ? null : 'no commitment of this repair is awaited';
      }
      case 'feedbackReported':
        return this.state.feedback?.reported.includes(`${action.body.month}|${action.body.implementerId}`) ? 'this month has already been reported' : null;
      default:
        return null;
    }
  }

  /** R14: whether the step a deadline belongs to is still owed. */
  stillOpen(d: Pick<OpenDeadline, 'caseId' | 'step' | 'agencyId' | 'month'>): boolean {
    const c = this.find(d.caseId);
    switch (d.step) {
      case 'receipt': return c?.status === 'pushed';
      case 'acknowledgement': return Boolean(c?.implementers?.some((i) => i.agencyId === d.agencyId && !i.acknowledgedAt));
      case 'objection_verification': return Boolean(c?.objection && !c.objection.outcome);
      case 'objection_release': return c?.objection?.outcome === 'upheld' && !c.objection.releasedOn;
      case 'repair_review': return Boolean(c?.repair && !c.repair.outcome);
      case 'feedback': return !this.state.feedback?.reported.includes(`${d.month}|${d.agencyId}`);
      default: return false;
    }
  }

  /** R14: the reminders of a step other than the receipt: count one more and set the next. Returns the count. */
  remindStep(d: Pick<OpenDeadline, 'caseId' | 'step' | 'agencyId' | 'month'>, counted: boolean, next: DeadlineState | null): number {
    this.state.reminders ??= [];
    const same = (r: ReminderState) => (r.caseId ?? '') === d.caseId && r.step === d.step && r.agencyId === (d.agencyId ?? null) && r.month === (d.month ?? null);
    let r = this.state.reminders.find(same);
    if (!r) {
      r = { caseId: d.caseId || null, step: d.step, agencyId: d.agencyId ?? null, month: d.month ?? null, count: 0, next: null };
      this.state.reminders.push(r);
    }
    if (counted) r.count += 1;
    r.next = next;
    return r.count;
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

  /**
   * Every step still owed, with its due date: what a supervisor reads on the target's page
   * (R14). Period ends and the next feedback date are listed too, as what comes next.
   */
  openStepList(): { caseId: string | null; step: string; rule: string; agencyId: string | null; dueAt: string; overdue: boolean }[] {
    const steps: { caseId: string | null; step: string; rule: string; agencyId: string | null; dueAt: string; overdue: boolean }[] = [];
    for (const c of this.state.cases) {
      if (c.status === 'pushed' && c.receiptDue) steps.push({ caseId: c.caseId, step: 'receipt', rule: 'R5', agencyId: null, dueAt: c.receiptDue.dueAt, overdue: c.receiptOverdue });
      for (const i of c.implementers ?? []) {
        if (!i.acknowledgedAt) steps.push({ caseId: c.caseId, step: 'acknowledgement', rule: 'R5', agencyId: i.agencyId, dueAt: i.acknowledgeDue.dueAt, overdue: i.overdue });
      }
      const o = c.objection;
      if (o && !o.outcome) steps.push({ caseId: c.caseId, step: 'objection_verification', rule: 'R11', agencyId: o.by, dueAt: o.verifyDue.dueAt, overdue: o.verifyOverdue });
      if (o?.outcome === 'upheld' && o.releaseDue && !o.releasedOn) steps.push({ caseId: c.caseId, step: 'objection_release', rule: 'R11', agencyId: null, dueAt: o.releaseDue.dueAt, overdue: o.releaseOverdue });
      const r = c.repair;
      if (r && !r.outcome) steps.push({ caseId: c.caseId, step: 'repair_review', rule: 'R12', agencyId: r.by, dueAt: r.reviewDue.dueAt, overdue: r.reviewOverdue });
    }
    const f = this.state.feedback;
    if (f?.month && f.due) {
      for (const agencyId of this.owingFor(f.month)) steps.push({ caseId: null, step: `feedback ${f.month}`, rule: 'R9', agencyId, dueAt: f.due.dueAt, overdue: false });
    }
    return steps.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  }

  /**
   * The loop is closed: every case pushed to implementers who all acknowledged, every measure
   * they carry out released, no objection or repair pending, and no report owed (R10–R12, R9).
   */
  finished(): boolean {
    const f = this.state.feedback;
    // No report owed: none awaited, or the awaited month's are all in and no later month follows.
    const noReportOwed = !f?.month || (this.owingFor(f.month).length === 0 && this.nextFeedbackMonth(f.month) === null);
    if (this.state.cases.length === 0 || !noReportOwed) return false;
    return this.state.cases.every((c) => {
      const pushed = (c.implementers ?? []).flatMap((i) => i.measures);
      return c.status === 'implementing'
        && (c.implementers ?? []).every((i) => i.acknowledgedAt)
        && pushed.every((code) => c.activeMeasures?.some((m) => m.code === code && m.status === 'released'))
        && !(c.objection && (!c.objection.outcome || (c.objection.outcome === 'upheld' && !c.objection.releasedOn)))
        && !(c.repair && !c.repair.outcome)
        && !(c.repair?.commitment && c.repair.outcome === 'approved' && !c.repair.fulfilledOn && !c.repair.revokedOn);
    });
  }

  markOverdue(deadline: OpenDeadline): void {
    const c = this.find(deadline.caseId);
    if (!c) return;
    if (deadline.step === 'receipt') c.receiptOverdue = true;
    else if (deadline.step === 'objection_verification') c.objection!.verifyOverdue = true;
    else if (deadline.step === 'objection_release') c.objection!.releaseOverdue = true;
    else if (deadline.step === 'repair_review') c.repair!.reviewOverdue = true;
    else {
      const i = c.implementers?.find((x) => x.agencyId === deadline.agencyId);
      if (i) i.overdue = true;
    }
  }

  openSteps(): number {
    return this.state.cases.reduce((n, c) => n + (c.status === 'pushed' ? 1 : 0)
      + (c.implementers ?? []).filter((i) => !i.acknowledgedAt).length, 0);
  }

  /**
   * R16: every deadline still running, with a way to replace it once recomputed. `everyStep`
   * false keeps to the R5 receipt, as workflows did before the other steps were healed too.
   */
  runningDeadlines(everyStep: boolean): PendingDeadline[] {
    const out: PendingDeadline[] = [];
    for (const c of this.state.cases) {
      if (c.status === 'pushed' && !c.receiptOverdue && c.receiptDue) {
        out.push({ caseId: c.caseId, step: 'receipt', rule: 'R5', deadline: c.receiptDue, replace: (d) => { c.receiptDue = d; } });
      }
      if (!everyStep) continue;
      for (const i of c.implementers ?? []) {
        if (i.acknowledgedAt || i.overdue) continue;
        out.push({ caseId: c.caseId, step: `acknowledgement:${i.agencyId}`, rule: 'R5', deadline: i.acknowledgeDue, replace: (d) => { i.acknowledgeDue = d; } });
      }
      const o = c.objection;
      if (o && !o.outcome && !o.verifyOverdue) {
        out.push({ caseId: c.caseId, step: 'objection_verification', rule: 'R11', deadline: o.verifyDue, replace: (d) => { o.verifyDue = d; } });
      }
      if (o?.outcome === 'upheld' && o.releaseDue && !o.releasedOn && !o.releaseOverdue) {
        out.push({ caseId: c.caseId, step: 'objection_release', rule: 'R11', deadline: o.releaseDue, replace: (d) => { o.releaseDue = d; } });
      }
      const r = c.repair;
      if (r && !r.outcome && !r.reviewOverdue) {
        out.push({ caseId: c.caseId, step: 'repair_review', rule: 'R12', deadline: r.reviewDue, replace: (d) => { r.reviewDue = d; } });
      }
    }
    const f = this.state.feedback;
    if (everyStep && f?.month && f.due) {
      out.push({ caseId: null, step: `feedback:${f.month}`, rule: 'R9', month: f.month, deadline: f.due, replace: (d) => { f.due = d; } });
    }
    return out;
  }

  /** R16: the unloaded years that running deadlines were counted in, for the search attribute. */
  provisionalYears(everyStep = false): string[] {
    const years = new Set<number>();
    for (const { deadline } of this.runningDeadlines(everyStep)) {
      if (deadline.provisional) missingYearsOf(deadline).forEach((y) => years.add(y));
    }
    return [...years].sort((a, b) => a - b).map(String);
  }

  /** R16: running provisional deadlines that were counted in one of `years`. */
  provisionalDeadlinesIn(years: number[], everyStep = false): PendingDeadline[] {
    return this.runningDeadlines(everyStep)
      .filter(({ deadline }) => deadline.provisional && missingYearsOf(deadline).some((y) => years.includes(y)));
  }
}

export interface PendingDeadline {
  caseId: string | null;
  step: string;
  rule: string;
  /** For the R9 feedback due date, which is the 7th of the next month, not N working days. */
  month?: string;
  deadline: DeadlineState;
  replace(d: DeadlineState): void;
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
