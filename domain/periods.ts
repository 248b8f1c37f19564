// Calendar periods of measures (R6–R8, R10), their suspension under objection (R11), and the
// monthly feedback due date (R9). Pure: no engine, no database, no clock.
import { addDays, type IsoDate, toEpochDay, yearOf } from './dates';
import { isWorkingDay, type WorkingCalendar } from './working-days';

export type PeriodLength = { days: number } | { months: number } | { years: number };

/**
 * The last day of a period that starts on `start` (e.g. one year from publication).
 * As the Civil Code counts periods (民法典 第二百零一、二百零二条): the starting day is not
 * counted; a period in months or years ends on the corresponding day of the last month, or on
 * that month's last day when it has no corresponding day (2024-02-29 + 1 year → 2025-02-28).
 */
export function periodEnd(start: IsoDate, length: PeriodLength): IsoDate {
  if ('days' in length) {
    if (!Number.isInteger(length.days) || length.days < 1) throw new RangeError('days must be a positive integer');
    return addDays(start, length.days);
  }
  const months = 'months' in length ? length.months : length.years * 12;
  if (!Number.isInteger(months) || months < 1) throw new RangeError('the period must be a positive whole number of months or years');
  const [y, m, d] = start.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/**
 * R11: time under objection does not count. A period suspended on `suspendedOn` and resumed
 * on `resumedOn` (the day the objection was rejected) ends later by exactly the days between.
 * 异议投诉被驳回的,其联合惩戒时限从异议投诉被驳回之日起继续计算.
 */
export function resumeAfterSuspension(end: IsoDate, suspendedOn: IsoDate, resumedOn: IsoDate): { end: IsoDate; suspendedDays: number } {
  const suspendedDays = toEpochDay(resumedOn) - toEpochDay(suspendedOn);
  if (suspendedDays < 0) throw new RangeError(`resumedOn ${resumedOn} is before suspendedOn ${suspendedOn}`);
  return { end: addDays(end, suspendedDays), suspendedDays };
}

/** What happens when a fixed due day (the 7th) is not a working day. A setting per deadline kind. */
export type NonWorkingDayRule = 'next_working_day' | 'keep_date';

export interface FixedDayDue {
  /** The month reported on, YYYY-MM. */
  month: string;
  due: IsoDate;
  /** True when the due day was moved off a non-working day. */
  moved: boolean;
  /** True when the due day's year has no loaded schedule (R16). */
  provisional: boolean;
}

/**
 * R9: implementers report a month's implementation before the 7th of the next month
 * (每月7日前; other regimes use the 3rd or the 10th: `day`). When that day is not a working day
 * the default moves it to the next working day.
 */
export function feedbackDueOn7th(calendar: WorkingCalendar, month: string, rule: NonWorkingDayRule = 'next_working_day', day = 7): FixedDayDue {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new RangeError(`month must be YYYY-MM, got ${month}`);
  if (!Number.isInteger(day) || day < 1 || day > 28) throw new RangeError(`the due day must be 1 to 28, got ${day}`);
  const total = Number(m[1]) * 12 + Number(m[2]); // next month, 0-based arithmetic below
  const seventh = `${String(Math.floor(total / 12)).padStart(4, '0')}-${String((total % 12) + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  let due = seventh;
  if (rule === 'next_working_day') while (!isWorkingDay(calendar, due)) due = addDays(due, 1);
  return { month, due, moved: due !== seventh, provisional: !calendar.years.has(yearOf(due)) };
}
