// R14 over HTTP with the real activities on a database of this suite's own, in the Java
// time-skipping server (the API's clock follows the server's): a step that falls overdue is on the
// overdue board, reminded, told, and counted in the month's statistics.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DbHandle } from '../../db/client';
import { notices, steps } from '../../db/schema';
import { shanghaiDateOf } from '../../domain/dates';
import { agencyWithKey } from '../support/agencies';
import { appOnEngine } from '../support/apps';
import { startTimeSkipping } from '../support/engine';
import { freshDatabase } from '../support/fresh-db';

let env: TestWorkflowEnvironment;
let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
let clock = Date.now();

beforeAll(async () => {
  env = await startTimeSkipping();
  dbh = await freshDatabase(inject('databaseUrl'));
  ({ app, close: closeApp } = await appOnEngine(env, dbh, { targetIdKey: 'oversight', now: () => new Date(clock) }));
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
  await env?.teardown();
});

describe('R14 oversight of the R5 push to implementers', () => {
  it('R5: a case received and never pushed to implementers is overdue, reminded, on the overdue board and counted in /stats', async () => {
    const enforcement = await agencyWithKey(dbh.db, ['ENFORCEMENT']);
    const authority = await agencyWithKey(dbh.db, ['AUTHORITY'], '登记注册处');
    const supervisor = await agencyWithKey(dbh.db, ['SUPERVISOR'], '督查室');
    clock = await env.currentTimeMs();
    const today = shanghaiDateOf(clock);
    const filed = await app.inject({
      method: 'POST', url: '/cases', headers: enforcement.headers,
      payload: {
        source: 'penalty_decision', authority: authority.id, measures: ['DM-R8-PUBLICITY-NAME-CHANGE'],
        document: { number: '杭市管罚〔2026〕R5号', issuedOn: today, issuer: '杭州市市场监督管理局' },
        target: { kind: 'enterprise', creditCode: '91330100799655058B', name: '杭州某某科技有限公司' },
      },
    });
    expect(filed.statusCode, filed.body).toBe(201);
    const { caseId, workflowId } = filed.json();
    const pushStep = filed.json().opened.find((s: { kind: string }) => s.kind === 'implementer_push');
    expect((await app.inject({ method: 'POST', url: `/cases/${caseId}/receipt`, headers: authority.headers })).statusCode).toBe(200);
    // R17: the notice reached the party the same day.
    const delivered = await app.inject({
      method: 'POST', url: `/cases/${caseId}/letters/${caseId}.L1/delivery`, headers: authority.headers,
      payload: { deliveredOn: shanghaiDateOf(clock), way: 'direct' },
    });
    expect(delivered.statusCode, delivered.body).toBe(200);

    await env.sleep('12 days');
    clock = await env.currentTimeMs();
    await env.client.workflow.getHandle(workflowId).query('targetState'); // the worker has caught up
    const [row] = await dbh.db.select().from(steps).where(and(eq(steps.caseId, caseId), eq(steps.kind, 'implementer_push')));
    expect(row).toMatchObject({ agencyId: authority.id, rule: 'R5', doneAt: null });
    expect(row.overdueAt).not.toBeNull();
    expect(row.reminders).toBeGreaterThanOrEqual(2);

    const board = (await app.inject({ method: 'GET', url: '/overdue', headers: supervisor.headers })).json();
    expect(board.items).toEqual([expect.objectContaining({ step: 'implementer_push', stepLabel: '推送实施机构', agencyId: authority.id, caseId, rule: 'R5' })]);
    expect(board.items[0].reminders).toBe(row.reminders);
    const month = pushStep.dueOn.slice(0, 7);
    const stats = (await app.inject({ method: 'GET', url: `/stats?month=${month}`, headers: supervisor.headers })).json();
    expect(stats.byStep.find((r: { step: string }) => r.step === 'implementer_push')).toMatchObject({ rule: 'R5', due: 1, overdue: 1, onTime: 0 });
    expect(stats.steps.find((r: { agencyId: string }) => r.agencyId === authority.id)).toMatchObject({ due: 3, onTime: 2, overdue: 1 });
    const told = await dbh.db.select().from(notices).where(eq(notices.agencyId, authority.id));
    expect(told.filter((n) => n.kind === 'overdue').map((n) => n.subject)).toEqual([expect.stringContaining('推送实施机构已逾期')]);
    expect(told.filter((n) => n.kind === 'escalated').length).toBe(row.reminders);
  });
});
