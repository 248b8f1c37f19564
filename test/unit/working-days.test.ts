import { describe, expect, it } from 'vitest';
import { endOfShanghaiDay, parseIsoDate, shanghaiDateOf, weekday } from '../../domain/dates';
import { addWorkingDays, calendarOf, dayInfo } from '../../domain/working-days';

const none = calendarOf([]);
const y2025 = calendarOf([{
  year: 2025,
  holidays: new Map([['2025-10-01', '国庆节'], ['2025-10-02', '国庆节'], ['2025-10-03', '国庆节'],
    ['2025-10-04', '国庆节'], ['2025-10-05', '国庆节'], ['2025-10-06', '国庆节'], ['2025-10-07', '国庆节'], ['2025-10-08', '国庆节']]),
  makeupWorkdays: new Set(['2025-09-28', '2025-10-11']),
}]);

describe('R16 working days', () => {
  it('R16: counting starts the day after the event and the deadline is 24:00 Asia/Shanghai of the Nth working day', () => {
    // Friday 2025-09-26 + 3 working days, with Sunday 9/28 a make-up working day: 9/29, 9/28?, …
    const d = addWorkingDays(y2025, '2025-09-26', 3);
    expect(d.due).toBe('2025-09-30'); // 9/28 (make-up), 9/29, 9/30
    expect(d.dueAt).toBe('2025-10-01T00:00:00+08:00');
    expect(d.dueAtMs).toBe(Date.parse('2025-09-30T16:00:00Z'));
    expect(d.provisional).toBe(false);
  });

  it('R16: the National Day holiday is skipped and the make-up Saturday counts', () => {
    expect(addWorkingDays(y2025, '2025-09-30', 1).due).toBe('2025-10-09');
    expect(addWorkingDays(y2025, '2025-10-09', 2).due).toBe('2025-10-11');
    expect(dayInfo(y2025, '2025-10-03')).toMatchObject({ kind: 'holiday', holiday: '国庆节' });
    expect(dayInfo(y2025, '2025-10-11')).toMatchObject({ kind: 'makeup_workday' });
  });

  it('R16: a year with no loaded schedule is counted Monday–Friday and the result is provisional', () => {
    const only2030 = calendarOf([{ year: 2030, holidays: new Map(), makeupWorkdays: new Set() }]);
    const d = addWorkingDays(only2030, '2030-12-27', 3); // Friday
    expect(d.due).toBe('2031-01-01');
    expect(d.provisional).toBe(true);
    expect(d.missingYears).toEqual([2031]);
    expect(addWorkingDays(only2030, '2030-12-02', 3)).toMatchObject({ provisional: false, missingYears: [] });
    expect(dayInfo(none, '2030-12-28')).toMatchObject({ kind: 'weekend', provisional: true });
  });

  it('refuses a negative or fractional count', () => {
    expect(() => addWorkingDays(none, '2025-01-01', -1)).toThrow(RangeError);
    expect(() => addWorkingDays(none, '2025-01-01', 1.5)).toThrow(RangeError);
  });
});

describe('dates in Asia/Shanghai, whatever the server time zone', () => {
  it('takes the Shanghai date of an instant', () => {
    expect(shanghaiDateOf('2025-12-31T16:00:00Z')).toBe('2026-01-01');
    expect(shanghaiDateOf('2025-12-31T15:59:59Z')).toBe('2025-12-31');
  });

  it('ends a day at 24:00 +08:00', () => {
    expect(endOfShanghaiDay('2025-12-31')).toEqual({ at: '2026-01-01T00:00:00+08:00', epochMs: Date.parse('2025-12-31T16:00:00Z') });
  });

  it('refuses impossible dates and knows the weekday', () => {
    expect(parseIsoDate('2024-02-29')).toBe('2024-02-29');
    expect(parseIsoDate('2025-02-29')).toBeNull();
    expect(parseIsoDate('2025-1-01')).toBeNull();
    expect(weekday('2025-10-11')).toBe(6);
  });
});
