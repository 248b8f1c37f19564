// R16 deadline arithmetic, R9 feedback due date, R10/R11 periods: pure functions over the
// shipped 2004–2026 schedules. This file also runs under TZ=Asia/Shanghai and
// TZ=America/Los_Angeles (vitest projects): every result must be the same in all three.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scheduleOf, validateYearFile, type YearFile } from '../../domain/calendar-file';
import { feedbackDueOn7th, periodEnd, resumeAfterSuspension } from '../../domain/periods';
import { addWorkingDays, calendarOf, dayInfo, isWorkingDay, nextWorkingDay } from '../../domain/working-days';

const dir = new URL('../../db/calendar/', import.meta.url);
const shipped = calendarOf(readdirSync(dir).filter((f) => f.endsWith('.json'))
  .map((f) => scheduleOf(validateYearFile(JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as YearFile))));

describe(`R16 working days (TZ=${process.env.TZ ?? 'unset'})`, () => {
  it('runs in the time zone its project sets', () => {
    expect(['UTC', 'Asia/Shanghai', 'America/Los_Angeles']).toContain(process.env.TZ);
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).toBe(process.env.TZ);
  });

  it('R16: 3 working days from the eve of the 2025 Spring Festival skip 1/28–2/4 and count make-up Saturday 2/8', () => {
    // Decision on Mon 2025-01-27: 1/28–2/4 are off; 2/5, 2/6, 2/7 are the three working days.
    expect(addWorkingDays(shipped, '2025-01-27', 3)).toMatchObject({ due: '2025-02-07', dueAt: '2025-02-08T00:00:00+08:00', provisional: false });
    // Decision on Thu 2025-02-06: 2/7 (Fri), 2/8 (make-up Saturday), 2/10 (Mon).
    expect(addWorkingDays(shipped, '2025-02-06', 3).due).toBe('2025-02-10');
  });

  it('R16: the next working day after the last day before National Day 2025 is 10/9; after a Friday before a make-up Sunday it is that Sunday', () => {
    expect(nextWorkingDay(shipped, '2025-09-30')).toEqual({ date: '2025-10-09', kind: 'workday', provisional: false });
    expect(nextWorkingDay(shipped, '2025-01-24')).toEqual({ date: '2025-01-26', kind: 'makeup_workday', provisional: false });
  });

  it('R16: the make-up Sunday 2025-01-26 counts and the event day itself never does', () => {
    expect(addWorkingDays(shipped, '2025-01-24', 1).due).toBe('2025-01-26');
    expect(addWorkingDays(shipped, '2025-01-26', 1).due).toBe('2025-01-27');
  });

  it('R2: 15 working days with consultation across National Day 2026 (10/1–10/7 off, 9/20 and 10/10 worked)', () => {
    // From Fri 2026-09-18: 9/20 (Sun, make-up) 9/21 9/22 9/23 9/24 = 5 | 9/25–9/27 off |
    // 9/28 9/29 9/30 = 8 | 10/1–10/7 off | 10/8 10/9 10/10 (Sat, make-up) 10/12 10/13 10/14 10/15 = 15.
    expect(addWorkingDays(shipped, '2026-09-18', 15).due).toBe('2026-10-15');
  });

  it('R16: the day kinds and holiday names of the 2026 Spring Festival', () => {
    expect(dayInfo(shipped, '2026-02-14')).toEqual({ date: '2026-02-14', kind: 'makeup_workday', provisional: false });
    expect(dayInfo(shipped, '2026-02-17')).toEqual({ date: '2026-02-17', kind: 'holiday', holiday: '春节', provisional: false });
    expect(dayInfo(shipped, '2026-02-24')).toEqual({ date: '2026-02-24', kind: 'workday', provisional: false });
    expect(dayInfo(shipped, '2026-03-01')).toEqual({ date: '2026-03-01', kind: 'weekend', provisional: false });
  });

  it('R16: a count into 2027, whose schedule is not loaded, is Monday–Friday and provisional naming 2027', () => {
    const d = addWorkingDays(shipped, '2026-12-30', 5);
    expect(d).toMatchObject({ due: '2027-01-06', provisional: true, missingYears: [2027] });
    expect(addWorkingDays(shipped, '2026-12-01', 5)).toMatchObject({ provisional: false, missingYears: [] });
  });
});

describe('R9 monthly feedback due on the 7th', () => {
  it('R9: the 7th is kept when it is a working day', () => {
    expect(feedbackDueOn7th(shipped, '2025-12')).toEqual({ month: '2025-12', due: '2026-01-07', moved: false, provisional: false });
  });

  it('R9: a 7th inside a holiday moves to the next working day (National Day 2026)', () => {
    expect(feedbackDueOn7th(shipped, '2026-09')).toEqual({ month: '2026-09', due: '2026-10-08', moved: true, provisional: false });
  });

  it('R9: a 7th on a weekend moves to Monday; with keep_date it stays', () => {
    expect(feedbackDueOn7th(shipped, '2026-01').due).toBe('2026-02-09'); // 2/7 is a Saturday
    expect(feedbackDueOn7th(shipped, '2026-01', 'keep_date')).toMatchObject({ due: '2026-02-07', moved: false });
  });

  it('R9: across the year end into an unloaded year the due date is provisional', () => {
    expect(feedbackDueOn7th(shipped, '2026-12')).toMatchObject({ due: '2027-01-07', provisional: true });
  });

  it('refuses a malformed month', () => {
    expect(() => feedbackDueOn7th(shipped, '2026-13')).toThrow(RangeError);
  });
});

describe('R10/R11 measure periods', () => {
  it('R10: one year from publication ends on the corresponding day; a missing day falls to the month end', () => {
    expect(periodEnd('2025-03-15', { years: 1 })).toBe('2026-03-15');
    expect(periodEnd('2024-02-29', { years: 1 })).toBe('2025-02-28');
    expect(periodEnd('2025-01-31', { months: 1 })).toBe('2025-02-28');
    expect(periodEnd('2025-11-30', { months: 3 })).toBe('2026-02-28');
    expect(periodEnd('2025-12-25', { days: 10 })).toBe('2026-01-04');
  });

  it('R11: a rejected objection resumes the period from the rejection day, the suspended days added to its end', () => {
    // Measure ending 2026-03-15, objection filed 2025-06-10, rejected 2025-07-01: 21 days.
    expect(resumeAfterSuspension('2026-03-15', '2025-06-10', '2025-07-01')).toEqual({ end: '2026-04-05', suspendedDays: 21 });
    expect(() => resumeAfterSuspension('2026-03-15', '2025-07-01', '2025-06-10')).toThrow(RangeError);
  });

  it('refuses a period that is not a positive whole length', () => {
    expect(() => periodEnd('2025-01-01', { days: 0 })).toThrow(RangeError);
    expect(() => periodEnd('2025-01-01', { months: 1.5 })).toThrow(RangeError);
  });

  it('agrees with isWorkingDay on every day it skips', () => {
    const d = addWorkingDays(shipped, '2025-09-26', 10);
    let n = 0;
    for (let day = '2025-09-27'; day <= d.due; day = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) {
      if (isWorkingDay(shipped, day)) n += 1;
    }
    expect(n).toBe(10);
  });
});
