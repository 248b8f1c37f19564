// Issue 17, bulk import through the HTTP API on the Java time-skipping server with the real
// activities: an XLSX and a JSON-lines file made here, an enterprise's persons (R13), an import
// that outlives the API instance that took it, and `npm run import`. The CSV import itself:
// imports-http.timeskipping.test.ts.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { and, eq, inArray } from 'drizzle-orm';
import writeXlsxFile from 'write-excel-file/node';
import { describe, expect, it } from 'vitest';
import { caseMeasures, cases, notices } from '../../db/schema';
import { appOnEngine, appWithoutEngine } from '../support/apps';
import { eventually } from '../support/eventually';
import { creditCodeOf, idNumberOf } from '../support/identities';
import { ADS, BAN, CSV, csv, importsSuite, XLSX } from '../support/imports';

const execFileAsync = promisify(execFile);
const { h, day, upload, finished, row, caseOf, stateOf } = importsSuite();
const { admin, credit, authority, implementer } = h.agencies;

describe('issue 17: bulk import of cases already in force', () => {
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
    const measures = await h.dbh.db.select().from(caseMeasures).where(and(eq(caseMeasures.caseId, c.id), inArray(caseMeasures.code, [BAN, ADS])));
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
    const told = await h.dbh.db.select().from(notices).where(and(eq(notices.agencyId, implementer.id), eq(notices.kind, 'pushed_to_implementer')));
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
      const found = await h.dbh.db.select().from(cases).where(eq(cases.derivedFrom, enterprise.id));
      expect(found).toHaveLength(1);
      return found;
    });
    for (const [c, code] of [[enterprise, BAN], [person, DIRECTOR]] as const) {
      const inForce = await h.dbh.db.select().from(caseMeasures).where(eq(caseMeasures.caseId, c.id));
      expect(inForce.map((m) => [m.code, m.activeFrom])).toEqual([[code, day(-85)]]);
      const owed = (await stateOf(`target-${c.targetId}`)).steps.filter((s) => s.caseId === c.id).map((s) => s.kind);
      expect(owed).toEqual(['period_end']);
    }
  });

  it('an import outlives the API instance that took it: rows the engine did not take are filed by the next one', async () => {
    const down = await appWithoutEngine(h.dbh, { targetIdKey: 'imports', now: () => new Date(h.clock), engineDeadlineMs: 500 });
    const res = await down.app.inject({ method: 'POST', url: '/imports', headers: { ...admin.headers, 'content-type': CSV }, payload: csv([row(60), row(61)]) });
    expect(res.statusCode, res.body).toBe(202);
    const stalled = await down.app.inject({ method: 'GET', url: `/imports/${res.json().id}`, headers: admin.headers });
    expect(stalled.json()).toMatchObject({ status: 'running', accepted: 2, done: 0 });
    await down.close();
    // The suite's worker serves the engine; the new instance is an API only.
    const next = await appOnEngine(h.env, h.dbh, { targetIdKey: 'imports', now: () => new Date(h.clock), worker: false });
    try {
      await next.app.ready(); // its first sweep finds the import no instance holds
      expect(await finished(res.json().id)).toMatchObject({ status: 'done', accepted: 2, refused: 0, done: 2 });
      expect(await caseOf('杭市管罚〔2025〕IMP61号')).toMatchObject({ status: 'implementing' });
    } finally {
      await next.close();
    }
  });

  it('npm run import -- FILE uploads it, draws its progress on stderr and prints the refused rows', async () => {
    const address = await h.app.listen({ port: 0, host: '127.0.0.1' });
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
});

function csvFree(): string {
  return JSON.stringify({
    document: { number: '杭市管罚〔2025〕IMP41号', issuedOn: day(-60), issuer: '杭州市市场监督管理局' },
    target: { kind: 'enterprise', name: '杭州导入测试41有限公司', creditCode: creditCodeOf(1741) }, measures: [ADS], authority: authority.id,
  });
}
