// R14 on PostgreSQL: the activities behind an overdue step tell the responsible AUTHORITY and
// the supervisors (inbox and outbox), journal every reminder once, and read the reminder
// interval from the settings an ADMIN keeps over HTTP.
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities';
import { readCalendar } from '../../db/calendar-store';
import type { DbHandle } from '../../db/client';
import { cases, journal, notices, overdueSteps, targets } from '../../db/schema';
import { agencyWithKey } from '../support/agencies';
import { appWithoutEngine } from '../support/apps';
import { freshDatabase } from '../support/fresh-db';

let dbh: DbHandle;
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
  acts = createActivities({ db: dbh.db, calendar: () => readCalendar(dbh.db) });
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
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
});

const ref = { workflowId: 'target-Eesc', targetId: 'Eesc', caseId: 'Cesc', step: 'receipt', rule: 'R5' };

describe('R14 escalation on PostgreSQL', () => {
  it('R14: an overdue step makes one overdue record and tells the responsible AUTHORITY and the supervisors, once', async () => {
    const input = { ...ref, dueAt: '2026-11-06T00:00:00+08:00', detectedAt: '2026-11-05T16:00:00.000Z' };
    await acts.recordOverdue(input);
    await acts.recordOverdue(input); // a retried activity
    expect(await dbh.db.select().from(overdueSteps).where(eq(overdueSteps.caseId, 'Cesc'))).toHaveLength(1);
    const told = await dbh.db.select().from(notices).where(eq(notices.kind, 'overdue')).orderBy(asc(notices.agencyId));
    expect(told.map((n) => n.agencyId).sort()).toEqual([authority.id, supervisor.id].sort());
    expect(told[0]).toMatchObject({ rule: 'R14', subject: expect.stringContaining('杭市管罚〔2026〕9号'), detail: expect.objectContaining({ step: 'receipt' }) });
    expect(told.map((n) => n.agencyId)).not.toContain(otherAuthority.id);
  });

  it('R14: each reminder is journaled and told once, with its number', async () => {
    await acts.recordEscalation({ ...ref, reminder: 1, detectedAt: '2026-11-09T16:00:00.000Z' });
    await acts.recordEscalation({ ...ref, reminder: 1, detectedAt: '2026-11-09T16:00:00.000Z' });
    await acts.recordEscalation({ ...ref, reminder: 2, detectedAt: '2026-11-11T16:00:00.000Z' });
    const lines = await dbh.db.select().from(journal).where(and(eq(journal.caseId, 'Cesc'), eq(journal.kind, 'escalated'))).orderBy(asc(journal.at));
    expect(lines.map((l) => l.detail.reminder)).toEqual([1, 2]);
    const inbox = await app.inject({ method: 'GET', url: '/inbox', headers: authority.headers });
    expect(inbox.json().items.filter((n: { kind: string }) => n.kind === 'escalated')).toHaveLength(2);
  });

  it('R14: the reminder interval is 2 working days by default and what an ADMIN sets', async () => {
    expect((await acts.nextReminder({ from: '2026-11-06', step: 'receipt' })).due).toBe('2026-11-10'); // Fri → Mon, Tue
    const set = await app.inject({ method: 'PUT', url: '/escalation-intervals/receipt', headers: admin.headers, payload: { intervalWorkingDays: 5 } });
    expect(set.statusCode).toBe(200);
    expect((await acts.nextReminder({ from: '2026-11-06', step: 'receipt' })).due).toBe('2026-11-13');
    const listed = await app.inject({ method: 'GET', url: '/escalation-intervals' });
    expect(listed.json().items).toEqual(expect.arrayContaining([{ step: 'receipt', intervalWorkingDays: 5 }, { step: 'feedback', intervalWorkingDays: 2 }]));
    const bad = await app.inject({ method: 'PUT', url: '/escalation-intervals/receipt', headers: admin.headers, payload: { intervalWorkingDays: 0 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'intervalWorkingDays' });
    const unknown = await app.inject({ method: 'PUT', url: '/escalation-intervals/lunch', headers: admin.headers, payload: { intervalWorkingDays: 3 } });
    expect(unknown.json()).toMatchObject({ field: 'step' });
  });

  it('R14: completing the step closes its overdue record', async () => {
    await acts.recordReceipt({ workflowId: 'target-Eesc', targetId: 'Eesc', caseId: 'Cesc', by: '登记注册处', receivedAt: '2026-11-12T02:00:00.000Z' });
    const [row] = await dbh.db.select().from(overdueSteps).where(eq(overdueSteps.caseId, 'Cesc'));
    expect(row.closedAt?.toISOString()).toBe('2026-11-12T02:00:00.000Z');
  });
});
