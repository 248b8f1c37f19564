// The state of one target's workflow: its cases, its open steps (domain/steps.ts) and the
// actions it has applied. Pure: the workflow function wires handlers and timers around this;
// unit tests call it without an engine.
import { isObligation, openedStep, stepKey, type OpenStep, type StepKind, type StepSpec } from '../steps';

export { openedStep as openStep };
import type { Deadline } from '../working-days';
import { caseDone } from './case';
import type { ActionAnswer, CaseState, TargetKind, TargetState } from './state';

/** Actions remembered for retries on a later run: the last few, and none older than this. */
const REMEMBER_ACTIONS = 500;
const REMEMBER_MS = 7 * 86_400_000;

export interface Timer {
  step: OpenStep;
  atMs: number;
  /** R14: a reminder of a step already overdue, not its own deadline. */
  reminder: boolean;
}

export class TargetBook {
  constructor(readonly state: TargetState) {}

  static open(targetId: string, kind: TargetKind): TargetBook {
    return new TargetBook({ targetId, kind, cases: [], steps: [], reported: [], applied: [] });
  }

  find(caseId: string): CaseState | undefined {
    return this.state.cases.find((c) => c.caseId === caseId);
  }

  caseOf(caseId: string): CaseState {
    const c = this.find(caseId);
    if (!c) throw new Error(`no case ${caseId} on target ${this.state.targetId}`);
    return c;
  }

  // --- steps ----------------------------------------------------------------------------------

  step(key: string): OpenStep | undefined {
    return this.state.steps.find((s) => s.key === key);
  }

  hasStep(ref: Omit<StepSpec, 'deadline'>): boolean {
    return this.step(stepKey(ref)) !== undefined;
  }

  /** Opens steps whose deadlines the calendar has resolved (a step already open keeps its due date). */
  addSteps(steps: OpenStep[]): void {
    for (const s of steps) if (!this.step(s.key)) this.state.steps.push(s);
  }

  /** Removes and returns the open steps that match: they are done, or no longer owed. */
  closeSteps(match: (s: OpenStep) => boolean): OpenStep[] {
    const closed = this.state.steps.filter(match);
    this.state.steps = this.state.steps.filter((s) => !match(s));
    return closed;
  }

  closeStep(kind: StepKind, ref: Partial<Omit<OpenStep, 'kind'>>): OpenStep[] {
    return this.closeSteps((s) => s.kind === kind && Object.entries(ref).every(([k, v]) => (s as unknown as Record<string, unknown>)[k] === v));
  }

  obligations(): OpenStep[] {
    return this.state.steps.filter((s) => isObligation(s.kind));
  }

  /** The earliest timer: a step's deadline not yet passed, or the next reminder of an overdue one (R14). */
  nextTimer(): Timer | null {
    let next: Timer | null = null;
    for (const step of this.state.steps) {
      const at = step.overdue ? step.nextReminder?.dueAtMs : step.due.dueAtMs;
      if (at === undefined) continue;
      if (!next || at < next.atMs) next = { step, atMs: at, reminder: step.overdue };
    }
    return next;
  }

  /** R14: the step's deadline passed: it is overdue until done, reminded from `next` on. */
  markOverdue(key: string, next: Deadline | null): void {
    const s = this.step(key);
    if (!s) return;
    s.overdue = true;
    s.nextReminder = next;
  }

  /** R14: one more reminder went out; the next is due at `next`. Returns the reminder's number. */
  reminded(key: string, next: Deadline | null): number {
    const s = this.step(key);
    if (!s) return 0;
    s.reminders += 1;
    s.nextReminder = next;
    return s.reminders;
  }

  /** R16: the running deadlines counted in an unloaded year, by the years they need. */
  provisionalSteps(years?: number[]): OpenStep[] {
    return this.state.steps.filter((s) => !s.overdue && s.due.provisional
      && (years === undefined || s.due.missingYears.some((y) => years.includes(y))));
  }

  provisionalYears(): string[] {
    const years = new Set(this.provisionalSteps().flatMap((s) => s.due.missingYears));
    return [...years].sort((a, b) => a - b).map(String);
  }

  /** R16: a recomputed deadline replaces the old one; the main loop re-arms the timer. */
  replaceDue(key: string, due: Deadline): void {
    const s = this.step(key);
    if (s) s.due = due;
  }

  // --- the loop as a whole --------------------------------------------------------------------

  /**
   * The loop is closed for this target: no step is owed and no timer runs, and every case has
   * come to an end: each measure given out (R5), acknowledged and released (R10, R11, R12), or
   * the case released (R11); measures carried out elsewhere end with their upward report (R4).
   */
  finished(): boolean {
    // A run starts with its first message unhandled: no case yet, and not scored yet (R15).
    if (this.state.steps.length > 0 || (this.state.cases.length === 0 && !this.state.scoring)) return false;
    return this.state.cases.every(caseDone);
  }

  // --- idempotency across runs ----------------------------------------------------------------

  appliedAnswer(id: string | undefined): ActionAnswer | undefined {
    return id ? this.state.applied.find((a) => a.id === id)?.answer : undefined;
  }

  remember(id: string | undefined, answer: ActionAnswer, nowMs: number): void {
    if (!id) return;
    const recent = this.state.applied.filter((a) => Date.parse(a.at) >= nowMs - REMEMBER_MS);
    this.state.applied = [...recent, { id, at: answer.at, answer }].slice(-REMEMBER_ACTIONS);
  }
}
