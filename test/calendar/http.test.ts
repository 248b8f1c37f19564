// R16 over HTTP with app.inject(): the public deadline and day-kind endpoints, and the
// checks of PUT /calendar/years/:year (ADMIN only, validated). Runs in three time zones.
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDb, type DbHandle } from '../../db/client';
import { calendarYears } from '../../db/schema';
import { agencyWithKey } from '../support/agencies';
import { appWithoutEngine } from '../support/apps';

let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
let admin: { headers: Record<string, string> };
let credit: { headers: Record<string, string> };

beforeAll(async () => {
  dbh = connectDb(inject('appDatabaseUrl'));
  ({ app, close: closeApp } = await appWithoutEngine(dbh, { targetIdKey: 'calendar-http' }));
  admin = await agencyWithKey(dbh.db, ['ADMIN']);
  credit = await agencyWithKey(dbh.db, ['CREDIT']);
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
});

const get = (url: string) => app.inject({ method: 'GET', url });

describe('GET /calendar/deadline', () => {
  it('R16: answers the due day and 24:00 Asia/Shanghai of the Nth working day', async () => {
    const res = await get('/calendar/deadline?from=2025-01-27&workingDays=3');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      from: '2025-01-27', workingDays: 3, due: '2025-02-07', dueAt: '2025-02-08T00:00:00+08:00',
      provisional: false, missingYears: [],
    });
  });

  it('R16: marks an answer counted in an unloaded year as provisional and names the year', async () => {
    const res = await get('/calendar/deadline?from=2040-12-28&workingDays=5');
    expect(res.json()).toMatchObject({ provisional: true, missingYears: [2040, 2041] });
  });

  const bad: [string, string, RegExp][] = [
    ['from=2025-02-30&workingDays=3', 'from', /not a real calendar date/],
    ['from=20250101&workingDays=3', 'from', /not a real calendar date/],
    ['from=2025-01-01&workingDays=-1', 'workingDays', /must be >= 0/],
    ['from=2025-01-01&workingDays=1001', 'workingDays', /must be <= 1000/],
    ['from=2025-01-01&workingDays=1.5', 'workingDays', /must be integer/],
    ['from=2025-01-01&workingDays=three', 'workingDays', /must be integer/],
    ['workingDays=3', 'from', /required/],
    ['from=2025-01-01', 'workingDays', /required/],
  ];
  it.each(bad)('refuses ?%s naming %s', async (query, field, reason) => {
    const res = await get(`/calendar/deadline?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe(field);
    expect(res.json().message).toMatch(reason);
  });
});

describe('GET /calendar/days', () => {
  it('R16: lists each day with its kind and, for holidays, the name', async () => {
    const res = await get('/calendar/days?from=2025-09-27&to=2025-10-02');
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([
      { date: '2025-09-27', kind: 'weekend', provisional: false },
      { date: '2025-09-28', kind: 'makeup_workday', provisional: false },
      { date: '2025-09-29', kind: 'workday', provisional: false },
      { date: '2025-09-30', kind: 'workday', provisional: false },
      { date: '2025-10-01', kind: 'holiday', holiday: '国庆节', provisional: false },
      { date: '2025-10-02', kind: 'holiday', holiday: '国庆节', provisional: false },
    ]);
  });

  it('accepts exactly three years', async () => {
    const res = await get('/calendar/days?from=2025-01-01&to=2027-12-31');
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toHaveLength(1095);
  });

  it.each([
    ['from=2025-01-01&to=2028-01-01', 'to', /more than 3 years/],
    ['from=2025-03-01&to=2025-02-01', 'to', /before from/],
    ['from=2025-13-01&to=2025-12-01', 'from', /not a real calendar date/],
  ])('refuses ?%s naming %s', async (query, field, reason) => {
    const res = await get(`/calendar/days?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field });
    expect(res.json().message).toMatch(reason);
  });
});

describe('PUT /calendar/years/:year', () => {
  const body = {
    notice: { title: '国务院办公厅关于2039年部分节假日安排的通知' },
    holidays: [{ date: '2039-01-03', name: '元旦' }],
    makeupWorkdays: [{ date: '2039-01-08', name: '元旦调休上班' }],
  };
  const put = (year: string, payload: object, headers: Record<string, string> = admin.headers) =>
    app.inject({ method: 'PUT', url: `/calendar/years/${year}`, headers, payload });

  it('needs a key (401) and the ADMIN role (403)', async () => {
    const none = await app.inject({ method: 'PUT', url: '/calendar/years/2039', payload: body });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ field: 'authorization' });
    const wrongRole = await put('2039', body, credit.headers);
    expect(wrongRole.statusCode).toBe(403);
    expect(wrongRole.json().message).toMatch(/ADMIN/);
    const rows = await dbh.db.select().from(calendarYears).where(eq(calendarYears.year, 2039));
    expect(rows).toEqual([]);
  });

  const invalid: [string, object, string, RegExp][] = [
    ['a holiday outside the year', { ...body, holidays: [{ date: '2038-12-31', name: '元旦' }] }, 'holidays.0.date', /not in 2039/],
    ['a day both off and worked', { ...body, makeupWorkdays: [{ date: '2039-01-03', name: 'x' }] }, 'makeupWorkdays.0.date', /both as a holiday and as a make-up/],
    ['an impossible date', { ...body, holidays: [{ date: '2039-02-29', name: '春节' }] }, 'holidays.0.date', /not a real calendar date/],
    ['a make-up day on a weekday', { ...body, makeupWorkdays: [{ date: '2039-01-04', name: 'x' }] }, 'makeupWorkdays.0.date', /weekday/],
    ['no notice', { ...body, notice: undefined }, 'notice', /required/],
    ['a body year that is not the path year', { ...body, year: 2038 }, 'year', /2038 in the body but 2039/],
  ];
  it.each(invalid)('R16: refuses %s, naming the field', async (_name, payload, field, reason) => {
    const res = await put('2039', payload);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field });
    expect(res.json().message).toMatch(reason);
  });
});
