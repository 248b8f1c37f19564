// The defects "A loop that cannot leak" names, each tried the way a new user or a hostile agency
// would, over HTTP on the Temporal CLI dev server and PostgreSQL. Each failed on the code before
// the step model (README, "What the redesign fixed").
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { recordHistory } from '../support/histories';
import { connectDb, type DbHandle } from '../../db/client';
import { casePersons, cases, journal, targets } from '../../db/schema';
import { shanghaiDateOf } from '../../domain/dates';
import { agencyWithKey } from '../support/agencies';
import { appOnEngine, type AppWithWorker } from '../support/apps';
import { startDevServer } from '../support/engine';
import { creditCodeOf, idNumberOf } from '../support/identities';

let env: TestWorkflowEnvironment;
let dbh: DbHandle;
let stack: AppWithWorker;
let app: FastifyInstance;
/** Holds `recordTargetClosed` open while set: the race of a case against the loop closing. */
let closing: { entered: () => void; release: Promise<void> } | null = null;
type Agency = Awaited<ReturnType<typeof agencyWithKey>>;
let enforcement: Agency;
let otherEnforcement: Agency;
let credit: Agency;
let authority: Agency;
let otherAuthority: Agency;
let implementer: Agency;

beforeAll(async () => {
  env = await startDevServer();
  dbh = connectDb(inject('appDatabaseUrl'));
  stack = await appOnEngine(env, dbh, {
    targetIdKey: `defects-${randomUUID()}`,
    wrapActivities: (a) => ({
      ...a,
      async recordTargetClosed(input) {
        if (closing) {
          closing.entered();
          await closing.release;
        }
        return a.recordTargetClosed(input);
      },
    }),
  });
  app = stack.app;
  enforcement = await agencyWithKey(dbh.db, ['ENFORCEMENT'], '执法稽查处');
  otherEnforcement = await agencyWithKey(dbh.db, ['ENFORCEMENT'], '另一执法机构');
  credit = await agencyWithKey(dbh.db, ['CREDIT'], '信用监管处');
  authority = await agencyWithKey(dbh.db, ['AUTHORITY'], '登记注册处');
  otherAuthority = await agencyWithKey(dbh.db, ['AUTHORITY'], '另一业务主管机构');
  implementer = await agencyWithKey(dbh.db, ['IMPLEMENTER'], '行政审批服务中心');
});

afterAll(async () => {
  await stack?.close();
  await dbh?.close();
  await env?.teardown();
});

const today = () => shanghaiDateOf(new Date());
const number = () => `杭市管罚〔2026〕${randomUUID().slice(0, 8)}号`;
const post = (url: string, who: Agency, payload?: object, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, headers: { ...who.headers, ...headers }, payload });

function penalty(doc: string, creditCode = '91330106MA2H3X0A1H', over: object = {}) {
  return {
    source: 'penalty_decision', authority: authority.id, document: { number: doc, issuedOn: today(), issuer: '杭州市市场监督管理局' },
    target: { kind: 'enterprise', creditCode, name: '杭州某某贸易有限公司' },
    measures: ['DM-R6-NO-NOTIFY-COMMIT'], periods: { 'DM-R6-NO-NOTIFY-COMMIT': { years: 1 } }, ...over,
  };
}

/** A case carried to the point where releasing it after an upheld objection closes the loop. */
async function upheldAwaitingRelease(creditCode: string) {
  const filed = await post('/cases', enforcement, penalty(number(), creditCode));
  expect(filed.statusCode, filed.body).toBe(201);
  const { caseId, targetId, workflowId } = filed.json();
  expect((await post(`/cases/${caseId}/implementers`, authority, { implementers: [{ agencyId: implementer.id, measures: ['DM-R6-NO-NOTIFY-COMMIT'] }] })).statusCode).toBe(200);
  expect((await post(`/cases/${caseId}/acknowledgement`, implementer)).statusCode).toBe(200);
  const objection = await post(`/cases/${caseId}/objections`, enforcement, { reason: '处罚决定被复议撤销' });
  const objectionId = objection.json().detail.objectionId;
  expect((await post(`/cases/${caseId}/objections/${objectionId}/decision`, enforcement, { outcome: 'upheld', reason: '复议撤销' })).statusCode).toBe(200);
  return { caseId, targetId, workflowId };
}

describe('a loop that cannot leak', () => {
  it('a case that arrives while the run records "loop closed" is handled by the loop, never lost after its answer', async () => {
    const creditCode = creditCodeOf(9001);
    const { caseId, targetId, workflowId } = await upheldAwaitingRelease(creditCode);
    let entered!: () => void;
    const inClose = new Promise<void>((r) => { entered = r; });
    let release!: () => void;
    closing = { entered, release: new Promise<void>((r) => { release = r; }) };
    // The release closes the loop: the run starts recording it, held open here.
    expect((await post(`/cases/${caseId}/release`, authority)).statusCode).toBe(200);
    await inClose;
    const second = post('/cases', enforcement, penalty(number(), creditCode));
    await new Promise((r) => setTimeout(r, 1000)); // the new case reaches the closing run
    closing = null;
    release();
    const answered = await second;
    expect(answered.statusCode, answered.body).toBe(201);
    const newCase = answered.json().caseId;
    const described = await env.client.workflow.getHandle(workflowId).describe();
    const state = await env.client.workflow.getHandle(workflowId).query<{ cases: { caseId: string }[]; steps: { key: string }[] }>('targetState');
    expect(described.status.name).toBe('RUNNING');
    expect(state.cases.map((c) => c.caseId)).toContain(newCase);
    expect(state.steps.map((s) => s.key)).toEqual([`receipt/${newCase}`, `implementer_push/${newCase}`, `letter_delivery/${newCase}`]);
    const [t] = await dbh.db.select().from(targets).where(eq(targets.id, targetId));
    expect(t.status).toBe('open');
    const story = (await dbh.db.select().from(journal).where(eq(journal.targetId, targetId)).orderBy(asc(journal.id))).map((l) => l.kind);
    expect(story.slice(-3)).toEqual(['loop_closed', 'case_pushed', 'letter_issued']);
    await recordHistory(env.client.workflow.getHandle(workflowId), 'target-close-race');
  });

  it('R2: another agency filing the same document number is refused with 409 that reveals nothing; the case stays its filer\'s', async () => {
    const doc = number();
    const mine = await post('/cases', enforcement, penalty(doc, '91330106MA2H3X0A1H', {
      persons: [{ role: 'legal_representative', idNumber: '11010519491231002X', name: '张三' }],
      measures: ['DM-R6-NO-NOTIFY-COMMIT', 'DM-R6-OFFICE-LEGALREP-3Y'],
    }));
    expect(mine.statusCode, mine.body).toBe(201);
    const theirs = await post('/cases', otherEnforcement, penalty(doc, '91330100799655058B', {
      persons: [{ role: 'principal', idNumber: idNumberOf(7), name: '李四' }],
    }));
    expect(theirs.statusCode).toBe(409);
    expect(theirs.json()).toMatchObject({ field: 'document.number' });
    expect(theirs.body).not.toContain(mine.json().caseId);
    expect(theirs.body).not.toContain(mine.json().targetId);
    // Typed differently (brackets, spaces), it is still the same number.
    const typo = await post('/cases', otherEnforcement, penalty(doc.replace('〔', '[').replace('〕', '] '), '91330100799655058B'));
    expect(typo.statusCode).toBe(409);
    // The real case is whole: its row, its filer, its one person; its AUTHORITY acts on it.
    const [row] = await dbh.db.select().from(cases).where(eq(cases.id, mine.json().caseId));
    expect(row.pushedBy).toBe(enforcement.id);
    expect((await dbh.db.select().from(casePersons).where(eq(casePersons.caseId, row.id))).map((p) => p.name)).toEqual(['张三']);
    expect((await post(`/cases/${row.id}/receipt`, authority)).statusCode).toBe(200);
    // The filer again: the same case.
    const again = await post('/cases', enforcement, penalty(doc));
    expect(again.statusCode).toBe(200);
    expect(again.json().caseId).toBe(row.id);
  });

  it('R2: an agency of another region filing against an existing target learns nothing of its other cases', async () => {
    const creditCode = creditCodeOf(9100);
    const first = await post('/cases', enforcement, penalty(number(), creditCode));
    expect(first.statusCode, first.body).toBe(201);
    const ningbo = await agencyWithKey(dbh.db, ['ENFORCEMENT'], '宁波执法', { region: '330200' });
    const doc = number();
    const second = await post('/cases', ningbo, penalty(doc, creditCode));
    expect(second.statusCode, second.body).toBe(201);
    const { caseId, targetId } = second.json();
    expect(targetId).toBe(first.json().targetId);
    // The answer is about its own case only, as for a target never seen before.
    expect(second.body).not.toContain(first.json().caseId);
    expect(second.json().opened.every((s: { caseId: string | null }) => s.caseId === caseId)).toBe(true);
    // Reading the target, its story or its search figures: its own case, nothing else.
    const read = (await app.inject({ method: 'GET', url: `/targets/${targetId}?live=true`, headers: ningbo.headers })).json();
    expect(read.cases.map((c: { id: string }) => c.id)).toEqual([caseId]);
    expect(read.workflow.cases.map((c: { caseId: string }) => c.caseId)).toEqual([caseId]);
    expect(JSON.stringify(read)).not.toContain(first.json().caseId);
    const story = (await app.inject({ method: 'GET', url: `/targets/${targetId}/history`, headers: ningbo.headers })).json();
    expect(story.items.length).toBeGreaterThan(0);
    expect(story.items.every((i: { caseId: string | null }) => i.caseId === caseId)).toBe(true);
    const found = (await app.inject({ method: 'GET', url: `/targets?creditCode=${creditCode}`, headers: ningbo.headers })).json();
    expect(found.items).toEqual([expect.objectContaining({ targetId, cases: 1 })]);
  });

  it('R2: two agencies filing one number at once: one case, one filer, no merged persons', async () => {
    const doc = number();
    const [a, b] = await Promise.all([
      post('/cases', enforcement, penalty(doc, '91330106MA2H3X0A1H', { persons: [{ role: 'principal', idNumber: '11010519491231002X', name: '甲' }], measures: ['DM-R6-NO-NOTIFY-COMMIT', 'DM-R6-OFFICE-LEGALREP-3Y'] })),
      post('/cases', otherEnforcement, penalty(doc, '91330100799655058B', { persons: [{ role: 'principal', idNumber: '11010519491231002X', name: '乙' }], measures: ['DM-R6-NO-NOTIFY-COMMIT', 'DM-R6-OFFICE-LEGALREP-3Y'] })),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
    const won = a.statusCode === 201 ? a.json() : b.json();
    expect((await dbh.db.select().from(casePersons).where(eq(casePersons.caseId, won.caseId))).map((p) => p.name)).toHaveLength(1);
  });

  it('the actor is the key\'s agency: no body may name it, and the story names the key\'s agency', async () => {
    const filed = (await post('/cases', enforcement, penalty(number()))).json();
    const forged = await post(`/cases/${filed.caseId}/receipt`, authority, { by: '市长办公室' });
    expect(forged.statusCode).toBe(400);
    expect(forged.json()).toMatchObject({ field: 'by' });
    expect((await post(`/cases/${filed.caseId}/receipt`, authority)).statusCode).toBe(200);
    const [line] = await dbh.db.select().from(journal).where(eq(journal.eventKey, `${filed.workflowId}/${filed.caseId}/received`));
    expect(line.agencyId).toBe(authority.id);
    const story = await app.inject({ method: 'GET', url: `/targets/${filed.targetId}/history`, headers: credit.headers });
    expect(story.json().items.find((i: { kind: string }) => i.kind === 'case_received')).toMatchObject({ agency: '登记注册处' });
    expect(story.body).not.toContain('市长办公室');
  });

  it('an agency acts only on what is its own: a role alone never opens another agency\'s case', async () => {
    const filed = (await post('/cases', enforcement, penalty(number()))).json();
    const c = filed.caseId;
    expect((await post(`/cases/${c}/receipt`, otherAuthority)).statusCode).toBe(403);
    expect((await post(`/cases/${c}/implementers`, otherAuthority, { implementers: [{ agencyId: implementer.id, measures: ['DM-R6-NO-NOTIFY-COMMIT'] }] })).statusCode).toBe(403);
    // (A CREDIT agency may record the party's objection for the filer, R11: test/integration/slice.test.ts.)
    expect((await post(`/cases/${c}/objections`, otherEnforcement, { reason: '异议' })).statusCode).toBe(403);
    expect((await post(`/cases/${c}/repairs`, credit, {})).statusCode).toBe(403);
    expect((await post(`/cases/${c}/acknowledgement`, implementer)).statusCode).toBe(403);
    const repair = await post(`/cases/${c}/repairs`, enforcement, {});
    expect(repair.statusCode).toBe(201);
    const repairId = repair.json().detail.repairId;
    expect((await post(`/cases/${c}/repairs/${repairId}/decision`, credit, { outcome: 'approved', reason: '同意' })).statusCode).toBe(403);
    expect((await post(`/cases/${c}/repairs/${repairId}/decision`, otherEnforcement, { outcome: 'approved', reason: '同意' })).statusCode).toBe(403);
    expect((await post(`/cases/${c}/repairs/${repairId}/decision`, enforcement, { outcome: 'rejected', reason: '材料不全' })).statusCode).toBe(200);
  });

  it('a retried action answers the first answer: with the worker stopped it answers 503 within 10 s, never hangs, and the retry applies once', async () => {
    const filed = (await post('/cases', enforcement, penalty(number()))).json();
    await stack.stopWorker();
    const key = { 'idempotency-key': `receipt-${randomUUID()}` };
    const started = Date.now();
    const waiting = await post(`/cases/${filed.caseId}/receipt`, authority, undefined, key);
    const took = Date.now() - started;
    expect(waiting.statusCode).toBe(503);
    expect(took).toBeLessThan(10_000);
    expect(waiting.headers['retry-after']).toBe('5');
    expect(waiting.headers['idempotency-key']).toBe(key['idempotency-key']);
    await stack.startWorker();
    const retried = await post(`/cases/${filed.caseId}/receipt`, authority, undefined, key);
    expect(retried.statusCode, retried.body).toBe(200);
    const again = await post(`/cases/${filed.caseId}/receipt`, authority, undefined, key);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(retried.json());
    expect((await post(`/cases/${filed.caseId}/receipt`, authority)).statusCode).toBe(409); // a new key: a new action, refused
    const reused = await post(`/cases/${filed.caseId}/implementers`, authority, { implementers: [{ agencyId: implementer.id, measures: ['DM-R6-NO-NOTIFY-COMMIT'] }] }, key);
    expect(reused.statusCode).toBe(422);
    const receipts = await dbh.db.select().from(journal).where(eq(journal.eventKey, `${filed.workflowId}/${filed.caseId}/received`));
    expect(receipts).toHaveLength(1);
  }, 60_000);

  it('R3: an external document counts its 3 working days from CREDIT\'s receipt, not its issue date, and keeps its kind', async () => {
    const external = (over: object) => ({
      source: 'external_document', authority: authority.id,
      document: { number: `（2026）浙0106民初${randomUUID().slice(0, 4)}号`, issuedOn: '2026-01-05', issuer: '杭州市西湖区人民法院', kind: 'judgment' },
      target: { kind: 'enterprise', creditCode: '91330106MA2H3X0A1H', name: '杭州某某贸易有限公司' },
      measures: ['DM-R6-NO-NOTIFY-COMMIT'], periods: { 'DM-R6-NO-NOTIFY-COMMIT': { years: 1 } }, ...over,
    });
    const noKind = await post('/cases', credit, { ...external({}), document: { ...external({}).document, kind: undefined } });
    expect(noKind.statusCode).toBe(400);
    expect(noKind.json()).toMatchObject({ field: 'document.kind' });
    const filed = await post('/cases', credit, external({}));
    expect(filed.statusCode, filed.body).toBe(201);
    // Issued in January, received today: on time, due 3 working days from today.
    expect(filed.json().late).toBe(false);
    expect(filed.json().pushDueOn > today()).toBe(true);
    const [row] = await dbh.db.select().from(cases).where(eq(cases.id, filed.json().caseId));
    expect(row).toMatchObject({ documentKind: 'judgment', receivedOn: today(), source: 'external_document' });
    const received = await post('/cases', credit, external({ receivedOn: '2026-01-06' }));
    expect(received.json()).toMatchObject({ late: true, pushDueOn: '2026-01-09' });
  });

  it('R10: a by_decision measure without its period is refused naming the field', async () => {
    const res = await post('/cases', enforcement, { ...penalty(number()), periods: undefined });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'periods.DM-R6-NO-NOTIFY-COMMIT', message: expect.stringMatching(/is required/) });
  });

  it('an action on a completed target answers 409 saying why', async () => {
    const { caseId, workflowId } = await upheldAwaitingRelease(creditCodeOf(9002));
    expect((await post(`/cases/${caseId}/release`, authority)).statusCode).toBe(200);
    await env.client.workflow.getHandle(workflowId).result();
    const late = await post(`/cases/${caseId}/objections`, enforcement, { reason: '再次异议' });
    expect(late.statusCode).toBe(409);
    expect(late.json().message).toMatch(/loop is closed/);
  });
});
