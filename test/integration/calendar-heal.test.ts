// R16 end to end on the dev server (search-attribute queries need a real server): a deadline
// computed in an unloaded year is provisional; PUT /calendar/years/:year loads the year; the
// target's workflow is found through its search attribute, recomputes, moves its timer, and
// the move is journaled in PostgreSQL.
import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDb, type DbHandle } from '../../db/client';
import { calendarDays, calendarLoads, calendarYears, cases, journal } from '../../db/schema';
import { addDays, weekday } from '../../domain/dates';
import { targetStateQuery } from '../../workflows/messages';
import { agencyWithKey } from '../support/agencies';
import { appOnEngine } from '../support/apps';
import { startDevServer } from '../support/engine';
import { eventually } from '../support/eventually';

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
  dbh = connectDb(inject('databaseUrl'));
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
  it('R16: compute in an unloaded year → load it over HTTP → the workflow recomputes, moves its timer, and the move is journaled', async () => {
    const enforcement = await agencyWithKey(dbh.db, ['ENFORCEMENT']);
    const admin = await agencyWithKey(dbh.db, ['ADMIN'], '省信用办系统管理员');
    const authority = await agencyWithKey(dbh.db, ['AUTHORITY']);
    const posted = await app.inject({
      method: 'POST', url: '/cases', headers: enforcement.headers,
      payload: {
        source: 'penalty_decision',
        document: { number: `杭市管罚〔${YEAR}〕${Date.now()}号`, issuedOn: friday, issuer: '杭州市市场监督管理局' },
        target: { kind: 'enterprise', creditCode: '91330100799655058B', name: '杭州某某科技有限公司' },
        measures: ['DM-R8-PUBLICITY-ADVERSE'], authority: authority.id,
      },
    });
    expect(posted.statusCode).toBe(202);
    const { caseId, workflowId } = posted.json();
    expect(posted.json()).toMatchObject({ pushDueProvisional: true });
    const handle = env.client.workflow.getHandle(workflowId);

    // Counted Monday–Friday: Monday, Tuesday, Wednesday → due Wednesday, provisional.
    await eventually(async () => {
      const state = await handle.query(targetStateQuery);
      expect(state.cases.find((c) => c.caseId === caseId)?.receiptDue).toMatchObject({ due: wednesday, provisional: true, missingYears: [YEAR] });
    });
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
    expect(loaded.json().changes.added).toEqual(expect.arrayContaining([
      { date: saturday, kind: 'makeup_workday', name: '调休上班' },
    ]));

    await eventually(async () => {
      const state = await handle.query(targetStateQuery);
      expect(state.cases.find((c) => c.caseId === caseId)?.receiptDue).toMatchObject({ due: tuesday, dueAt: endOf(tuesday), provisional: false, missingYears: [] });
    });
    const [moved] = await dbh.db.select().from(journal).where(and(eq(journal.caseId, caseId), eq(journal.kind, 'deadline_recomputed')));
    expect(moved.rule).toBe('R16');
    expect(moved.detail).toMatchObject({ step: 'receipt', oldDue: endOf(wednesday), newDue: endOf(tuesday), movedIntoPast: false });
    expect(String(moved.detail.reason)).toContain('省信用办系统管理员');
    const [row] = await dbh.db.select().from(cases).where(eq(cases.id, caseId));
    expect(row.receiptDueAt?.toISOString()).toBe(new Date(endOf(tuesday)).toISOString());
    const [load] = await dbh.db.select().from(calendarLoads).where(eq(calendarLoads.year, YEAR));
    expect(load).toMatchObject({ via: 'api', loadedBy: `${admin.id} (省信用办系统管理员)` });

    // No longer provisional: the search attribute no longer lists the year.
    await eventually(async () => {
      const found = [];
      for await (const wf of env.client.workflow.list({ query: `DisciplineProvisionalYears = '${YEAR}'` })) found.push(wf.workflowId);
      expect(found).not.toContain(workflowId);
    });

    if (process.env.RECORD_HISTORIES) {
      writeFileSync(new URL(`../histories/target-calendar-heal-${process.env.RECORD_HISTORIES}.json`, import.meta.url), historyToJSON(await handle.fetchHistory()));
    }
  });
});
