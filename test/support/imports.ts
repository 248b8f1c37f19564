// Issue 17 bulk import through the HTTP API: the suite (test/support/timeskipping.ts) with the
// agencies the import suites share, a row of the column list as a clerk fills it in, the CSV of
// rows, the upload and the wait for an import to finish.
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { cases } from '../../db/schema';
import { addDays, shanghaiDateOf } from '../../domain/dates';
import { targetStateQuery } from '../../workflows/messages';
import { eventually } from './eventually';
import { creditCodeOf } from './identities';
import { httpTimeSkippingSuite, type Agency } from './timeskipping';

export const BAN = 'DM-R6-MARKET-INDUSTRY-BAN';
export const ADS = 'DM-R6-ADVERTISING';
export const ADVERSE = 'DM-R8-PUBLICITY-ADVERSE';
export const CSV = 'text/csv';
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function csv(rows: Record<string, string>[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: string | undefined) => `"${(v ?? '').replace(/"/g, '""')}"`;
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n');
}

export function importsSuite() {
  const h = httpTimeSkippingSuite('imports', {
    admin: [['ADMIN'], '系统管理'],
    credit: [['CREDIT'], '信用监管处'],
    enforcement: [['ENFORCEMENT'], '执法稽查处'],
    authority: [['AUTHORITY'], '登记注册处'],
    implementer: [['IMPLEMENTER'], '行政审批局'],
    supervisor: [['SUPERVISOR'], '省局督查处', { region: '330000' }],
  });
  const { admin, enforcement, authority, implementer } = h.agencies;
  const day = (offset: number) => addDays(shanghaiDateOf(h.clock), offset);
  const upload = (who: Agency, body: Buffer | string, type: string) =>
    h.app.inject({ method: 'POST', url: '/imports', headers: { ...who.headers, 'content-type': type }, payload: body });

  async function finished(id: string, who: Agency = admin) {
    return eventually(async () => {
      const r = await h.get(`/imports/${id}`, who);
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

  const caseOf = async (number: string) => (await h.dbh.db.select().from(cases).where(eq(cases.documentNumber, number)))[0];
  const stateOf = (workflowId: string) => h.env.client.workflow.getHandle(workflowId).query(targetStateQuery);
  return { h, day, upload, finished, row, caseOf, stateOf };
}
