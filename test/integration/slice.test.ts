// The thin vertical slice on real parts: HTTP → signal-with-start → workflow → activity →
// PostgreSQL → HTTP, against the Temporal CLI dev server and the embedded PostgreSQL.
// With RECORD_HISTORIES=<label> it also writes the workflow's history to test/histories/ for the
// replay test.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDb, type DbHandle } from '../../db/client';
import { caseImplementers, caseMeasures, cases, feedbackReports, journal, objections } from '../../db/schema';
import { shanghaiDateOf } from '../../domain/dates';
import { periodEnd } from '../../domain/periods';
import { appOnEngine } from '../support/apps';
import { startDevServer } from '../support/engine';
import { agencyWithKey } from '../support/agencies';
import { eventually } from '../support/eventually';

let env: TestWorkflowEnvironment;
let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
let enforcement: Awaited<ReturnType<typeof agencyWithKey>>;
let authority: Awaited<ReturnType<typeof agencyWithKey>>;
let supervisor: Awaited<ReturnType<typeof agencyWithKey>>;

beforeAll(async () => {
  env = await startDevServer();
  dbh = connectDb(inject('databaseUrl'));
  ({ app, close: closeApp } = await appOnEngine(env, dbh, { targetIdKey: `slice-${randomUUID()}` }));
  enforcement = await agencyWithKey(dbh.db, ['ENFORCEMENT']);
  authority = await agencyWithKey(dbh.db, ['AUTHORITY']);
  supervisor = await agencyWithKey(dbh.db, ['SUPERVISOR']);
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
  await env?.teardown();
});

const enterprise = { kind: 'enterprise', creditCode: '91330106MA2H3X0A1H', name: '杭州某某贸易有限公司' };

function caseBody(number: string, target: object = enterprise) {
  return {
    source: 'penalty_decision',
    document: { number, issuedOn: '2026-11-02', issuer: '杭州市市场监督管理局' },
    consultation: false,
    target,
    measures: ['DM-R8-PUBLICITY-ADVERSE'],
    authority: authority.id,
  };
}

describe('vertical slice on the dev server and PostgreSQL', () => {
  it('GET /health answers 200 with both parts ok', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', db: 'ok', temporal: 'ok' });
  });

  it('R2/R5: a pushed case reaches PostgreSQL through the workflow, and its receipt closes the step', async () => {
    const number = `杭市管罚〔2026〕${randomUUID().slice(0, 8)}号`;
    const posted = await app.inject({ method: 'POST', url: '/cases', headers: enforcement.headers, payload: caseBody(number) });
    expect(posted.statusCode).toBe(202);
    const created = posted.json();
    expect(created.workflowId).toBe(`target-${created.targetId}`);
    expect(created.targetId).toMatch(/^E[0-9a-f]{24}$/);

    // The row is written by the workflow's activity, not by the API.
    const target = await eventually(async () => {
      const res = await app.inject({ method: 'GET', url: `/targets/${created.targetId}`, headers: supervisor.headers });
      const body = res.json();
      expect(body.cases.map((c: { id: string }) => c.id)).toContain(created.caseId);
      return body;
    });
    const viaWorkflow = target.workflow.cases.find((c: { caseId: string }) => c.caseId === created.caseId);
    expect(viaWorkflow).toMatchObject({ status: 'pushed', documentNumber: number, receiptOverdue: false });
    expect(viaWorkflow.receiptDue.dueAt).toMatch(/T00:00:00\+08:00$/);

    const [row] = await dbh.db.select().from(cases).where(eq(cases.id, created.caseId));
    expect(row).toMatchObject({ documentNumber: number, status: 'pushed', issuedOn: '2026-11-02', authorityId: authority.id });
    expect(row.measures).toEqual([{ code: 'DM-R8-PUBLICITY-ADVERSE', version: 1 }]);
    expect(row.receiptDueAt?.getTime()).toBe(viaWorkflow.receiptDue.dueAtMs);

    // The same issuer and document number again: the same case, 200 not a second one.
    const again = await app.inject({ method: 'POST', url: '/cases', headers: enforcement.headers, payload: caseBody(number) });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(created);

    const receipt = await app.inject({
      method: 'POST', url: `/cases/${created.caseId}/receipt`, headers: authority.headers, payload: { by: '杭州市市场监管局信用监管处' },
    });
    expect(receipt.statusCode).toBe(202);
    // An Update answers once handled: the row is there now, and the workflow refuses a second receipt, saying why.
    const [after] = await dbh.db.select().from(cases).where(eq(cases.id, created.caseId));
    expect(after.status).toBe('received');
    const twice = await app.inject({
      method: 'POST', url: `/cases/${created.caseId}/receipt`, headers: authority.headers, payload: { by: '杭州市市场监管局信用监管处' },
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ field: 'caseId', message: 'caseId: the case has already been received' });
    const lines = await dbh.db.select().from(journal).where(eq(journal.caseId, created.caseId));
    expect(lines.map((l) => `${l.kind}/${l.rule}`).sort()).toEqual(['case_pushed/R2', 'case_received/R5']);

    const handle = env.client.workflow.getHandle(created.workflowId);
    if (process.env.RECORD_HISTORIES) {
      const history = await handle.fetchHistory();
      writeFileSync(new URL(`../histories/target-slice-${process.env.RECORD_HISTORIES}.json`, import.meta.url), historyToJSON(history));
    }
  });

  it('R5: the AUTHORITY pushes the case to implementers, who alone of the implementers see it and acknowledge it', async () => {
    const approval = await agencyWithKey(dbh.db, ['IMPLEMENTER'], '行政审批服务中心');
    const association = await agencyWithKey(dbh.db, ['IMPLEMENTER'], '食品行业协会');
    const bystander = await agencyWithKey(dbh.db, ['IMPLEMENTER'], '另一实施机构');
    const posted = await app.inject({
      method: 'POST', url: '/cases', headers: enforcement.headers,
      payload: {
        ...caseBody(`杭市管罚〔2026〕${randomUUID().slice(0, 8)}号`),
        measures: ['DM-R6-MARKET-INDUSTRY-BAN', 'DM-R8-ASSOC-CRITICISM', 'DM-R7-TAX-PREFERENCE'],
        periods: { 'DM-R6-MARKET-INDUSTRY-BAN': { years: 1 } }, // by_decision: the decision sets it
      },
    });
    const { caseId, targetId } = posted.json();
    await eventually(async () => expect((await dbh.db.select().from(cases).where(eq(cases.id, caseId)))).toHaveLength(1));

    const push = (implementers: object[]) => app.inject({
      method: 'POST', url: `/cases/${caseId}/implementers`, headers: authority.headers, payload: { implementers },
    });
    const outside = await push([{ agencyId: approval.id, measures: ['DM-R7-TAX-PREFERENCE'] }]);
    expect(outside.statusCode).toBe(400);
    expect(outside.json()).toMatchObject({ field: 'implementers.0.measures.0', message: expect.stringMatching(/outside the local system \(R4\)/) });
    const notAnImplementer = await push([{ agencyId: supervisor.id, measures: ['DM-R6-MARKET-INDUSTRY-BAN'] }]);
    expect(notAnImplementer.json()).toMatchObject({ field: 'implementers.0.agencyId' });
    const pushed = await push([
      { agencyId: approval.id, measures: ['DM-R6-MARKET-INDUSTRY-BAN'] },
      { agencyId: association.id, measures: ['DM-R8-ASSOC-CRITICISM'] },
    ]);
    expect(pushed.statusCode).toBe(202);
    await eventually(async () => {
      const [row] = await dbh.db.select().from(cases).where(eq(cases.id, caseId));
      expect(row.status).toBe('implementing');
    });

    const look = (who: { headers: Record<string, string> }) => app.inject({ method: 'GET', url: `/targets/${targetId}`, headers: who.headers });
    expect((await look(approval)).statusCode).toBe(200);
    expect((await look(bystander)).statusCode).toBe(403);
    const acknowledge = (who: { headers: Record<string, string> }) => app.inject({ method: 'POST', url: `/cases/${caseId}/acknowledgement`, headers: who.headers });
    expect((await acknowledge(bystander)).statusCode).toBe(403);
    expect((await acknowledge(approval)).statusCode).toBe(202);
    await eventually(async () => {
      const body = (await look(approval)).json();
      const mine = body.cases.find((c: { id: string }) => c.id === caseId).implementers;
      expect(mine.map((i: { agencyId: string; acknowledgedAt: string | null }) => [i.agencyId, Boolean(i.acknowledgedAt)]).sort())
        .toEqual([[approval.id, true], [association.id, false]].sort());
    });
    // R6: the acknowledged measure is in force from today, for the year the decision set.
    const active = await eventually(async () => {
      const rows = await dbh.db.select().from(caseMeasures).where(eq(caseMeasures.caseId, caseId));
      expect(rows).toHaveLength(1);
      return rows[0];
    });
    const today = shanghaiDateOf(new Date());
    expect(active).toMatchObject({ code: 'DM-R6-MARKET-INDUSTRY-BAN', version: 1, implementerId: approval.id, status: 'active', activeFrom: today });
    expect(active.periodEnd).toBe(periodEnd(today, { years: 1 }));
    const lines = await dbh.db.select().from(journal).where(eq(journal.caseId, caseId));
    expect(lines.map((l) => `${l.kind}/${l.rule}`).sort()).toEqual([
      'acknowledged/R5', 'case_pushed/R2', 'case_received/R5', 'measure_active/R6', 'pushed_to_implementers/R5',
      'reported_upward/R4', // DM-R7-TAX-PREFERENCE is executed outside the local system
    ]);
    const state = (await look(approval)).json().workflow;
    expect(state.feedback).toMatchObject({ month: today.slice(0, 7) }); // R9: reports awaited from this month
    // R9: the implementer reports on this month's implementation; a bystander cannot.
    const month = today.slice(0, 7);
    const report = (who: { headers: Record<string, string> }, m = month) => app.inject({
      method: 'POST', url: '/feedback', headers: who.headers, payload: { targetId, month: m, summary: '本月已对该企业实施市场和行业禁入' },
    });
    expect((await report(bystander)).statusCode).toBe(403);
    const future = await report(approval, '2099-01');
    expect(future.statusCode).toBe(400);
    expect(future.json()).toMatchObject({ field: 'month' });
    expect((await report(approval)).statusCode).toBe(202);
    await eventually(async () => {
      const rows = await dbh.db.select().from(feedbackReports).where(eq(feedbackReports.targetId, targetId));
      expect(rows).toEqual([expect.objectContaining({ implementerId: approval.id, month })]);
    });
    const inbox = await app.inject({ method: 'GET', url: '/inbox', headers: association.headers });
    expect(inbox.json().items).toEqual([expect.objectContaining({ kind: 'pushed_to_implementer', rule: 'R5', detail: expect.objectContaining({ caseId }) })]);
  });

  it('R11 over HTTP: an objection suspends, a rejection resumes, an upheld one is followed by the AUTHORITY\'s release', async () => {
    const credit = await agencyWithKey(dbh.db, ['CREDIT']);
    const implementer = await agencyWithKey(dbh.db, ['IMPLEMENTER'], '行政审批服务中心');
    const posted = await app.inject({
      method: 'POST', url: '/cases', headers: enforcement.headers,
      payload: { ...caseBody(`杭市管罚〔2026〕${randomUUID().slice(0, 8)}号`), measures: ['DM-R6-MARKET-INDUSTRY-BAN'], periods: { 'DM-R6-MARKET-INDUSTRY-BAN': { years: 1 } } },
    });
    const { caseId } = posted.json();
    await eventually(async () => expect(await dbh.db.select().from(cases).where(eq(cases.id, caseId))).toHaveLength(1));
    await app.inject({ method: 'POST', url: `/cases/${caseId}/implementers`, headers: authority.headers, payload: { implementers: [{ agencyId: implementer.id, measures: ['DM-R6-MARKET-INDUSTRY-BAN'] }] } });
    await eventually(async () => expect((await dbh.db.select().from(caseImplementers).where(eq(caseImplementers.caseId, caseId)))).toHaveLength(1));
    await app.inject({ method: 'POST', url: `/cases/${caseId}/acknowledgement`, headers: implementer.headers });
    const measure = async () => (await dbh.db.select().from(caseMeasures).where(eq(caseMeasures.caseId, caseId)))[0];
    const firstEnd = (await eventually(async () => {
      const m = await measure();
      expect(m?.status).toBe('active');
      return m;
    })).periodEnd;

    const object = () => app.inject({ method: 'POST', url: `/cases/${caseId}/objections`, headers: credit.headers, payload: { reason: '当事人申请行政复议' } });
    const filed = await object();
    expect(filed.statusCode).toBe(202);
    const { objectionId } = filed.json();
    await eventually(async () => expect((await measure()).status).toBe('suspended'));
    await eventually(async () => expect(await dbh.db.select().from(objections).where(eq(objections.id, objectionId))).toHaveLength(1));
    expect((await object()).statusCode).toBe(409);
    const decide = (id: string, outcome: string) => app.inject({
      method: 'POST', url: `/cases/${caseId}/objections/${id}/decision`, headers: credit.headers, payload: { outcome, reason: '复议决定' },
    });
    expect((await decide(objectionId, 'rejected')).statusCode).toBe(202);
    await eventually(async () => expect(await measure()).toMatchObject({ status: 'active', periodEnd: firstEnd })); // rejected the same day: 0 days added
    await eventually(async () => expect((await dbh.db.select().from(objections).where(eq(objections.id, objectionId)))[0].outcome).toBe('rejected'));
    expect((await decide(objectionId, 'upheld')).statusCode).toBe(409);

    const second = (await object()).json().objectionId;
    await eventually(async () => expect(await dbh.db.select().from(objections).where(eq(objections.id, second))).toHaveLength(1));
    expect((await decide(second, 'upheld')).statusCode).toBe(202);
    await eventually(async () => expect((await dbh.db.select().from(objections).where(eq(objections.id, second)))[0].outcome).toBe('upheld'));
    const release = () => app.inject({ method: 'POST', url: `/cases/${caseId}/release`, headers: authority.headers, payload: { reason: 'objection' } });
    expect((await release()).statusCode).toBe(202);
    await eventually(async () => expect(await measure()).toMatchObject({ status: 'released', releaseReason: 'objection' }));
    await eventually(async () => expect((await release()).statusCode).toBe(409));
    const kinds = (await dbh.db.select().from(journal).where(eq(journal.caseId, caseId))).map((l) => `${l.kind}/${l.rule}`);
    expect(kinds).toEqual(expect.arrayContaining(['objection_filed/R11', 'objection_decided/R11', 'measure_released/R11', 'publicity_stopped/R11']));
    const told = await app.inject({ method: 'GET', url: '/inbox', headers: implementer.headers });
    expect(told.json().items.map((n: { kind: string }) => n.kind)).toEqual(expect.arrayContaining(['measures_suspended', 'measure_released']));
  });

  it("a person's identity number is verified, never in the ids, and masked when read back", async () => {
    const idNumber = '11010519491231002X';
    const person = { kind: 'person', idNumber, name: '张三' };
    const posted = await app.inject({ method: 'POST', url: '/cases', headers: enforcement.headers, payload: caseBody(`P-${randomUUID()}`, person) });
    expect(posted.statusCode).toBe(202);
    const { targetId, workflowId } = posted.json();
    expect(`${targetId} ${workflowId}`).not.toContain(idNumber);
    const got = await app.inject({ method: 'GET', url: `/targets/${targetId}`, headers: supervisor.headers });
    expect(got.json().idNumber).toBe('110105********002X');
    expect(got.body).not.toContain(idNumber);

    const bad = await app.inject({
      method: 'POST', url: '/cases', headers: enforcement.headers, payload: caseBody('P-bad', { ...person, idNumber: '110105194912310021' }),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'target.idNumber' });
  });
});
