// R14 on PostgreSQL: the activities behind an overdue step tell the responsible AUTHORITY and
// the supervisors (inbox and outbox), journal every reminder once, and read the reminder
// interval from the settings an ADMIN keeps over HTTP.
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities';
import { readCalendar } from '../../db/calendar-store';
import { connectDb, type DbHandle } from '../../db/client';
import { cases, journal, notices, steps, targets } from '../../db/schema';
import { deadlineOnDate } from '../../domain/working-days';
import type { OpenStep } from '../../domain/steps';
import { agencyWithKey } from '../support/agencies';
import { appWithoutEngine } from '../support/apps';
import { freshDatabase } from '../support/fresh-db';

let dbh: DbHandle & { url: string; appUrl: string };
let acts: ReturnType<typeof createActivities>;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
type Agency = Awaited<ReturnType<typeof agencyWithKey>>;
let authority: Agency;
let otherAuthority: Agency;
let supervisor: Agency;
let admin: Agency;

beforeAll(async () => {
  dbh = await freshDatabase(inject('databaseUrl'));
  acts = createActivities({ db: dbh.db, calendar: (executor) => readCalendar(executor ?? dbh.db) });
  ({ app, close: closeApp } = await appWithoutEngine(dbh));
  authority = await agencyWithKey(dbh.db, ['AUTHORITY'], '登记注册处');
  otherAuthority = await agencyWithKey(dbh.db, ['AUTHORITY'], '广告监管处');
  supervisor = await agencyWithKey(dbh.db, ['SUPERVISOR'], '督查室');
  admin = await agencyWithKey(dbh.db, ['ADMIN']);
  await dbh.db.insert(targets).values({ id: 'Eesc', kind: 'enterprise', name: '某企业', workflowId: 'target-Eesc' });
  await dbh.db.insert(cases).values({
    id: 'Cesc', targetId: 'Eesc', source: 'penalty_decision', documentNumber: '杭市管罚〔2026〕9号', documentIssuer: 'x',
    issuedOn: '2026-11-02', measures: [], status: 'pushed', authorityId: authority.id,
  });
  // The receipt step as intake opens it (activities/intake.ts).
  await dbh.db.insert(steps).values({
    id: 'Eesc/receipt/Cesc', kind: 'receipt', rule: 'R5', targetId: 'Eesc', caseId: 'Cesc', agencyId: authority.id,
    openedAt: new Date('2026-11-02T02:00:00Z'), dueAt: new Date('2026-11-05T16:00:00Z'),
  });
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
});

const target = { workflowId: 'target-Eesc', targetId: 'Eesc' };
const receipt = (): OpenStep => ({
  key: 'receipt/Cesc', kind: 'receipt', rule: 'R5', caseId: 'Cesc', agencyId: authority.id, due: deadlineOnDate('2026-11-05'),
  overdue: false, reminders: 0, nextReminder: null,
});

describe('R14 escalation on PostgreSQL', () => {
  it('R14: an overdue step makes one overdue record and tells the responsible AUTHORITY and the supervisors, once', async () => {
    const input = { ...target, step: receipt(), detectedAt: '2026-11-05T16:00:00.000Z' };
    await acts.recordOverdue(input);
    await acts.recordOverdue(input); // a retried activity
    const [row] = await dbh.db.select().from(steps).where(eq(steps.caseId, 'Cesc'));
    expect(row.overdueAt?.toISOString()).toBe('2026-11-05T16:00:00.000Z');
    expect(await dbh.db.select().from(journal).where(and(eq(journal.caseId, 'Cesc'), eq(journal.kind, 'overdue')))).toHaveLength(1);
    const told = await dbh.db.select().from(notices).where(eq(notices.kind, 'overdue')).orderBy(asc(notices.agencyId));
    expect(told.map((n) => n.agencyId).sort()).toEqual([authority.id, supervisor.id].sort());
    expect(told[0]).toMatchObject({ rule: 'R14', subject: expect.stringContaining('杭市管罚〔2026〕9号 的接收已逾期'), detail: expect.objectContaining({ kind: 'receipt', step: 'receipt/Cesc' }) });
    expect(told.map((n) => n.agencyId)).not.toContain(otherAuthority.id);
  });

  it('R14: each reminder is journaled and told once, with its number', async () => {
    const step = { ...receipt(), overdue: true };
    await acts.recordReminder({ ...target, step, reminder: 1, detectedAt: '2026-11-09T16:00:00.000Z' });
    await acts.recordReminder({ ...target, step, reminder: 1, detectedAt: '2026-11-09T16:00:00.000Z' });
    await acts.recordReminder({ ...target, step: { ...step, reminders: 1 }, reminder: 2, detectedAt: '2026-11-11T16:00:00.000Z' });
    const lines = await dbh.db.select().from(journal).where(and(eq(journal.caseId, 'Cesc'), eq(journal.kind, 'escalated'))).orderBy(asc(journal.at));
    expect(lines.map((l) => l.detail.reminder)).toEqual([1, 2]);
    const inbox = await app.inject({ method: 'GET', url: '/inbox', headers: authority.headers });
    expect(inbox.json().items.filter((n: { kind: string }) => n.kind === 'escalated')).toHaveLength(2);
    const [row] = await dbh.db.select().from(steps).where(eq(steps.caseId, 'Cesc'));
    expect(row.reminders).toBe(2);
  });

  it('R14: the reminder interval is 2 working days by default and what an ADMIN sets', async () => {
    const next = async () => (await acts.recordOverdue({ ...target, step: { ...receipt(), due: deadlineOnDate('2026-11-06') }, detectedAt: '2026-11-06T16:00:00.000Z' })).next.due;
    expect(await next()).toBe('2026-11-10'); // Fri → Mon, Tue
    const set = await app.inject({ method: 'PUT', url: '/escalation-intervals/receipt', headers: admin.headers, payload: { intervalWorkingDays: 5 } });
    expect(set.statusCode).toBe(200);
    expect(await next()).toBe('2026-11-13');
    const listed = await app.inject({ method: 'GET', url: '/escalation-intervals' });
    expect(listed.json().items).toEqual(expect.arrayContaining([{ step: 'receipt', intervalWorkingDays: 5 }, { step: 'feedback', intervalWorkingDays: 2 }]));
    const bad = await app.inject({ method: 'PUT', url: '/escalation-intervals/receipt', headers: admin.headers, payload: { intervalWorkingDays: 0 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'intervalWorkingDays' });
    const unknown = await app.inject({ method: 'PUT', url: '/escalation-intervals/lunch', headers: admin.headers, payload: { intervalWorkingDays: 3 } });
    expect(unknown.json()).toMatchObject({ field: 'step' });
  });

  it('R14: completing the step closes its overdue record', async () => {
    await acts.recordReceipt({ ...target, caseId: 'Cesc', actor: authority.id, at: '2026-11-12T02:00:00.000Z', closed: ['receipt/Cesc'] });
    const [row] = await dbh.db.select().from(steps).where(eq(steps.caseId, 'Cesc'));
    expect(row).toMatchObject({ doneBy: authority.id, outcome: 'done' });
    expect(row.doneAt?.toISOString()).toBe('2026-11-12T02:00:00.000Z');
  });

  it('R16: activities read the calendar on their own transaction, so a burst larger than the pool never deadlocks it', async () => {
    // Two connections, six activities at once: each holds one in its transaction while it reads the
    // calendar. Read through the pool instead, all would wait for a connection none gives back.
    const small = connectDb(dbh.url, { max: 2 });
    try {
      const few = createActivities({ db: small.db, calendar: (executor) => readCalendar(executor ?? small.db) });
      const burst = Promise.all(Array.from({ length: 6 }, (_, i) => few.recomputeDeadlines({
        workflowId: `target-Epool${i}`, targetId: `Epool${i}`, steps: [], reason: 'R16 burst', at: '2026-11-12T02:00:00.000Z', nowMs: Date.parse('2026-11-12T02:00:00.000Z'),
      })));
      const stalled = new Promise<'stalled'>((resolve) => setTimeout(() => resolve('stalled'), 10_000).unref());
      expect(await Promise.race([burst, stalled])).toEqual(Array.from({ length: 6 }, () => []));
    } finally {
      await small.close();
    }
  });
});
