// The state of one target's workflow and the rules that change it. Pure: the workflow
// function wires handlers and timers around this; unit tests call it without an engine.
import type { CaseFiled, CaseReceived, CaseState, TargetKind, TargetState } from './messages';

export interface OpenDeadline {
  caseId: string;
  step: 'receipt';
  rule: 'R5';
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

  addCase(filed: CaseFiled, receiptDue: CaseState['receiptDue']): CaseState {
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

  /** The earliest deadline of a step still open and not yet flagged overdue. */
  nextDeadline(): OpenDeadline | null {
    let next: OpenDeadline | null = null;
    for (const c of this.state.cases) {
      if (c.status !== 'pushed' || c.receiptOverdue || !c.receiptDue) continue;
      if (!next || c.receiptDue.dueAtMs < next.dueAtMs) {
        next = { caseId: c.caseId, step: 'receipt', rule: 'R5', dueAt: c.receiptDue.dueAt, dueAtMs: c.receiptDue.dueAtMs };
      }
    }
    return next;
  }

  markOverdue(deadline: OpenDeadline): void {
    const c = this.find(deadline.caseId);
    if (c) c.receiptOverdue = true;
  }

  openSteps(): number {
    return this.state.cases.filter((c) => c.status === 'pushed').length;
  }
}
