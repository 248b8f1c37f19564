// R16 Working days (工作日): the State Council's yearly schedule decides which days are
// worked. Statutory holidays are off and announced weekend make-up days (调休上班) are
// worked. A year whose schedule is not loaded is counted Monday–Friday and every result
// that touched it is marked provisional with the missing years named.
// Pure: no engine, no database, no clock.
import { addDays, endOfShanghaiDay, type IsoDate, weekday, yearOf } from './dates';

export interface YearSchedule {
  year: number;
  /** Days off, with the holiday's name (e.g. 春节). */
  holidays: ReadonlyMap<IsoDate, string>;
  /** Weekend days announced as working days (调休上班). */
  makeupWorkdays: ReadonlySet<IsoDate>;
}

export interface WorkingCalendar {
  years: ReadonlyMap<number, YearSchedule>;
}

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup_workday';

export interface DayInfo {
  date: IsoDate;
  kind: DayKind;
  holiday?: string;
  /** True when the year's schedule is not loaded and Monday–Friday was assumed. */
  provisional: boolean;
}

export function calendarOf(schedules: Iterable<YearSchedule>): WorkingCalendar {
  return { years: new Map([...schedules].map((s) => [s.year, s])) };
}

export function dayInfo(calendar: WorkingCalendar, date: IsoDate): DayInfo {
  const schedule = calendar.years.get(yearOf(date));
  const wd = weekday(date);
  const weekend = wd === 0 || wd === 6;
  if (!schedule) return { date, kind: weekend ? 'weekend' : 'workday', provisional: true };
  const holiday = schedule.holidays.get(date);
  if (holiday !== undefined) return { date, kind: 'holiday', holiday, provisional: false };
  if (schedule.makeupWorkdays.has(date)) return { date, kind: 'makeup_workday', provisional: false };
  return { date, kind: weekend ? 'weekend' : 'workday', provisional: false };
}

export function isWorkingDay(calendar: WorkingCalendar, date: IsoDate): boolean {
  const { kind } = dayInfo(calendar, date);
  return kind === 'workday' || kind === 'makeup_workday';
}

/** The first working day after `date` (R16). */
export function nextWorkingDay(calendar: WorkingCalendar, date: IsoDate): DayInfo {
  let day = addDays(date, 1);
  while (!isWorkingDay(calendar, day)) day = addDays(day, 1);
  return dayInfo(calendar, day);
}

export interface Deadline {
  from: IsoDate;
  workingDays: number;
  /** The Nth working day after `from`. */
  due: IsoDate;
  /** The end (24:00 Asia/Shanghai) of `due`, as an ISO instant with +08:00. */
  dueAt: string;
  dueAtMs: number;
  provisional: boolean;
  missingYears: number[];
}

/**
 * "Within N working days after an event" (R16): counting starts the day after the event,
 * and the deadline is the end of the Nth working day.
 */
export function addWorkingDays(calendar: WorkingCalendar, from: IsoDate, workingDays: number): Deadline {
  if (!Number.isInteger(workingDays) || workingDays < 0) {
    throw new RangeError(`workingDays must be a non-negative integer, got ${workingDays}`);
  }
  const missing = new Set<number>();
  const note = (d: IsoDate) => {
    if (!calendar.years.has(yearOf(d))) missing.add(yearOf(d));
  };
  let day = from;
  let counted = 0;
  while (counted < workingDays) {
    day = addDays(day, 1);
    note(day);
    if (isWorkingDay(calendar, day)) counted += 1;
  }
  const end = endOfShanghaiDay(day);
  const missingYears = [...missing].sort((a, b) => a - b);
  return {
    from, workingDays, due: day, dueAt: end.at, dueAtMs: end.epochMs,
    provisional: missingYears.length > 0, missingYears,
  };
}

/**
 * A deadline at the end (24:00 Asia/Shanghai) of a given day: a measure's last day (R10), a
 * date the party promised (R12). No calendar is needed, so it is never provisional.
 */
export function deadlineOnDate(date: IsoDate): Deadline {
  const end = endOfShanghaiDay(date);
  return { from: date, workingDays: 0, due: date, dueAt: end.at, dueAtMs: end.epochMs, provisional: false, missingYears: [] };
}

/**
 * R14: the working days left to a step due at the end of `dueOn`, seen on `today`: the working
 * days after today up to and including dueOn (0: today is its last day). Past it, the working
 * days late, negative (-1: it fell due at the end of the last working day).
 */
export function workingDaysLeft(calendar: WorkingCalendar, today: IsoDate, dueOn: IsoDate): number {
  const [from, to, sign] = today <= dueOn ? [today, dueOn, 1] : [dueOn, today, -1];
  let n = 0;
  for (let day = addDays(from, 1); day <= to; day = addDays(day, 1)) if (isWorkingDay(calendar, day)) n += 1;
  // Late by the working days from the day after dueOn through today (today counted even when it is a day off: it is past due).
  return sign === 1 ? n : -Math.max(1, n);
}
