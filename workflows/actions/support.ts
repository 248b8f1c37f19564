// What every action handler shares: its context, the answer it gives, the steps it owes.
import type { TargetBook } from '../../domain/loop/book';
import { stepView, workingDaysOf, type OpenStep, type StepSpec } from '../../domain/steps';
import type { ActionAnswer, ActionArgs, CaseState, Envelope, LetterState } from '../messages';

export interface Ctx {
  book: TargetBook;
  ref: { workflowId: string; targetId: string };
}

export type Handler<A extends keyof ActionArgs> = (ctx: Ctx, a: ActionArgs[A]) => Promise<ActionAnswer>;
export type Handlers<K extends keyof ActionArgs> = { [A in K]: Handler<A> };

export const keys = (steps: OpenStep[]) => steps.map((s) => s.key);

export function answer(a: Envelope & { caseId?: string }, action: ActionAnswer['action'], opened: OpenStep[], closed: string[],
  detail: Record<string, unknown> = {}): ActionAnswer {
  return { action, caseId: a.caseId ?? null, at: a.at, fingerprint: a.fingerprint ?? null, opened: opened.map(stepView), closed, detail };
}

/** A step owed the registry's working days after a day (R16: counted from the day after). */
export function owed(kind: StepSpec['kind'], c: CaseState, agencyId: string, on: string, extra: Partial<StepSpec> = {}): StepSpec {
  return { kind, caseId: c.caseId, agencyId, ...extra, deadline: { workingDays: workingDaysOf(kind), from: on } };
}

/** R17: a written answer to the party (an objection, complaint or repair decided), with its reasons. */
export function answerLetter(c: CaseState, kind: LetterState['kind'], ref: string, on: string): string {
  const letterId = `${c.caseId}.${kind}.${ref}`;
  if (!c.letters.some((l) => l.letterId === letterId)) c.letters.push({ letterId, kind, issuedOn: on, deliveredOn: null });
  return letterId;
}
