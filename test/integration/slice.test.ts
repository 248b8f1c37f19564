// The thin vertical slice on real parts: HTTP → update-with-start → workflow → activity →
// PostgreSQL → HTTP, against the Temporal CLI dev server and the embedded PostgreSQL.
// With RECORD_HISTORIES=<label> it also writes the workflow's history to test/histories/ for the
// replay test.
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDb, type DbHandle } from '../../db/client';
import { caseMeasures, cases, feedbackReports, journal, objections, steps } from '../../db/schema';
import { shanghaiDateOf } from '../../domain/dates';
import { periodEnd } from '../../domain/periods';
import { appOnEngine } from '../support/apps';
import { startDevServer } from '../support/engine';
import { agencyWithKey } from '../support/agencies';
import { recordHistory } from '../support/histories';

let env: TestWorkflowEnvironment;
let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
let enforcement: Awaited<ReturnType<typeof agencyWithKey>>;
let authority: Awaited<ReturnType<typeof agencyWithKey>>;
let supervisor: Awaited<ReturnType<typeof agencyWithKey>>;

beforeAll(async () => {
  env = await startDevServer();
  dbh = connectDb(inject('appDatabaseUrl'));
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
    periods: { 'DM-R8-PUBLICITY-ADVERSE': { years: 3 } },
    authority: authority.id,
  };
}

describe('vertical slice on the dev server and PostgreSQL', () => {
  it('GET /health answers 200 with both parts ok', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', db: 'ok', temporal: 'ok' });
  });

  it('R2/R5: a filed case reaches PostgreSQL through the workflow, which answers with the steps it opened; the receipt closes its step', async () => {
    const number = `杭市管罚〔2026〕${randomUUID().slice(0, 8)}号`;
    const posted = await app.inject({ method: 'POST', url: '/cases', headers: enforcement.headers, payload: caseBody(number) });
    expect(posted.statusCode, posted.body).toBe(201);
    const created = posted.json();
    expect(created.workflowId).toBe(`target-${created.targetId}`);
    expect(created.targetId).toMatch(/^E[0-9a-f]{24}$/);
    expect(created.opened.map((s: { kind: string; agencyId: string }) => [s.kind, s.agencyId])).toEqual([['receipt', authority.id], ['implementer_push', authority.id], ['letter_delivery', authority.id]]);
    expect(created.opened[0]).toMatchObject({ label: '接收', rule: 'R5', dueAt: expect.stringMatching(/T00:00:00\+08:00$/) });

    // The rows were written by the workflow's activity, before the answer.
    const [row] = await dbh.db.select().from(cases).where(eq(cases.id, created.caseId));
    expect(row).toMatchObject({ documentNumber: number, status: 'pushed', issuedOn: '2026-11-02', authorityId: authority.id, pushedBy: enforcement.id });
    expect(row.measures).toEqual([expect.objectContaining({ code: 'DM-R8-PUBLICITY-ADVERSE', version: 1, period: { years: 3 }, category: 'R8' })]);
    const open = await dbh.db.select().from(steps).where(eq(steps.caseId, created.caseId));
    expect(open.map((s) => [s.kind, s.rule, s.agencyId, s.doneAt === null]).sort()).toEqual([
      ['implementer_push', 'R5', authority.id, true], ['letter_delivery', 'R17', authority.id, true], ['push', 'R2', enforcement.id, false], ['receipt', 'R5', authority.id, true],
    ]);
    expect(open.find((s) => s.kind === 'receipt')!.dueAt.toISOString()).toBe(new Date(created.opened[0].dueAt).toISOString());

    // The same agency and document number again: the same case and answer, 200 not a second one.
    const again = await app.inject({ method: 'POST', url: '/cases', headers: enforcement.headers, payload: caseBody(number) });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(created);

    const receipt = await app.inject({ method: 'POST', url: `/cases/${created.caseId}/receipt`, headers: authority.headers });
    expect(receipt.statusCode).toBe(200);
    expect(receipt.json()).toMatchObject({ action: 'receiveCase', caseId: created.caseId, closed: [`receipt/${created.caseId}`] });
    // An Update answers once handled: the row is there now, and the workflow refuses a second receipt, saying why.
    const [after] = await dbh.db.select().from(cases).where(eq(cases.id, created.caseId));
    expect(after.status).toBe('received');
    const twice = await app.inject({ method: 'POST', url: `/cases/${created.caseId}/receipt`, headers: authority.headers });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ field: 'caseId', message: 'caseId: the case has already been received' });
    const lines = await dbh.db.select().from(journal).where(eq(journal.caseId, created.caseId));
    expect(lines.map((l) => `${l.kind}/${l.rule}/${l.agencyId}`).sort()).toEqual([`case_pushed/R2/${enforcement.id}`, `case_received/R5/${authority.id}`, `letter_issued/R17/${enforcement.id}`]);
    await recordHistory(env.client.workflow.getHandle(created.workflowId), 'target-slice');
  });

  it('R5: the Temporal UI reads the target by its summary (name, masked code) and each timer by the step it waits for', async () => {
    const posted = await app.inject({ method: 'POST', url: '/cases', headers: enforcement.headers, payload: caseBody(`杭市管罚〔2026〕${randomUUID().slice(0, 8)}号`) });
    expect(posted.statusCode, posted.body).toBe(201);
    const { workflowId } = posted.json();
    const handle = env.client.workflow.getHandle(workflowId);
    expect(await (await handle.describe()).staticSummary()).toBe('杭州某某贸易有限公司 91330106********1H');
    const { events } = await handle.fetchHistory();
    const decode = (p?: { data?: Uint8Array | null } | null) => (p?.data ? JSON.parse(Buffer.from(p.data).toString()) : undefined);
    const timers = (events ?? []).filter((e) => e.timerStartedEventAttributes).map((e) => decode(e.userMetadata?.summary));
    // Each timer waited for the target's earliest step then: the first case's receipt, then its push.
    expect(timers.length).toBeGreaterThan(0);
    for (const t of timers) expect(t).toMatch(/^R5 (接收|推送实施机构) 期限 · C[0-9a-f]{24}$/);
    expect(timers.some((t) => t.startsWith('R5 接收 期限'))).toBe(true);
  });

  it('R5: the AUTHORITY pushes the case to implementers, who alone of the implementers see it and acknowledge it', async () => {
    const approval = await agencyWithKey(dbh.db, ['IMPLEMENTER'], '行政审批服务中心');
    const association = await agencyWithKey(dbh.db, ['IMPLEMENTER'], '食品行业协会', { implementerKind: 'industry_association' });
    const bystander = await agencyWithKey(dbh.db, ['IMPLEMENTER'], '另一实施机构');
    const posted = await app.inject({
      method: 'POST', url: '/cases', headers: enforcement.headers,
      payload: {
        ...caseBody(`杭市管罚〔2026〕${randomUUID().slice(0, 8)}号`),
        measures: ['DM-R6-MARKET-INDUSTRY-BAN', 'DM-R8-ASSOC-CRITICISM', 'DM-R7-TAX-PREFERENCE'],
        periods: { 'DM-R6-MARKET-INDUSTRY-BAN': { years: 1 }, 'DM-R8-ASSOC-CRITICISM': { months: 6 }, 'DM-R7-TAX-PREFERENCE': { years: 1 } }, // by_decision: the decision sets each
      },
    });
    expect(posted.statusCode, posted.body).toBe(201);
    const { caseId, targetId } = posted.json();

    const push = (implementers: object[]) => app.inject({
      method: 'POST', url: `/cases/${caseId}/implementers`, headers: authority.headers, payload: { implementers },
    });
    const outside = await push([{ agencyId: approval.id, measures: ['DM-R7-TAX-PREFERENCE'] }]);
    expect(outside.statusCode).toBe(409);
    expect(outside.json()).toMatchObject({ field: 'implementers', message: expect.stringMatching(/outside the local system .*\(R4\)/) });
    const notAnImplementer = await push([{ agencyId: supervisor.id, measures: ['DM-R6-MARKET-INDUSTRY-BAN'] }]);
    expect(notAnImplementer.json()).toMatchObject({ field: 'implementers.0.agencyId' });
    const pushed = await push([
      { agencyId: approval.id, measures: ['DM-R6-MARKET-INDUSTRY-BAN'] },
      { agencyId: association.id, measures: ['DM-R8-ASSOC-CRITICISM'] },
    ]);
    expect(pushed.statusCode).toBe(200);
    expect(pushed.json().opened.map((s: { kind: string; agencyId: string }) => s.agencyId).sort()).toEqual([approval.id, association.id].sort());
    const [implementing] = await dbh.db.select().from(cases).where(eq(cases.id, caseId));
    expect(implementing.status).toBe('implementing');

    const look = (who: { headers: Record<string, string> }) => app.inject({ method: 'GET', url: `/targets/${targetId}`, headers: who.headers });
    expect((await look(approval)).statusCode).toBe(200);
    expect((await look(bystander)).statusCode).toBe(403);
    const acknowledge = (who: { headers: Record<string, string> }) => app.inject({ method: 'POST', url: `/cases/${caseId}/acknowledgement`, headers: who.headers });
    expect((await acknowledge(bystander)).statusCode).toBe(403);
    expect((await acknowledge(approval)).statusCode).toBe(200);
    const body = (await look(approval)).json();
    const mine = body.cases.find((c: { id: string }) => c.id === caseId).implementers;
    expect(mine.map((i: { agencyId: string; acknowledgedAt: string | null }) => [i.agencyId, Boolean(i.acknowledgedAt)]).sort())
      .toEqual([[approval.id, true], [association.id, false]].sort());
    // R6: the acknowledged measure is in force from today, for the year the decision set.
    const [active, ...more] = await dbh.db.select().from(caseMeasures).where(eq(caseMeasures.caseId, caseId));
    expect(more).toHaveLength(0);
    const today = shanghaiDateOf(new Date());
    expect(active).toMatchObject({ code: 'DM-R6-MARKET-INDUSTRY-BAN', version: 1, implementerId: approval.id, status: 'active', activeFrom: today });
    expect(active.periodEnd).toBe(periodEnd(today, { years: 1 }));
    const lines = await dbh.db.select().from(journal).where(eq(journal.caseId, caseId));
    expect(lines.map((l) => `${l.kind}/${l.rule}`).sort()).toEqual([
      'acknowledged/R5', 'case_pushed/R2', 'case_received/R5', 'letter_issued/R17', 'measure_active/R6', 'pushed_to_implementers/R5',
      'reported_upward/R4', // DM-R7-TAX-PREFERENCE is executed outside the local system
    ]);
    // R9: a report on this month is owed by the implementer from now on.
    const month = today.slice(0, 7);
    expect(body.openSteps).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'feedback', month, agencyId: approval.id, label: `${month} 月度反馈` })]));
    // R9: the implementer reports on this month's implementation; a bystander cannot.
    const report = (who: { headers: Record<string, string> }, m = month) => app.inject({
      method: 'POST', url: '/feedback', headers: who.headers, payload: { targetId, month: m, summary: '本月已对该企业实施市场和行业禁入' },
    });
    expect((await report(bystander)).statusCode).toBe(403);
    const future = await report(approval, '2099-01');
    expect(future.statusCode).toBe(400);
    expect(future.json()).toMatchObject({ field: 'month' });
    expect((await report(approval)).statusCode).toBe(200);
    const reports = await dbh.db.select().from(feedbackReports).where(eq(feedbackReports.targetId, targetId));
    expect(reports).toEqual([expect.objectContaining({ implementerId: approval.id, month })]);
    const inbox = await app.inject({ method: 'GET', url: '/inbox', headers: association.headers });
    expect(inbox.json().items).toEqual([expect.objectContaining({ kind: 'pushed_to_implementer', rule: 'R5', detail: expect.objectContaining({ caseId }) })]);
  });

  it('R11 over HTTP: CREDIT records an objection for the filing agency, which alone decides it; a rejection resumes, an upheld one is followed by the AUTHORITY\'s release', async () => {
    const credit = await agencyWithKey(dbh.db, ['CREDIT']);
    const implementer = await agencyWithKey(dbh.db, ['IMPLEMENTER'], '行政审批服务中心');
    const posted = await app.inject({
      method: 'POST', url: '/cases', headers: enforcement.headers,
      payload: { ...caseBody(`杭市管罚〔2026〕${randomUUID().slice(0, 8)}号`), measures: ['DM-R6-MARKET-INDUSTRY-BAN'], periods: { 'DM-R6-MARKET-INDUSTRY-BAN': { years: 1 } } },
    });
    const { caseId } = posted.json();
    await app.inject({ method: 'POST', url: `/cases/${caseId}/implementers`, headers: authority.headers, payload: { implementers: [{ agencyId: implementer.id, measures: ['DM-R6-MARKET-INDUSTRY-BAN'] }] } });
    expect((await app.inject({ method: 'POST', url: `/cases/${caseId}/acknowledgement`, headers: implementer.headers })).statusCode).toBe(200);
    const measure = async () => (await dbh.db.select().from(caseMeasures).where(eq(caseMeasures.caseId, caseId)))[0];
    const firstEnd = (await measure()).periodEnd;

    const object = (who = enforcement) => app.inject({ method: 'POST', url: `/cases/${caseId}/objections`, headers: who.headers, payload: { reason: '当事人申请行政复议' } });
    // 谁决定、谁负责: the party may lodge it with CREDIT, which records it for the agency that filed the
    // case (002 篇四 第十三条, 篇三 (十六)); that agency alone verifies and decides it.
    const filed = await object(credit);
    expect(filed.statusCode).toBe(201);
    expect(filed.json().opened).toEqual([expect.objectContaining({ kind: 'objection_verification', agencyId: enforcement.id })]);
    const objectionId = filed.json().detail.objectionId;
    expect(await measure()).toMatchObject({ status: 'suspended' });
    expect(await dbh.db.select().from(objections).where(eq(objections.id, objectionId))).toHaveLength(1);
    expect((await object()).statusCode).toBe(409);
    const decide = (id: string, outcome: string, who = enforcement) => app.inject({
      method: 'POST', url: `/cases/${caseId}/objections/${id}/decision`, headers: who.headers, payload: { outcome, reason: '复议决定' },
    });
    expect((await decide(objectionId, 'upheld', credit)).statusCode).toBe(403);
    expect((await decide(objectionId, 'rejected')).statusCode).toBe(200);
    expect(await measure()).toMatchObject({ status: 'active', periodEnd: firstEnd }); // rejected the same day: 0 days added
    expect((await dbh.db.select().from(objections).where(eq(objections.id, objectionId)))[0].outcome).toBe('rejected');
    expect((await decide(objectionId, 'upheld')).statusCode).toBe(409);

    const second = (await object()).json().detail.objectionId;
    expect((await decide(second, 'upheld')).statusCode).toBe(200);
    const release = (who = authority) => app.inject({ method: 'POST', url: `/cases/${caseId}/release`, headers: who.headers });
    expect((await release()).statusCode).toBe(200);
    expect(await measure()).toMatchObject({ status: 'released', releaseReason: 'objection' });
    expect((await release()).statusCode).toBe(409);
    const kinds = (await dbh.db.select().from(journal).where(eq(journal.caseId, caseId))).map((l) => `${l.kind}/${l.rule}`);
    expect(kinds).toEqual(expect.arrayContaining(['objection_filed/R11', 'objection_decided/R11', 'case_released/R11', 'measure_released/R11']));
    const told = await app.inject({ method: 'GET', url: '/inbox', headers: implementer.headers });
    expect(told.json().items.map((n: { kind: string }) => n.kind)).toEqual(expect.arrayContaining(['measures_suspended', 'measure_released']));
  });

  it("a person's identity number is verified, never in the ids, and masked when read back", async () => {
    const idNumber = '11010519491231002X';
    const person = { kind: 'person', idNumber, name: '张三' };
    const posted = await app.inject({ method: 'POST', url: '/cases', headers: enforcement.headers, payload: caseBody(`P-${randomUUID()}`, person) });
    expect(posted.statusCode, posted.body).toBe(201);
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
