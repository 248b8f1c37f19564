// R16: the calendar the running system reads (PostgreSQL, seeded from db/calendar/) compared
// day by day, 2004–2026, with an independent source (the chinese-days package), and 2025/2026
// with the State Council notices as the issue quotes them.
import chineseDays from 'chinese-days';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readCalendar } from '../../db/calendar-store';
import { connectDb, type DbHandle } from '../../db/client';
import { addDays, weekday } from '../../domain/dates';
import { dayInfo, isWorkingDay, type WorkingCalendar } from '../../domain/working-days';

let dbh: DbHandle;
let calendar: WorkingCalendar;

beforeAll(async () => {
  dbh = connectDb(inject('appDatabaseUrl'), { max: 1 });
  calendar = await readCalendar(dbh.db);
});
afterAll(() => dbh?.close());

function* days(from: string, to: string) {
  for (let d = from; d <= to; d = addDays(d, 1)) yield d;
}

describe('R16 calendar data', () => {
  it('R16: every day of 2004–2026 in PostgreSQL agrees with chinese-days: zero differences', () => {
    const differences: string[] = [];
    let compared = 0;
    for (const date of days('2004-01-01', '2026-12-31')) {
      compared += 1;
      const ours = dayInfo(calendar, date);
      const theirs = chineseDays.getDayDetail(date);
      const festival = theirs.name.includes(',') ? theirs.name.split(',')[1] : null;
      const expectedKind = festival
        ? (theirs.work ? 'makeup_workday' : 'holiday')
        : (theirs.work ? 'workday' : 'weekend');
      if (ours.provisional) differences.push(`${date}: year not loaded`);
      else if (ours.kind !== expectedKind) differences.push(`${date}: ours ${ours.kind}, chinese-days ${expectedKind}`);
      else if (ours.kind === 'holiday' && ours.holiday !== festival) differences.push(`${date}: ours ${ours.holiday}, chinese-days ${festival}`);
    }
    expect(compared).toBe(8401);
    expect(differences).toEqual([]);
  });

  const notices: [number, string, [string, string][], string[]][] = [
    [2025, '国办发明电〔2024〕12号',
      [['01-01', '01-01'], ['01-28', '02-04'], ['04-04', '04-06'], ['05-01', '05-05'], ['05-31', '06-02'], ['10-01', '10-08']],
      ['01-26', '02-08', '04-27', '09-28', '10-11']],
    [2026, 'notice of 2025-11-04',
      [['01-01', '01-03'], ['02-15', '02-23'], ['04-04', '04-06'], ['05-01', '05-05'], ['06-19', '06-21'], ['09-25', '09-27'], ['10-01', '10-07']],
      ['01-04', '02-14', '02-28', '05-09', '09-20', '10-10']],
  ];
  it.each(notices)('R16: every day of %i matches the State Council schedule (%s)', (year, _notice, off, makeup) => {
    const offDays = new Set(off.flatMap(([a, b]) => [...days(`${year}-${a}`, `${year}-${b}`)]));
    const makeupDays = new Set(makeup.map((d) => `${year}-${d}`));
    const wrong: string[] = [];
    for (const date of days(`${year}-01-01`, `${year}-12-31`)) {
      const weekend = weekday(date) === 0 || weekday(date) === 6;
      const expected = offDays.has(date) ? false : makeupDays.has(date) ? true : !weekend;
      if (isWorkingDay(calendar, date) !== expected) wrong.push(date);
    }
    expect(wrong).toEqual([]);
  });
});
