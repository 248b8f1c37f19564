// R16 end to end on the dev server (search-attribute queries need a real server): deadlines
// computed in an unloaded year are provisional; PUT /calendar/years/:year loads the year; the
// target's workflow is found through its search attribute, recomputes every kind of step, moves
// its timer, and every move is written back to PostgreSQL and journaled.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { and, eq, isNull } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDb, type DbHandle } from '../../db/client';
import { calendarDays, calendarLoads, calendarYears, journal, steps } from '../../db/schema';
import { addDays, weekday } from '../../domain/dates';
import { targetStateQuery } from '../../workflows/messages';
import { agencyWithKey } from '../support/agencies';
import { appOnEngine } from '../support/apps';
import { startDevServer } from '../support/engine';
import { eventually } from '../support/eventually';
import { recordHistory } from '../support/histories';

// A year no other suite uses, never shipped in db/calendar/.
const YEAR = 2035;
let friday = `${YEAR}-03-01`;
while (weekday(friday) !== 5) friday = addDays(friday, 1);
const saturday = addDays(friday, 1);
const tuesday = addDays(friday, 4);
const wednesday = addDays(friday, 5);
const endOf = (date: string) => `${addDays(date, 1)}T00:00:00+08:00`;

let env: TestWorkflowEnvironment;
let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;

beforeAll(async () => {
  env = await startDevServer();
  dbh = connectDb(inject('appDatabaseUrl'));
  await dbh.db.delete(calendarDays).where(eq(calendarDays.year, YEAR));
  await dbh.db.delete(calendarYears).where(eq(calendarYears.year, YEAR));
  // The API's clock stands on that Friday, 10:00 in Shanghai: the push happens in YEAR.
  ({ app, close: closeApp } = await appOnEngine(env, dbh, {
    targetIdKey: `heal-${Date.now()}`, now: () => new Date(`${friday}T10:00:00+08:00`),
  }));
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
  await env?.teardown();
});

describe('R16 provisional deadlines on the dev server', () => {
  it('R16: compute in an unloaded year → load it over HTTP → the workflow recomputes every kind of step, and each move is written back and journaled', async () => {
    const enforcement = await agencyWithKey(dbh.db, ['ENFORCEMENT']);
    const admin = await agencyWithKey(dbh.db, ['ADMIN'], '省信用办系统管理员');
    const authority = await agencyWithKey(dbh.db, ['AUTHORITY']);
    const implementer = await agencyWithKey(dbh.db, ['IMPLEMENTER']);
    const slow = await agencyWithKey(dbh.db, ['IMPLEMENTER']);
    const post = (url: string, who: { headers: Record<string, string> }, payload?: object) => app.inject({ method: 'POST', url, headers: who.headers, payload });
    const file = (n: string) => post('/cases', enforcement, {
      source: 'penalty_decision',
      document: { number: `杭市管罚〔${YEAR}〕${Date.now()}${n}号`, issuedOn: friday, issuer: '杭州市市场监督管理局' },
      target: { kind: 'enterprise', creditCode: '91330100799655058B', name: '杭州某某科技有限公司' },
      measures: ['DM-R6-MARKET-INDUSTRY-BAN'], periods: { 'DM-R6-MARKET-INDUSTRY-BAN': { years: 1 } }, authority: authority.id,
    });
    // Case A: its receipt and push to implementers are owed. Case B: its implementer's report on
    // the month and an objection's verification are owed. Case C: an acknowledgement is owed.
    const a = await file('A');
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json()).toMatchObject({ pushDueProvisional: true });
    expect(a.json().opened[0]).toMatchObject({ kind: 'receipt', dueOn: wednesday, provisional: true });
    const { workflowId, targetId } = a.json();
    const b = (await file('B')).json().caseId;
    expect((await post(`/cases/${b}/implementers`, authority, { implementers: [{ agencyId: implementer.id, measures: ['DM-R6-MARKET-INDUSTRY-BAN'] }] })).statusCode).toBe(200);
    expect((await post(`/cases/${b}/acknowledgement`, implementer)).statusCode).toBe(200);
    expect((await post(`/cases/${b}/objections`, enforcement, { reason: '异议' })).statusCode).toBe(201);
    const c = (await file('C')).json().caseId;
    expect((await post(`/cases/${c}/implementers`, authority, { implementers: [{ agencyId: slow.id, measures: ['DM-R6-MARKET-INDUSTRY-BAN'] }] })).statusCode).toBe(200);
    const handle = env.client.workflow.getHandle(workflowId);
    const provisional = (await handle.query(targetStateQuery)).steps.filter((s) => s.due.provisional).map((s) => s.kind).sort();
    expect(provisional).toEqual(['acknowledgement', 'feedback', 'implementer_push', 'objection_verification', 'receipt']);
    await eventually(async () => {
      const found = [];
      for await (const wf of env.client.workflow.list({ query: `DisciplineProvisionalYears = '${YEAR}'` })) found.push(wf.workflowId);
      expect(found).toContain(workflowId);
    });

    // The schedule of YEAR makes that Saturday a make-up working day: Saturday, Monday, Tuesday.
    const loaded = await app.inject({
      method: 'PUT', url: `/calendar/years/${YEAR}`, headers: admin.headers,
      payload: {
        notice: { title: `国务院办公厅关于${YEAR}年部分节假日安排的通知` },
        holidays: [{ date: `${YEAR}-01-01`, name: '元旦' }],
        makeupWorkdays: [{ date: saturday, name: '调休上班' }],
      },
    });
    expect(loaded.statusCode).toBe(200);
    expect(loaded.json()).toMatchObject({ year: YEAR, created: true });
    expect(loaded.json().targetsNotified).toBeGreaterThanOrEqual(1);
    expect(loaded.json().changes.added).toEqual(expect.arrayContaining([{ date: saturday, kind: 'makeup_workday', name: '调休上班' }]));

    const state = await eventually(async () => {
      const st = await handle.query(targetStateQuery);
      expect(st.steps.filter((s) => s.due.provisional)).toEqual([]);
      return st;
    });
    expect(state.steps.find((s) => s.kind === 'receipt')!.due).toMatchObject({ due: tuesday, dueAt: endOf(tuesday), missingYears: [] });
    // Every step row in PostgreSQL says what the workflow says: moved, and no longer provisional.
    const rows = await dbh.db.select().from(steps).where(and(eq(steps.targetId, targetId), isNull(steps.doneAt)));
    expect(rows.map((r) => r.kind).sort()).toEqual(provisional);
    for (const r of rows) {
      const held = state.steps.find((s) => `${targetId}/${s.key}` === r.id)!;
      expect([r.kind, r.dueAt.toISOString(), r.provisional]).toEqual([r.kind, new Date(held.due.dueAtMs).toISOString(), false]);
    }
    const moves = await dbh.db.select().from(journal).where(and(eq(journal.targetId, targetId), eq(journal.kind, 'deadline_recomputed')));
    expect(moves.map((m) => m.detail.kind).sort()).toEqual(provisional);
    const receipt = moves.find((m) => m.detail.kind === 'receipt')!;
    expect(receipt.detail).toMatchObject({ oldDue: endOf(wednesday), newDue: endOf(tuesday), movedIntoPast: false });
    expect(String(receipt.detail.reason)).toContain('省信用办系统管理员');
    const [load] = await dbh.db.select().from(calendarLoads).where(eq(calendarLoads.year, YEAR));
    expect(load).toMatchObject({ via: 'api', loadedBy: `${admin.id} (省信用办系统管理员)` });

    // No longer provisional: the search attribute no longer lists the year.
    await eventually(async () => {
      const found = [];
      for await (const wf of env.client.workflow.list({ query: `DisciplineProvisionalYears = '${YEAR}'` })) found.push(wf.workflowId);
      expect(found).not.toContain(workflowId);
    });
    await recordHistory(handle, 'target-calendar-heal');
  });
});
