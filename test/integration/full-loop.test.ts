// The whole loop over HTTP on the dev server, with the agencies' webhooks received by a local
// HTTP server and the PostgreSQL rows checked at the end: intake (R2) → receipt and push (R5) →
// acknowledgement and measures in force (R6–R8) → monthly report (R9) → objection rejected
// (R11) → credit repair (R12) → every measure released, the loop closed.
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDb, type DbHandle } from '../../db/client';
import {
  agencies, caseMeasures, cases, feedbackReports, journal, noticeDeliveries, notices, objections, repairs,
} from '../../db/schema';
import { shanghaiDateOf } from '../../domain/dates';
import { targetStateQuery } from '../../workflows/messages';
import { startOutbox } from '../../worker/outbox';
import { agencyWithKey } from '../support/agencies';
import { appOnEngine } from '../support/apps';
import { startDevServer } from '../support/engine';
import { eventually } from '../support/eventually';
import { activitiesRan, recordHistory } from '../support/histories';
import { fixedSecret, notifySettings, verifies } from '../support/webhooks';

let env: TestWorkflowEnvironment;
let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
let outbox: { stop(): Promise<void> };
let hooks: Server;
const SECRET = fixedSecret(9);
const received: { agency: string; body: { kind: string; rule: string; detail: Record<string, unknown> }; valid: boolean }[] = [];

beforeAll(async () => {
  env = await startDevServer();
  dbh = connectDb(inject('appDatabaseUrl'));
  ({ app, close: closeApp } = await appOnEngine(env, dbh, { targetIdKey: `loop-${randomUUID()}` }));
  hooks = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const valid = verifies(SECRET, raw, req.headers);
      received.push({ agency: req.url!.slice(1), body: JSON.parse(raw), valid });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  outbox = startOutbox(dbh.db, notifySettings(), { intervalMs: 200 });
});

afterAll(async () => {
  await outbox?.stop();
  await new Promise((r) => hooks?.close(r));
  await closeApp?.();
  await dbh?.close();
  await env?.teardown();
});

async function withWebhook(roles: Parameters<typeof agencyWithKey>[1], name: string) {
  const a = await agencyWithKey(dbh.db, roles, name);
  const port = (hooks.address() as AddressInfo).port;
  await dbh.db.update(agencies).set({ notifyUrl: `http://127.0.0.1:${port}/${a.id}`, notifySecret: SECRET, implementerKind: roles.includes('IMPLEMENTER') ? 'approval_agency' : null })
    .where(eq(agencies.id, a.id));
  return a;
}

describe('the closed loop, end to end', () => {
  it('R2–R14: one target through intake, push, implementation, feedback, objection, repair and release, told by webhook at each step', async () => {
    const enforcement = await withWebhook(['ENFORCEMENT'], '执法稽查处');
    const authority = await withWebhook(['AUTHORITY'], '登记注册处');
    const credit = await withWebhook(['CREDIT'], '信用监管处');
    const implementer = await withWebhook(['IMPLEMENTER'], '行政审批服务中心');
    const supervisor = await withWebhook(['SUPERVISOR'], '督查室');
    const today = shanghaiDateOf(new Date());
    const post = (url: string, who: { headers: Record<string, string> }, payload?: object) => app.inject({ method: 'POST', url, headers: who.headers, payload });

    // R2: intake.
    const intake = await post('/cases', enforcement, {
      source: 'penalty_decision', consultation: false, authority: authority.id,
      document: { number: `杭市管罚〔2026〕${randomUUID().slice(0, 6)}号`, issuedOn: today, issuer: '杭州市市场监督管理局' },
      target: { kind: 'enterprise', creditCode: '91330100799655058B', name: '杭州某某科技有限公司' },
      measures: ['DM-R6-MARKET-INDUSTRY-BAN'], periods: { 'DM-R6-MARKET-INDUSTRY-BAN': { years: 1 } },
    });
    expect(intake.statusCode, intake.body).toBe(201);
    const { caseId, targetId, workflowId } = intake.json();
    expect(await dbh.db.select().from(cases).where(eq(cases.id, caseId))).toHaveLength(1);

    // R5: receipt, push to the implementer, acknowledgement; R6: the measure is in force.
    expect((await post(`/cases/${caseId}/receipt`, authority)).statusCode).toBe(200);
    // R17: the notice reached the party the same day.
    expect((await post(`/cases/${caseId}/letters/${caseId}.L1/delivery`, authority, { deliveredOn: today, way: 'direct' })).statusCode).toBe(200);
    expect((await post(`/cases/${caseId}/implementers`, authority, { implementers: [{ agencyId: implementer.id, measures: ['DM-R6-MARKET-INDUSTRY-BAN'] }] })).statusCode).toBe(200);
    expect((await post(`/cases/${caseId}/acknowledgement`, implementer)).statusCode).toBe(200);
    expect((await dbh.db.select().from(caseMeasures).where(eq(caseMeasures.caseId, caseId)))[0]?.status).toBe('active');

    // The supervisor's page: the measure in force and the next report owed (R9).
    const page = (await app.inject({ method: 'GET', url: `/targets/${targetId}`, headers: supervisor.headers })).json();
    expect(page.openSteps).toEqual([expect.objectContaining({ kind: 'feedback', month: today.slice(0, 7), rule: 'R9', agencyId: implementer.id })]);

    // R9: the monthly report.
    expect((await post('/feedback', implementer, { targetId, month: today.slice(0, 7), summary: '本月已在审批中落实市场禁入' })).statusCode).toBe(200);
    expect(await dbh.db.select().from(feedbackReports).where(eq(feedbackReports.targetId, targetId))).toHaveLength(1);

    // R11: an objection suspends; rejected the same day, the period end is unchanged.
    // 谁决定、谁负责: the party lodged it with CREDIT, which records it for the agency that filed the
    // case (002 篇四 第十三条); that agency alone decides it.
    const { objectionId } = (await post(`/cases/${caseId}/objections`, credit, { reason: '当事人对处罚决定提出异议' })).json().detail;
    expect((await dbh.db.select().from(caseMeasures).where(eq(caseMeasures.caseId, caseId)))[0].status).toBe('suspended');
    expect(await dbh.db.select().from(objections).where(eq(objections.id, objectionId))).toHaveLength(1);
    expect((await post(`/cases/${caseId}/objections/${objectionId}/decision`, credit, { outcome: 'rejected', reason: '异议不成立' })).statusCode).toBe(403);
    expect((await post(`/cases/${caseId}/objections/${objectionId}/decision`, enforcement, { outcome: 'rejected', reason: '异议不成立' })).statusCode).toBe(200);
    expect((await dbh.db.select().from(caseMeasures).where(eq(caseMeasures.caseId, caseId)))[0].status).toBe('active');

    // R12: repair approved: publicity stops, the measure is released, the loop closes.
    const { repairId } = (await post(`/cases/${caseId}/repairs`, enforcement, {})).json().detail;
    expect(await dbh.db.select().from(repairs).where(eq(repairs.id, repairId))).toHaveLength(1);
    expect((await post(`/cases/${caseId}/repairs/${repairId}/decision`, enforcement, { outcome: 'approved', reason: '已完成信用修复' })).statusCode).toBe(200);
    const [released] = await dbh.db.select().from(caseMeasures).where(eq(caseMeasures.caseId, caseId));
    expect(released).toMatchObject({ releaseReason: 'repair', implementerId: implementer.id });

    // The story in the journal, in order, with its rules.
    const story = (await dbh.db.select().from(journal).where(eq(journal.targetId, targetId)).orderBy(asc(journal.at), asc(journal.id)))
      .map((l) => `${l.kind}/${l.rule}`);
    expect(story).toEqual(expect.arrayContaining([
      'case_pushed/R2', 'case_received/R5', 'pushed_to_implementers/R5', 'acknowledged/R5', 'measure_active/R6',
      'report_received/R9', 'objection_filed/R11', 'objection_decided/R11', 'repair_filed/R12', 'repair_decided/R12',
      'publicity_stopped/R12', 'measure_released/R12',
    ]));

    // The webhooks: each agency told of its part, every body signed with its secret.
    await eventually(async () => {
      const undelivered = (await dbh.db.select().from(notices).innerJoin(agencies, eq(notices.agencyId, agencies.id)))
        .filter((r) => r.agencies.notifyUrl && !r.notices.deliveredAt && [implementer.id, authority.id].includes(r.agencies.id));
      expect(undelivered).toEqual([]);
      const kinds = (id: string) => received.filter((r) => r.agency === id).map((r) => r.body.kind);
      expect(kinds(implementer.id)).toEqual(expect.arrayContaining(['pushed_to_implementer', 'measures_suspended', 'measure_released']));
    }, 20_000);
    expect(received.every((r) => r.valid)).toBe(true);
    const attempts = await dbh.db.select().from(noticeDeliveries).where(eq(noticeDeliveries.agencyId, implementer.id));
    expect(attempts.every((a) => a.status === 200)).toBe(true);

    // Every measure released, no report owed: the run has completed; the case row says so.
    const handle = env.client.workflow.getHandle(workflowId);
    await eventually(async () => expect((await handle.describe()).status.name).toBe('COMPLETED'));
    expect((await handle.query(targetStateQuery)).cases[0].inForce[0].status).toBe('released');
    const [closed] = await dbh.db.select().from(journal).where(eq(journal.kind, 'loop_closed'));
    expect(closed).toBeDefined();

    // A new cause afterwards: a new run with the same workflow id; the target's history stays.
    const firstRun = (await handle.describe()).runId;
    await recordHistory(env.client.workflow.getHandle(workflowId, firstRun), 'target-full-loop');
    const again = await post('/cases', enforcement, {
      source: 'penalty_decision', consultation: false, authority: authority.id,
      document: { number: `杭市管罚〔2026〕${randomUUID().slice(0, 6)}号`, issuedOn: today, issuer: '杭州市市场监督管理局' },
      target: { kind: 'enterprise', creditCode: '91330100799655058B', name: '杭州某某科技有限公司' },
      measures: ['DM-R8-PUBLICITY-ADVERSE'], periods: { 'DM-R8-PUBLICITY-ADVERSE': { years: 1 } },
    });
    expect(again.json()).toMatchObject({ targetId, workflowId });
    const d = await env.client.workflow.getHandle(workflowId).describe();
    expect(d.status.name).toBe('RUNNING');
    expect(d.runId).not.toBe(firstRun);
    const all = await dbh.db.select().from(cases).where(eq(cases.targetId, targetId));
    expect(all).toHaveLength(2);
    expect(all.map((c) => c.id)).toContain(caseId);

    // R14: the supervisor reads the same story, in order, in the words of DOMAIN.md: both runs
    // as one timeline, each line with its agency, rule and its event in the Temporal UI.
    const history = await eventually(async () => {
      const res = await app.inject({ method: 'GET', url: `/targets/${targetId}/history`, headers: supervisor.headers });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.items.filter((i: { kind: string }) => i.kind === 'case_pushed')).toHaveLength(2);
      return body as { engine: string; runs: { runId: string; status: string }[]; items: Record<string, string>[] };
    });
    const lines = history.items;
    mkdirSync(new URL('../../test-output/', import.meta.url), { recursive: true });
    writeFileSync(new URL('../../test-output/full-loop-history.txt', import.meta.url),
      lines.map((l) => `${l.at}  ${l.label}  ${l.summary}${l.agency ? `（${l.agency}）` : ''}  ${l.rule ?? ''}`).join('\n'));
    expect(lines.map((l) => l.at)).toEqual([...lines.map((l) => l.at)].sort());
    expect(lines.every((l) => l.at.endsWith('+08:00'))).toBe(true);
    const kinds = lines.map((l) => l.kind);
    const inOrder = ['case_pushed', 'case_received', 'pushed_to_implementers', 'acknowledged', 'measure_active', 'report_received',
      'objection_filed', 'measures_suspended', 'objection_decided', 'repair_filed', 'repair_decided', 'measure_released', 'loop_closed', 'case_pushed'];
    let from = 0;
    for (const kind of inOrder) {
      const at = kinds.indexOf(kind, from);
      expect(at, `${kind} after ${inOrder[inOrder.indexOf(kind) - 1]} in ${kinds.join(', ')}`).toBeGreaterThanOrEqual(from);
      from = at + 1;
    }
    const line = (kind: string) => lines.find((l) => l.kind === kind)!;
    expect(line('case_received')).toMatchObject({ agency: '登记注册处', rule: 'R5', label: '接收' });
    expect(line('acknowledged')).toMatchObject({ agency: '行政审批服务中心', rule: 'R5' });
    expect(line('report_received').summary).toBe(`行政审批服务中心 报送 ${today.slice(0, 7)} 月度实施情况`);
    expect(line('objection_decided').summary).toMatch(/^异议被驳回（执法稽查处）：异议不成立/);
    expect(line('measure_released').summary).toBe('措施「市场和行业禁入」因信用修复解除');
    expect(line('pushed_to_implementers').summary).toMatch(/行政审批服务中心（「市场和行业禁入」，签收期限 \d{4}-\d{2}-\d{2}）/);
    // A deadline reads as the last day it may be met on, never as the 00:00 after it.
    expect(line('case_pushed').summary).toContain(`接收期限 ${intake.json().opened[0].dueOn}`);
    // No engine words in the story a supervisor reads.
    for (const l of lines) expect(l.summary).not.toMatch(/workflow|activity|signal|update|run|undefined|\[object/i);
    // Two runs, one story; each line written by an activity links to its own scheduling event.
    expect(history.engine).toBe('ok');
    expect(history.runs.map((r) => r.status)).toEqual(['COMPLETED', 'RUNNING']);
    const receiptLink = line('case_received').link;
    const [, runId, eventId] = receiptLink.match(/\/workflows\/[^/]+\/([^/]+)\/history\/events\/(\d+)$/)!;
    expect(runId).toBe(firstRun);
    const event = (await env.client.workflow.getHandle(workflowId, runId).fetchHistory()).events!.find((e) => String(e.eventId) === eventId)!;
    expect(event.activityTaskScheduledEventAttributes?.activityType?.name).toBe('recordReceipt');
    expect(lines.filter((l) => l.kind === 'case_pushed')[1].link).toContain(history.runs[1].runId);
    // Issue 17: a line a local activity wrote (the case's filing, since LOCAL_WRITES) links to its marker.
    const pushedLink = line('case_pushed').link;
    const [, pushedRun, pushedEvent] = pushedLink.match(/\/workflows\/[^/]+\/([^/]+)\/history\/events\/(\d+)$/)!;
    const marked = activitiesRan((await env.client.workflow.getHandle(workflowId, pushedRun).fetchHistory()).events!).find((a) => a.eventId === pushedEvent);
    expect(marked).toMatchObject({ name: 'recordCase', local: true });
  });
});
