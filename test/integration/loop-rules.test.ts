// R2 late pushes, R4 measures executed outside the local system, and R12's limits on repair,
// over HTTP on the dev server and PostgreSQL.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readCalendar } from '../../db/calendar-store';
import { connectDb, type DbHandle } from '../../db/client';
import { addDays, shanghaiDateOf } from '../../domain/dates';
import { addWorkingDays } from '../../domain/working-days';
import { caseMeasures, cases, journal, notices, repairs, steps } from '../../db/schema';
import { agencyWithKey } from '../support/agencies';
import { appOnEngine } from '../support/apps';
import { startDevServer } from '../support/engine';
import { targetStateQuery } from '../../workflows/messages';

let env: TestWorkflowEnvironment;
let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
type Agency = Awaited<ReturnType<typeof agencyWithKey>>;
let enforcement: Agency;
let authority: Agency;
let credit: Agency;
let implementer: Agency;

beforeAll(async () => {
  env = await startDevServer();
  dbh = connectDb(inject('appDatabaseUrl'));
  ({ app, close: closeApp } = await appOnEngine(env, dbh, { targetIdKey: `rules-${randomUUID()}` }));
  enforcement = await agencyWithKey(dbh.db, ['ENFORCEMENT']);
  authority = await agencyWithKey(dbh.db, ['AUTHORITY']);
  credit = await agencyWithKey(dbh.db, ['CREDIT']);
  implementer = await agencyWithKey(dbh.db, ['IMPLEMENTER']);
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
  await env?.teardown();
});

const push = (payload: object) => app.inject({
  method: 'POST', url: '/cases', headers: enforcement.headers,
  payload: {
    source: 'penalty_decision', consultation: false, authority: authority.id,
    document: { number: `杭市管罚〔2026〕${randomUUID().slice(0, 8)}号`, issuedOn: shanghaiDateOf(new Date()), issuer: '杭州市市场监督管理局' },
    target: { kind: 'enterprise', creditCode: '91330106MA2H3X0A1H', name: '杭州某某贸易有限公司' },
    measures: ['DM-R8-PUBLICITY-ADVERSE'],
    periods: { 'DM-R8-PUBLICITY-ADVERSE': { years: 1 } },
    ...payload,
  },
});

/** The case row, written by the workflow's activity before intake answered. */
async function caseRow(caseId: string) {
  const [c] = await dbh.db.select().from(cases).where(eq(cases.id, caseId));
  expect(c).toBeDefined();
  return c;
}

describe('the loop rules over HTTP', () => {
  it('R2: a push after 3 working days is accepted, recorded as late and escalated; the same document again answers the same', async () => {
    // A decision of 30 days ago: its 3 working days are long past, whatever holidays fell in them.
    const today = shanghaiDateOf(new Date());
    const issuedOn = addDays(today, -30);
    const pushDueOn = addWorkingDays(await readCalendar(dbh.db), issuedOn, 3).due;
    const document = { number: `late-${randomUUID()}`, issuedOn, issuer: '杭州市市场监督管理局' };
    const late = await push({ document });
    expect(late.statusCode).toBe(201);
    expect(late.json()).toMatchObject({ pushDueOn, late: true });
    const c = await caseRow(late.json().caseId);
    expect(c).toMatchObject({ late: true, pushDueOn });
    const again = await push({ document });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(late.json());
    const [overdue] = await dbh.db.select().from(steps).where(and(eq(steps.caseId, c.id), eq(steps.kind, 'push')));
    expect(overdue).toMatchObject({ rule: 'R2', agencyId: enforcement.id, doneBy: enforcement.id });
    expect(overdue.overdueAt).not.toBeNull();
    const told = await dbh.db.select().from(notices).where(and(eq(notices.agencyId, enforcement.id), eq(notices.kind, 'overdue')));
    expect(told.some((n) => (n.detail as { caseId?: string }).caseId === c.id)).toBe(true);
    // Yesterday's decision with consultation (会商): 15 working days, not late.
    const consultation = await push({ consultation: true, document: { number: `consult-${randomUUID()}`, issuedOn: addDays(today, -1), issuer: '杭州市市场监督管理局' } });
    expect(consultation.json()).toMatchObject({ late: false, pushDueOn: addWorkingDays(await readCalendar(dbh.db), addDays(today, -1), 15).due });
  });

  it('a second cause against a target joins its running workflow', async () => {
    const creditCode = '91440300708461136T';
    const one = (await push({ target: { kind: 'enterprise', creditCode, name: '深圳某某公司' } })).json();
    const two = (await push({ target: { kind: 'enterprise', creditCode, name: '深圳某某公司' }, document: { number: `second-${randomUUID()}`, issuedOn: shanghaiDateOf(new Date()), issuer: '深圳市市场监督管理局' } })).json();
    expect(two.targetId).toBe(one.targetId);
    expect(two.workflowId).toBe(one.workflowId);
    expect(two.caseId).not.toBe(one.caseId);
    const state = await env.client.workflow.getHandle(one.workflowId).query(targetStateQuery);
    expect(state.cases.map((c) => c.caseId).sort()).toEqual([one.caseId, two.caseId].sort());
  });

  it('R4: a measure executed outside the local system is recorded with its upward route and reported to the AUTHORITY', async () => {
    const res = await push({ measures: ['DM-R8-PUBLICITY-ADVERSE', 'DM-R7-TAX-PREFERENCE'], periods: { 'DM-R8-PUBLICITY-ADVERSE': { years: 1 }, 'DM-R7-TAX-PREFERENCE': { years: 1 } } });
    const { caseId } = res.json();
    const [line] = await dbh.db.select().from(journal).where(and(eq(journal.caseId, caseId), eq(journal.kind, 'reported_upward')));
    expect(line).toMatchObject({ rule: 'R4', detail: expect.objectContaining({ measures: ['DM-R7-TAX-PREFERENCE'] }) });
    const inbox = (await app.inject({ method: 'GET', url: '/inbox', headers: authority.headers })).json().items;
    expect(inbox.some((n: { kind: string; detail: { caseId: string } }) => n.kind === 'report_upward' && n.detail.caseId === caseId)).toBe(true);
  });

  it('R13: measures on persons fall on the persons listed, each in a case of its own; identity numbers masked', async () => {
    const withoutPersons = await push({ measures: ['DM-R6-OFFICE-LEGALREP-3Y'] });
    expect(withoutPersons.statusCode).toBe(400);
    expect(withoutPersons.json()).toMatchObject({ field: 'measures.0', message: expect.stringMatching(/R13/) });
    const idNumber = '11010519491231002X';
    const res = await push({
      measures: ['DM-R8-PUBLICITY-ADVERSE', 'DM-R6-OFFICE-LEGALREP-3Y'],
      persons: [{ role: 'legal_representative', idNumber, name: '张三' }],
    });
    expect(res.statusCode).toBe(201);
    const { caseId, targetId } = res.json();
    const c = await caseRow(caseId);
    expect(c.measures.map((m) => m.code)).toEqual(['DM-R8-PUBLICITY-ADVERSE']);
    // The measure on persons is the person's: a case derived from the enterprise's (test/workflows/persons-http.timeskipping.test.ts).
    const [derived] = await dbh.db.select().from(cases).where(eq(cases.derivedFrom, caseId));
    expect(derived.measures.map((m) => m.code)).toEqual(['DM-R6-OFFICE-LEGALREP-3Y']);
    const supervisor = await agencyWithKey(dbh.db, ['SUPERVISOR']);
    const page = await app.inject({ method: 'GET', url: `/targets/${targetId}`, headers: supervisor.headers });
    const mine = page.json().cases.find((x: { id: string }) => x.id === caseId);
    expect(mine.persons).toEqual([expect.objectContaining({ role: 'legal_representative', name: '张三', idNumber: '110105********002X' })]);
    expect(mine.persons[0].personTargetId).toMatch(/^P[0-9a-f]{24}$/);
    expect(mine.persons[0].personCaseId).toBe(derived.id);
    expect(derived.targetId).toBe(mine.persons[0].personTargetId);
    expect(page.body).not.toContain(idNumber);
  });

  it('R12: an especially serious case is never repaired, a serious one not within a year of publication', async () => {
    const worst = (await push({ seriousness: 'especially_serious' })).json().caseId;
    const serious = (await push({ seriousness: 'serious', document: { number: `s-${randomUUID()}`, issuedOn: shanghaiDateOf(new Date()), issuer: 'x' } })).json().caseId;
    await caseRow(worst);
    await caseRow(serious);
    const apply = (caseId: string) => app.inject({ method: 'POST', url: `/cases/${caseId}/repairs`, headers: enforcement.headers, payload: {} });
    const never = await apply(worst);
    expect(never.statusCode).toBe(409);
    expect(never.json().message).toMatch(/never|especially serious/);
    const notYet = await apply(serious);
    expect(notYet.statusCode).toBe(409);
    expect(notYet.json().message).toMatch(/can be repaired from \d{4}-\d{2}-\d{2}/);
  });

  it('R12: a general case repaired: publicity stops and the measure is released for repair; the decision cannot be taken twice', async () => {
    const { caseId } = (await push({ measures: ['DM-R6-MARKET-INDUSTRY-BAN'], periods: { 'DM-R6-MARKET-INDUSTRY-BAN': { years: 1 } } })).json();
    await app.inject({ method: 'POST', url: `/cases/${caseId}/implementers`, headers: authority.headers, payload: { implementers: [{ agencyId: implementer.id, measures: ['DM-R6-MARKET-INDUSTRY-BAN'] }] } });
    await app.inject({ method: 'POST', url: `/cases/${caseId}/acknowledgement`, headers: implementer.headers });
    expect((await dbh.db.select().from(caseMeasures).where(eq(caseMeasures.caseId, caseId)))[0]?.status).toBe('active');
    // 向作出行政处罚决定的主管部门提出: filed with and decided by the agency that filed the case.
    expect((await app.inject({ method: 'POST', url: `/cases/${caseId}/repairs`, headers: credit.headers, payload: {} })).statusCode).toBe(403);
    const applied = await app.inject({ method: 'POST', url: `/cases/${caseId}/repairs`, headers: enforcement.headers, payload: {} });
    expect(applied.statusCode).toBe(201);
    const { repairId } = applied.json().detail;
    expect(await dbh.db.select().from(repairs).where(eq(repairs.id, repairId))).toHaveLength(1);
    const decide = () => app.inject({ method: 'POST', url: `/cases/${caseId}/repairs/${repairId}/decision`, headers: enforcement.headers, payload: { outcome: 'approved', reason: '已完成整改' } });
    expect((await decide()).statusCode).toBe(200);
    expect((await dbh.db.select().from(caseMeasures).where(eq(caseMeasures.caseId, caseId)))[0]).toMatchObject({ status: 'released', releaseReason: 'repair' });
    expect((await decide()).statusCode).toBe(409);
    const kinds = (await dbh.db.select().from(journal).where(eq(journal.caseId, caseId))).map((l) => `${l.kind}/${l.rule}`);
    expect(kinds).toEqual(expect.arrayContaining(['repair_filed/R12', 'repair_decided/R12', 'publicity_stopped/R12', 'measure_released/R12']));
  });
});
