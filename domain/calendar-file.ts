// R16 One year of the State Council holiday schedule, as a file in db/calendar/ and as the body
// of PUT /calendar/years/:year. Validation names the failing field and says why.
import { parseIsoDate, weekday, yearOf } from './dates';
import type { YearSchedule } from './working-days';

export interface NoticeRef {
  title: string;
  number?: string | null;
  publishedOn?: string | null;
}

export interface YearFile {
  year: number;
  notice: NoticeRef;
  amendments?: NoticeRef[];
  holidays: { date: string; name: string }[];
  makeupWorkdays: { date: string; name: string }[];
  source?: string;
}

export class CalendarFileError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
  }
}

/** Checks a year's schedule: dates real and inside the year, no day both off and worked. */
export function validateYearFile(file: YearFile, year = file.year): YearFile {
  if (file.year !== undefined && file.year !== year) {
    throw new CalendarFileError('year', `is ${file.year} but the schedule is loaded as ${year}`);
  }
  if (!file.notice?.title?.trim()) throw new CalendarFileError('notice.title', 'is required (the State Council notice the schedule comes from)');
  if (file.notice.publishedOn && !parseIsoDate(file.notice.publishedOn)) {
    throw new CalendarFileError('notice.publishedOn', 'is not a real calendar date');
  }
  const seen = new Map<string, string>();
  const check = (list: { date: string; name: string }[], field: 'holidays' | 'makeupWorkdays') => {
    list.forEach((day, i) => {
      const where = `${field}.${i}.date`;
      if (!parseIsoDate(day.date)) throw new CalendarFileError(where, `"${day.date}" is not a real calendar date (YYYY-MM-DD)`);
      if (yearOf(day.date) !== year) throw new CalendarFileError(where, `${day.date} is not in ${year}`);
      if (!day.name?.trim()) throw new CalendarFileError(`${field}.${i}.name`, 'is required');
      const other = seen.get(day.date);
      if (other === field) throw new CalendarFileError(where, `${day.date} is listed twice`);
      if (other) throw new CalendarFileError(where, `${day.date} is listed both as a holiday and as a make-up working day`);
      seen.set(day.date, field);
      if (field === 'makeupWorkdays' && weekday(day.date) !== 0 && weekday(day.date) !== 6) {
        throw new CalendarFileError(where, `${day.date} is a weekday; make-up working days (调休上班) are weekend days`);
      }
    });
  };
  check(file.holidays ?? [], 'holidays');
  check(file.makeupWorkdays ?? [], 'makeupWorkdays');
  return { ...file, year };
}

export function scheduleOf(file: YearFile): YearSchedule {
  return {
    year: file.year,
    holidays: new Map(file.holidays.map((d) => [d.date, d.name])),
    makeupWorkdays: new Set(file.makeupWorkdays.map((d) => d.date)),
  };
}
