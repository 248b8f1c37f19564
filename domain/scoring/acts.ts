// R15: the acts a policy scores, checked against the policy, and the window each one counts in.
// Pure: no engine, no database, no clock.
import { addDays, fromEpochDay, type IsoDate, parseIsoDate, toEpochDay, yearOf } from '../dates';
import { periodEnd, type PeriodLength } from '../periods';
import type { Act, ScoringPolicy, ScoringWindow } from './policy';

/** Acts in the order the evaluator reads them: by date, then by id. */
export function compareActs(a: Act, b: Act): number {
  return a.date < b.date ? -1 : a.date > b.date ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The acts sorted, after refusing what would make a score meaningless: an unknown class, an
 * impossible date, a repeated id, a correction dated before the act. Every problem is named.
 */
export function checkActs(policy: ScoringPolicy, acts: readonly Act[]): Act[] {
  const classes = new Set(policy.actClasses.map((c) => c.code));
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const [i, act] of acts.entries()) {
    const at = `acts[${i}] (${act.id})`;
    if (!act.id) problems.push(`acts[${i}]: id is empty`);
    else if (ids.has(act.id)) problems.push(`${at}: id is used twice`);
    ids.add(act.id);
    if (!classes.has(act.class)) problems.push(`${at}: class "${act.class}" is not one of ${[...classes].join(', ')}`);
    if (!act.item) problems.push(`${at}: item is empty`);
    if (!act.sourceDocument) problems.push(`${at}: sourceDocument is empty`);
    if (parseIsoDate(act.date) === null) problems.push(`${at}: date "${act.date}" is not a YYYY-MM-DD date`);
    for (const field of ['correctedOn', 'correctionDueOn'] as const) {
      const value = act[field];
      if (value == null) continue;
      if (parseIsoDate(value) === null) problems.push(`${at}: ${field} "${value}" is not a YYYY-MM-DD date`);
      else if (value < act.date) problems.push(`${at}: ${field} ${value} is before the act's date ${act.date}`);
    }
  }
  if (problems.length > 0) throw new RangeError(`acts refused for policy ${policy.id}:\n${problems.join('\n')}`);
  return [...acts].sort(compareActs);
}

/** The last day an act counts (e.g. 1年内: periodEnd of its date; a natural year: 31 December). */
export function countsThrough(window: ScoringWindow, date: IsoDate): IsoDate {
  return window.kind === 'rolling' ? periodEnd(date, window.length) : `${yearOf(date)}-12-31`;
}

/** The earliest act date that still counts on `day`. */
export function windowStart(window: ScoringWindow, day: IsoDate): IsoDate {
  if (window.kind === 'naturalYear') return `${yearOf(day)}-01-01`;
  // periodEnd is non-decreasing in its start, so the first start whose end reaches `day` is
  // found by bisection; month ends make a closed formula wrong (03-31 minus 1 month).
  let lo = toEpochDay(day) - upperBoundDays(window.length);
  let hi = toEpochDay(day);
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (periodEnd(fromEpochDay(mid), window.length) >= day) hi = mid;
    else lo = mid + 1;
  }
  return fromEpochDay(lo);
}

/** Whether an act dated `date` counts on `day`. */
export function countsOn(window: ScoringWindow, date: IsoDate, day: IsoDate): boolean {
  return date <= day && day <= countsThrough(window, date);
}

/** The day after an act stops counting: a day the score may fall. */
export function firstDayNotCounted(window: ScoringWindow, date: IsoDate): IsoDate {
  return addDays(countsThrough(window, date), 1);
}

function upperBoundDays(length: PeriodLength): number {
  if ('days' in length) return length.days;
  return 'months' in length ? length.months * 31 + 1 : length.years * 366 + 1;
}
