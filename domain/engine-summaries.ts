// What the Temporal UI shows of a target's story (issue 16): the workflow's summary (user
// metadata set when the run starts), and each timer's and each timer-driven activity's summary,
// so an operator reads "R5 接收 期限 …" where the UI would show a bare sequence number. Personal
// data stays out of the engine: an identity number is masked and a person's name is reduced
// to its first character. Pure: no engine, no clock.
import { maskIdNumber } from './identifiers';
import { stepLabel, type OpenStep } from './steps';

export interface SummarizedTarget {
  kind: 'enterprise' | 'person';
  name: string;
  creditCode?: string;
  idNumber?: string;
}

/** GB 32100: keeps the registration authority, type and region (8) and the last 2 characters. */
export function maskCreditCode(code: string): string {
  return code.length === 18 ? `${code.slice(0, 8)}********${code.slice(16)}` : code;
}

/** The workflow's one-line summary: the enterprise's name and masked code, or a masked person. */
export function targetSummary(t: SummarizedTarget): string {
  if (t.kind === 'person') return `个人 ${[...t.name][0] ?? ''}* ${t.idNumber ? maskIdNumber(t.idNumber) : ''}`.trim();
  return `${t.name} ${t.creditCode ? maskCreditCode(t.creditCode) : ''}`.trim();
}

/** A timer's summary: the step it waits for, its rule and whether its deadline or a reminder (R14) is due. */
export function timerSummary(step: Pick<OpenStep, 'kind' | 'rule' | 'month' | 'caseId' | 'reminders'>, reminder: boolean): string {
  const what = reminder ? `逾期催办 第${step.reminders + 1}次 (R14)` : '期限';
  return `${step.rule} ${stepLabel(step.kind, step.month)} ${what}${step.caseId ? ` · ${step.caseId}` : ''}`;
}
