// R9 with R16: the monthly feedback due date and the per-kind setting for a 7th that is not a
// working day (default: the next working day; an ADMIN may set it to keep the date).
// Uses a database of its own, since it changes a global setting.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DbHandle } from '../../db/client';
import { deadlineRules } from '../../db/schema';
import { agencyWithKey } from '../support/agencies';
import { freshDatabase } from '../support/fresh-db';
import { appWithoutEngine } from '../support/apps';

let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
let admin: { headers: Record<string, string> };
let supervisor: { headers: Record<string, string> };

beforeAll(async () => {
  dbh = await freshDatabase(inject('databaseUrl'));
  ({ app, close: closeApp } = await appWithoutEngine(dbh, { targetIdKey: 'rules', now: () => new Date('2026-11-20T02:00:00Z') }));
  admin = await agencyWithKey(dbh.db, ['ADMIN'], '系统管理员');
  supervisor = await agencyWithKey(dbh.db, ['SUPERVISOR']);
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
});

const feedbackDue = (month: string) => app.inject({ method: 'GET', url: `/calendar/feedback-due?month=${month}` });

describe('R9 feedback due on the 7th', () => {
  it('R9: by default a 7th inside the National Day holiday moves to the next working day', async () => {
    const res = await feedbackDue('2026-09');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      month: '2026-09', due: '2026-10-08', dueAt: '2026-10-09T00:00:00+08:00', moved: true,
      nonWorkingDay: 'next_working_day', dueDay: 7, provisional: false,
    });
  });

  it('R9: an ADMIN sets monthly feedback to keep the date; the setting is data, journaled with who set it', async () => {
    const denied = await app.inject({
      method: 'PUT', url: '/calendar/deadline-rules/monthly_feedback', headers: supervisor.headers, payload: { nonWorkingDay: 'keep_date' },
    });
    expect(denied.statusCode).toBe(403);
    const set = await app.inject({
      method: 'PUT', url: '/calendar/deadline-rules/monthly_feedback', headers: admin.headers, payload: { nonWorkingDay: 'keep_date' },
    });
    expect(set.statusCode).toBe(200);
    expect((await feedbackDue('2026-09')).json()).toMatchObject({ due: '2026-10-07', moved: false, nonWorkingDay: 'keep_date' });
    const [row] = await dbh.db.select().from(deadlineRules);
    expect(row).toMatchObject({ kind: 'monthly_feedback', nonWorkingDay: 'keep_date', updatedBy: expect.stringContaining('系统管理员') });
    const listed = await app.inject({ method: 'GET', url: '/calendar/deadline-rules' });
    expect(listed.json().items).toEqual([{ kind: 'monthly_feedback', rule: 'R9', nonWorkingDay: 'keep_date', dueDay: 7 }]);
  });

  it('refuses an unknown kind, an unknown setting and a malformed month, naming the field', async () => {
    const kind = await app.inject({ method: 'PUT', url: '/calendar/deadline-rules/lunch', headers: admin.headers, payload: { nonWorkingDay: 'keep_date' } });
    expect(kind.statusCode).toBe(400);
    expect(kind.json()).toMatchObject({ field: 'kind' });
    const value = await app.inject({ method: 'PUT', url: '/calendar/deadline-rules/monthly_feedback', headers: admin.headers, payload: { nonWorkingDay: 'skip' } });
    expect(value.statusCode).toBe(400);
    expect(value.json()).toMatchObject({ field: 'nonWorkingDay' });
    const month = await feedbackDue('2026-13');
    expect(month.statusCode).toBe(400);
    expect(month.json()).toMatchObject({ field: 'month' });
  });

  it('R9: the due day is configurable per regime (the 7th by default; the seeds also use the 3rd and the 10th)', async () => {
    const set = await app.inject({ method: 'PUT', url: '/calendar/deadline-rules/monthly_feedback', headers: admin.headers, payload: { dueDay: 10 } });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ dueDay: 10 });
    expect((await feedbackDue('2026-10')).json()).toMatchObject({ due: '2026-11-10', dueDay: 10 });
    const tooLate = await app.inject({ method: 'PUT', url: '/calendar/deadline-rules/monthly_feedback', headers: admin.headers, payload: { dueDay: 31 } });
    expect(tooLate.statusCode).toBe(400);
    expect(tooLate.json()).toMatchObject({ field: 'dueDay' });
    await app.inject({ method: 'PUT', url: '/calendar/deadline-rules/monthly_feedback', headers: admin.headers, payload: { dueDay: 7 } });
  });
});

describe('the working days of steps the seeds leave to the regime', () => {
  it('R4: the upward report, consultation, legal review and complaint limits are listed with their defaults; an ADMIN sets one', async () => {
    const listed = (await app.inject({ method: 'GET', url: '/step-deadlines' })).json().items;
    expect(listed.map((i: { kind: string; workingDays: number }) => [i.kind, i.workingDays])).toEqual([
      ['upward_report', 3], ['consultation', 5], ['legal_review', 5], ['publicity_marking', 1], ['complaint_review', 15],
    ]);
    const denied = await app.inject({ method: 'PUT', url: '/step-deadlines/upward_report', headers: supervisor.headers, payload: { workingDays: 5 } });
    expect(denied.statusCode).toBe(403);
    const set = await app.inject({ method: 'PUT', url: '/step-deadlines/upward_report', headers: admin.headers, payload: { workingDays: 5 } });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ kind: 'upward_report', workingDays: 5, defaultWorkingDays: 3, rule: 'R4' });
    await app.inject({ method: 'PUT', url: '/step-deadlines/upward_report', headers: admin.headers, payload: { workingDays: 3 } });
  });

  it('R5: a limit the seeds fix (the 3 working days of receipt) cannot be changed, and the refusal says which can', async () => {
    const fixed = await app.inject({ method: 'PUT', url: '/step-deadlines/receipt', headers: admin.headers, payload: { workingDays: 10 } });
    expect(fixed.statusCode).toBe(400);
    expect(fixed.json()).toMatchObject({ field: 'kind', message: expect.stringContaining('upward_report') });
  });
});
