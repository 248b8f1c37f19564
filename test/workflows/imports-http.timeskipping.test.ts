// Issue 17, bulk import through the HTTP API on the Java time-skipping server with the real
// activities: a CSV, an XLSX and a JSON-lines file made here; refused rows named by row number,
// field and reason as POST /cases names them; accepted rows' targets in their workflows with the
// steps already taken not owed again (R5) and what remains owed (R9 reports, R10 period ends);
// the same file again changes nothing; only ADMIN and CREDIT import.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { and, count, eq, inArray } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import writeXlsxFile from 'write-excel-file/node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DbHandle } from '../../db/client';
import { auditLog, caseMeasures, cases, journal, notices, publicityRecords, steps, targets } from '../../db/schema';
import { addDays, shanghaiDateOf } from '../../domain/dates';
import { periodEnd } from '../../domain/periods';
import { targetStateQuery } from '../../workflows/messages';
import { agencyWithKey } from '../support/agencies';
import { appOnEngine, appWithoutEngine } from '../support/apps';
import { startTimeSkipping } from '../support/engine';
import { eventually } from '../support/eventually';
import { freshDatabase } from '../support/fresh-db';
import { recordHistory } from '../support/histories';
import { creditCodeOf, idNumberOf } from '../support/identities';

const execFileAsync = promisify(execFile);
let env: TestWorkflowEnvironment;
let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
let clock = Date.now();
type Agency = Awaited<ReturnType<typeof agencyWithKey>>;
let admin: Agency;
let credit: Agency;
let enforcement: Agency;
let authority: Agency;
let implementer: Agency;
let supervisor: Agency;

beforeAll(async () => {
  env = await startTimeSkipping();
  clock = await env.currentTimeMs();
  dbh = await freshDatabase(inject('databaseUrl'));
  ({ app, close: closeApp } = await appOnEngine(env, dbh, { targetIdKey: 'imports', now: () => new Date(clock) }));
  admin = await agencyWithKey(dbh.db, ['ADMIN'], '系统管理');
  credit = await agencyWithKey(dbh.db, ['CREDIT'], '信用监管处');
  enforcement = await agencyWithKey(dbh.db, ['ENFORCEMENT'], '执法稽查处');
  authority = await agencyWithKey(dbh.db, ['AUTHORITY'], '登记注册处');
  implementer = await agencyWithKey(dbh.db, ['IMPLEMENTER'], '行政审批局');
  supervisor = await agencyWithKey(dbh.db, ['SUPERVISOR'], '省局督查处', { region: '330000' });
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
  await env?.teardown();
});

const BAN = 'DM-R6-MARKET-INDUSTRY-BAN';
const ADS = 'DM-R6-ADVERTISING';
const ADVERSE = 'DM-R8-PUBLICITY-ADVERSE';
const day = (offset: number) => addDays(shanghaiDateOf(clock), offset);
const get = (url: string, who: Agency) => app.inject({ method: 'GET', url, headers: who.headers });
const upload = (who: Agency, body: Buffer | string, type: string) =>
  app.inject({ method: 'POST', url: '/imports', headers: { ...who.headers, 'content-type': type }, payload: body });
const CSV = 'text/csv';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function finished(id: string, who: Agency = admin) {
  return eventually(async () => {
    const r = await get(`/imports/${id}`, who);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().status).toBe('done');
    return r.json();
  }, 60_000, 200);
}

/** A row of the column list (GET /imports/columns), as a clerk fills it in. */
function row(n: number, over: Record<string, string> = {}): Record<string, string> {
  return {
    source: 'penalty_decision', filedBy: enforcement.id, 'document.number': `杭市管罚〔2025〕IMP${n}号`, 'document.issuedOn': day(-100),
    'document.issuer': '杭州市市场监督管理局', 'target.kind': 'enterprise', 'target.name': `杭州导入测试${n}有限公司`,
    'target.creditCode': creditCodeOf(1700 + n), measures: `${BAN};${ADS}`, periods: `${BAN}=2y`, authority: authority.id,
    'taken.filedOn': day(-90), 'taken.receivedOn': day(-88), 'taken.implementers': `${implementer.id}=${BAN}|${ADS}`,
    'taken.pushedOn': day(-87), 'taken.acknowledgedOn': day(-85), 'taken.inForceSince': `${BAN}=${day(-85)};${ADS}=${day(-80)}`,
    ...over,
  };
}

function csv(rows: Record<string, string>[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: string | undefined) => `"${(v ?? '').replace(/"/g, '""')}"`;
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n');
}

const caseOf = async (number: string) => (await dbh.db.select().from(cases).where(eq(cases.documentNumber, number)))[0];
const stateOf = (workflowId: string) => env.client.workflow.getHandle(workflowId).query(targetStateQuery);

describe('issue 17: bulk import of cases already in force', () => {
  it('R5: a CSV import names every refused row; accepted rows owe no receipt, push or acknowledgement, and owe R9 reports and R10 period ends', async () => {
    const file = csv([
      row(1),
      row(2, { 'target.creditCode': '91330106MA2H3X0A1X' }),
      row(3, { measures: 'DM-NO-SUCH-MEASURE' }),
      row(4, { 'taken.acknowledgedOn': day(-95) }),
      row(5, { 'taken.implementers': `${enforcement.id}=${BAN}|${ADS}` }),
      row(6, { 'document.number': '' }),
      row(7, { 'taken.implementers': '', 'taken.pushedOn': '', 'taken.acknowledgedOn': '', 'taken.inForceSince': '' }),
      row(1, { 'target.name': '重复行' }),
      row(9, { measures: ADS, periods: '', 'taken.implementers': `${implementer.id}=${ADS}`, 'taken.inForceSince': day(-400), 'document.issuedOn': day(-420), 'taken.filedOn': day(-410), 'taken.receivedOn': day(-409), 'taken.pushedOn': day(-408), 'taken.acknowledgedOn': day(-401) }),
    ]);
    const res = await upload(admin, file, CSV);
    expect(res.statusCode, res.body).toBe(202);
    const answer = res.json();
    expect(answer).toMatchObject({ total: 9, accepted: 3, refused: 6 });
    expect(answer.refusedRows).toEqual([
      { row: 3, field: 'target.creditCode', reason: expect.stringMatching(/.+/) },
      { row: 4, field: 'measures.0', reason: 'DM-NO-SUCH-MEASURE is not on either list (R1)' },
      { row: 5, field: 'taken.acknowledgedOn', reason: `is before taken.pushedOn (${day(-87)})` },
      { row: 6, field: 'taken.implementers.0.agencyId', reason: expect.stringContaining('is not an IMPLEMENTER') },
      { row: 7, field: 'document.number', reason: expect.stringMatching(/.+/) },
      { row: 9, field: 'document.number', reason: 'row 2 carries this document number too' },
    ]);
    // POST /cases refuses the same body naming the same field.
    const direct = await app.inject({ method: 'POST', url: '/cases', headers: enforcement.headers, payload: {
      source: 'penalty_decision', document: { number: 'X-1', issuedOn: day(-100), issuer: '杭州市市场监督管理局' },
      target: { kind: 'enterprise', name: '某公司', creditCode: '91330106MA2H3X0A1X' }, measures: [ADS], authority: authority.id,
    } });
    expect(direct.json()).toMatchObject({ field: 'target.creditCode', message: `target.creditCode: ${answer.refusedRows[0].reason}` });

    const done = await finished(answer.id);
    expect(done).toMatchObject({ total: 9, accepted: 3, refused: 6, done: 3 });

    // Row 2: received, pushed, acknowledged; each measure in force since its own date.
    const c1 = (await caseOf('杭市管罚〔2025〕IMP1号'))!;
    expect(c1).toMatchObject({ status: 'implementing', pushedBy: enforcement.id });
    const measures = await dbh.db.select().from(caseMeasures).where(eq(caseMeasures.caseId, c1.id));
    expect(Object.fromEntries(measures.map((m) => [m.code, [m.activeFrom, m.periodEnd, m.status]]))).toEqual({
      [BAN]: [day(-85), periodEnd(day(-85), { years: 2 }), 'active'],
      [ADS]: [day(-80), periodEnd(day(-80), { years: 1 }), 'active'],
    });
    const [t1] = await dbh.db.select().from(targets).where(eq(targets.id, c1.targetId));
    const state = await stateOf(t1.workflowId);
    const owed = state.steps.filter((s) => s.caseId === c1.id || s.caseId === null).map((s) => `${s.kind}:${s.agencyId ?? ''}`).sort();
    expect(owed).toEqual(['feedback:' + implementer.id, 'feedback_month:', `period_end:`, `period_end:`]);
    const open = await dbh.db.select({ kind: steps.kind }).from(steps).where(and(eq(steps.targetId, c1.targetId)));
    expect(open.map((s) => s.kind).filter((k) => ['receipt', 'implementer_push', 'acknowledgement', 'letter_delivery'].includes(k))).toEqual([]);
    const lines = await dbh.db.select().from(journal).where(eq(journal.caseId, c1.id));
    expect(lines.find((l) => l.kind === 'case_imported')).toMatchObject({ agencyId: admin.id, detail: { importId: answer.id, receivedOn: day(-88) } });
    expect(lines.filter((l) => l.kind === 'measure_active').map((l) => l.agencyId)).toEqual([implementer.id, implementer.id]);
    const story = await get(`/targets/${c1.targetId}/history`, supervisor);
    expect(story.statusCode, story.body).toBe(200);
    expect(JSON.stringify(story.json())).toContain(`批量导入`);

    // Row 8: received only: the push to implementers is still owed, the receipt is not.
    const c7 = (await caseOf('杭市管罚〔2025〕IMP7号'))!;
    const s7 = (await stateOf(`target-${c7.targetId}`)).steps.filter((s) => s.caseId === c7.id).map((s) => s.kind);
    expect(s7).toEqual(['implementer_push']);
    expect(c7.status).toBe('received');

    // Row 10: in force since 400 days, its 1-year period over: R10 released at once, as for any case.
    const c9 = (await caseOf('杭市管罚〔2025〕IMP9号'))!;
    await eventually(async () => {
      const [m] = await dbh.db.select().from(caseMeasures).where(eq(caseMeasures.caseId, c9.id));
      expect(m).toMatchObject({ status: 'released', releaseReason: 'period_end', activeFrom: day(-400) });
    });
    await recordHistory(env.client.workflow.getHandle(t1.workflowId), 'target-imported');
  });

  it('issue 17: filing an imported case schedules exactly one activity, recordImportedCase (the case, its steps taken and R8 its publicity orders in one transaction)', async () => {
    const publicizer = await agencyWithKey(dbh.db, ['AUTHORITY', 'IMPLEMENTER'], '信用管理处', { implementerKind: 'authority' });
    const published = { measures: ADVERSE, periods: `${ADVERSE}=3y`, 'taken.implementers': `${publicizer.id}=${ADVERSE}`, 'taken.inForceSince': day(-85) };
    const res = await upload(admin, csv([row(90), row(91, published)]), CSV);
    expect(res.statusCode, res.body).toBe(202);
    expect(await finished(res.json().id), res.body).toMatchObject({ accepted: 2, done: 2 });
    for (const number of ['杭市管罚〔2025〕IMP90号', '杭市管罚〔2025〕IMP91号']) {
      const c = (await caseOf(number))!;
      const { events } = await env.client.workflow.getHandle(`target-${c.targetId}`).fetchHistory();
      // The fileCase Update, from its acceptance to its answer: the activities it scheduled, by name.
      const from = events!.findIndex((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === `file/${c.id}`);
      const to = events!.findIndex((e, i) => i > from && e.workflowExecutionUpdateCompletedEventAttributes?.meta?.updateId === `file/${c.id}`);
      expect([from, to].every((i) => i >= 0), 'the fileCase Update is in the history').toBe(true);
      const scheduled = events!.slice(from, to).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
      expect(scheduled, number).toEqual(['recordImportedCase']);
    }
    // R8: the measure in force since its date is ordered published by that same activity.
    const c = (await caseOf('杭市管罚〔2025〕IMP91号'))!;
    const records = await dbh.db.select().from(publicityRecords).where(eq(publicityRecords.caseId, c.id));
    expect(records.map((r) => `${r.code}:${r.channel}:${r.status}`).sort()).toEqual([`${ADVERSE}:creditchina:due`, `${ADVERSE}:gsxt:due`]);
    const ordered = await dbh.db.select().from(journal).where(and(eq(journal.caseId, c.id), eq(journal.kind, 'publicity_ordered')));
    expect(ordered).toHaveLength(2);
  });

  it('importing the same file again changes nothing: the same import, no new case, journal line or workflow run', async () => {
    const file = csv([row(20), row(21, { measures: 'NOPE' })]);
    const first = await upload(credit, file, CSV);
    expect(first.statusCode, first.body).toBe(202);
    const done = await finished(first.json().id, credit);
    const c = (await caseOf('杭市管罚〔2025〕IMP20号'))!;
    const handle = env.client.workflow.getHandle(`target-${c.targetId}`);
    const runId = (await handle.describe()).runId;
    // This target's story (other suites' targets move on with their own timers meanwhile).
    const lines = async () => (await dbh.db.select({ n: count() }).from(journal).where(eq(journal.targetId, c.targetId)))[0].n;
    const before = { lines: await lines(), cases: (await dbh.db.select({ n: count() }).from(cases))[0].n };

    const again = await upload(credit, file, CSV);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(done);
    expect({ lines: await lines(), cases: (await dbh.db.select({ n: count() }).from(cases))[0].n }).toEqual(before);
    expect((await handle.describe()).runId).toBe(runId);
    // The import is on the audit trail once, with the agencies it filed for.
    const audited = await dbh.db.select().from(auditLog).where(eq(auditLog.action, 'cases.imported'));
    expect(audited.filter((a) => (a.detail as { importId?: string }).importId === done.id)).toEqual([
      expect.objectContaining({ actorAgencyId: credit.id, detail: expect.objectContaining({ accepted: 1, refused: 1, filedFor: [enforcement.id] }) }),
    ]);
    // Another agency's import of the same bytes is an import of its own; its row files the same case
    // (the case is the filing agency's, filedBy), so nothing is added either.
    const other = await upload(admin, file, CSV);
    expect(other.json()).toMatchObject({ accepted: 1, refusedRows: [{ row: 3, field: 'measures.0' }] });
    expect(other.json().id).not.toBe(done.id);
    expect(await finished(other.json().id)).toMatchObject({ done: 1 });
    expect({ lines: await lines(), cases: (await dbh.db.select({ n: count() }).from(cases))[0].n }).toEqual(before);
    expect((await handle.describe()).runId).toBe(runId);
  });

  it('an XLSX workbook is read with its date cells, rows numbered as the spreadsheet shows them', async () => {
    const r = row(30, { periods: '' });
    const header = Object.keys(r);
    const cells = (values: Record<string, string>) => header.map((h) => (h.endsWith('On') || h === 'document.issuedOn') && values[h]
      ? { value: new Date(`${values[h]}T00:00:00Z`), type: Date, format: 'yyyy-mm-dd' } : { value: values[h] || null });
    const ok = row(31);
    const buffer = await writeXlsxFile([header.map((h) => ({ value: h })), cells(r), [], cells(ok)] as never).toBuffer();
    const res = await upload(admin, buffer, XLSX);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ total: 2, accepted: 1, refused: 1, refusedRows: [{ row: 2, field: `periods.${BAN}`, reason: expect.stringContaining('is required') }] });
    await finished(res.json().id);
    const c = (await caseOf('杭市管罚〔2025〕IMP31号'))!;
    const measures = await dbh.db.select().from(caseMeasures).where(and(eq(caseMeasures.caseId, c.id), inArray(caseMeasures.code, [BAN, ADS])));
    expect(measures.map((m) => m.activeFrom).sort()).toEqual([day(-85), day(-80)]);
  });

  it('JSON lines: each line a POST /cases body with the steps taken; CREDIT files its own external documents', async () => {
    const lines = [
      JSON.stringify({
        source: 'external_document', document: { number: '(2025)浙0106民初IMP40号', issuedOn: day(-60), issuer: '杭州市西湖区人民法院', kind: 'judgment' },
        receivedOn: day(-58), target: { kind: 'enterprise', name: '杭州导入测试40有限公司', creditCode: creditCodeOf(1740) },
        measures: [ADS], authority: authority.id,
        taken: { filedOn: day(-57), implementers: [{ agencyId: implementer.id, measures: [ADS] }], pushedOn: day(-55) },
      }),
      '{not json',
      JSON.stringify({ ...JSON.parse(csvFree()), source: 'penalty_decision' }),
    ].join('\n');
    const res = await upload(credit, lines, 'application/x-ndjson');
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().refusedRows).toEqual([
      { row: 2, field: 'body', reason: expect.stringContaining('not JSON') },
      { row: 3, field: 'source', reason: expect.stringContaining('a penalty_decision is filed by ENFORCEMENT') },
    ]);
    await finished(res.json().id, credit);
    const c = (await caseOf('(2025)浙0106民初IMP40号'))!;
    expect(c).toMatchObject({ pushedBy: credit.id, status: 'implementing' });
    const owed = (await stateOf(`target-${c.targetId}`)).steps.filter((s) => s.caseId === c.id).map((s) => `${s.kind}:${s.agencyId}`);
    expect(owed).toEqual([`acknowledgement:${implementer.id}`]);
    const told = await dbh.db.select().from(notices).where(and(eq(notices.agencyId, implementer.id), eq(notices.kind, 'pushed_to_implementer')));
    expect(told.map((n) => n.subject)).toContain('请签收并实施案件 (2025)浙0106民初IMP40号 的惩戒措施');
  });

  it('R13: an enterprise\'s imported case hands its persons\' measures over with the steps they had taken', async () => {
    const DIRECTOR = 'DM-R6-OFFICE-DIRECTOR';
    const res = await upload(admin, csv([row(80, {
      measures: `${BAN};${DIRECTOR}`, periods: `${BAN}=2y;${DIRECTOR}=3y`, persons: `legal_representative:${idNumberOf(80)}:张导入`,
      'taken.implementers': `${implementer.id}=${BAN}|${DIRECTOR}`, 'taken.inForceSince': day(-85),
    })]), CSV);
    expect(res.statusCode, res.body).toBe(202);
    expect(await finished(res.json().id)).toMatchObject({ accepted: 1, done: 1 });
    const enterprise = (await caseOf('杭市管罚〔2025〕IMP80号'))!;
    const [person] = await eventually(async () => {
      const found = await dbh.db.select().from(cases).where(eq(cases.derivedFrom, enterprise.id));
      expect(found).toHaveLength(1);
      return found;
    });
    for (const [c, code] of [[enterprise, BAN], [person, DIRECTOR]] as const) {
      const inForce = await dbh.db.select().from(caseMeasures).where(eq(caseMeasures.caseId, c.id));
      expect(inForce.map((m) => [m.code, m.activeFrom])).toEqual([[code, day(-85)]]);
      const owed = (await stateOf(`target-${c.targetId}`)).steps.filter((s) => s.caseId === c.id).map((s) => s.kind);
      expect(owed).toEqual(['period_end']);
    }
  });

  it('an import outlives the API instance that took it: rows the engine did not take are filed by the next one', async () => {
    const down = await appWithoutEngine(dbh, { targetIdKey: 'imports', now: () => new Date(clock), engineDeadlineMs: 500 });
    const res = await down.app.inject({ method: 'POST', url: '/imports', headers: { ...admin.headers, 'content-type': CSV }, payload: csv([row(60), row(61)]) });
    expect(res.statusCode, res.body).toBe(202);
    const stalled = await down.app.inject({ method: 'GET', url: `/imports/${res.json().id}`, headers: admin.headers });
    expect(stalled.json()).toMatchObject({ status: 'running', accepted: 2, done: 0 });
    await down.close();
    // The suite's worker serves the engine; the new instance is an API only.
    const next = await appOnEngine(env, dbh, { targetIdKey: 'imports', now: () => new Date(clock), worker: false });
    try {
      await next.app.ready(); // its first sweep finds the import no instance holds
      expect(await finished(res.json().id)).toMatchObject({ status: 'done', accepted: 2, refused: 0, done: 2 });
      expect(await caseOf('杭市管罚〔2025〕IMP61号')).toMatchObject({ status: 'implementing' });
    } finally {
      await next.close();
    }
  });

  it('npm run import -- FILE uploads it, draws its progress on stderr and prints the refused rows', async () => {
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const dir = mkdtempSync(join(tmpdir(), 'import-cli-'));
    const file = join(dir, 'cases.csv');
    writeFileSync(file, csv([row(70), row(71, { 'document.issuedOn': '2025-02-30' })]));
    const run = (args: string[]) => execFileAsync(process.execPath, ['--import', 'tsx', 'scripts/import.ts', ...args], {
      env: { ...process.env, JD_API_KEY: credit.apiKey }, cwd: process.cwd(),
    }).then((r) => ({ code: 0, ...r }), (err: { code: number; stdout: string; stderr: string }) => err);
    const first = await run([file, '--url', address]);
    expect(first.code, first.stderr).toBe(2);
    expect(first.stderr).toMatch(/\[#+\] 1\/1 filed, 1 refused of 2 rows/);
    expect(JSON.parse(first.stdout)).toMatchObject({ accepted: 1, done: 1, refusedRows: [{ row: 3, field: 'document.issuedOn', reason: 'is not a real calendar date (YYYY-MM-DD)' }] });
    const again = await run([file, '--url', address]);
    expect(again.stderr).toContain('imported before');
    expect(JSON.parse(again.stdout).id).toBe(JSON.parse(first.stdout).id);
    expect((await run(['--url', address])).code).toBe(1);
  });

  it('only ADMIN and CREDIT import; an import is read by its agency and SUPERVISOR', async () => {
    for (const who of [enforcement, authority, implementer, supervisor]) {
      expect((await upload(who, csv([row(50)]), CSV)).statusCode).toBe(403);
    }
    const res = await upload(admin, csv([row(51, { measures: 'NOPE' })]), CSV);
    expect(res.statusCode).toBe(202);
    expect((await get(`/imports/${res.json().id}`, supervisor)).statusCode).toBe(200);
    expect((await get(`/imports/${res.json().id}`, credit)).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/imports/columns' })).json().columns.map((c: { name: string }) => c.name)).toContain('taken.inForceSince');
  });
});

function csvFree(): string {
  return JSON.stringify({
    document: { number: '杭市管罚〔2025〕IMP41号', issuedOn: day(-60), issuer: '杭州市市场监督管理局' },
    target: { kind: 'enterprise', name: '杭州导入测试41有限公司', creditCode: creditCodeOf(1741) }, measures: [ADS], authority: authority.id,
  });
}
