// R15 scoring through the HTTP API: the suite (test/support/timeskipping.ts) with the agencies the
// scoring suites share, its escalation interval, and the steps they repeat: a policy adopted,
// an act recorded, a tier case carried out.
import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { beforeAll, expect } from 'vitest';
import { caseMeasures } from '../../db/schema';
import { eventually } from './eventually';
import { creditCodeOf } from './identities';
import { httpTimeSkippingSuite, type Agency } from './timeskipping';

export const file = (url: URL) => JSON.parse(readFileSync(url, 'utf8')) as Record<string, unknown>;

export function scoringSuite() {
  const h = httpTimeSkippingSuite('scoring', {
    admin: [['ADMIN'], '系统管理员'],
    credit: [['CREDIT'], '信用监管处'],
    legal: [['LEGAL'], '法规处'],
    creditAndLegal: [['CREDIT', 'LEGAL'], '信用与法规合署处'],
    authority: [['AUTHORITY'], '城市管理局'],
    otherAuthority: [['AUTHORITY'], '登记注册处'],
    enforcement: [['ENFORCEMENT'], '城管执法支队'],
    enforcement2: [['ENFORCEMENT'], '执法稽查处'],
    implementer: [['IMPLEMENTER'], '行政审批服务中心'],
    adminAndCredit: [['ADMIN', 'CREDIT'], '信息中心'],
    enforcementElsewhere: [['ENFORCEMENT'], '南宁市城管执法支队', { region: '450100' }],
    nationalCredit: [['CREDIT'], '总局信用监管司', { nationalScope: true }],
  });
  const { post, get } = h;
  const { admin, credit, legal, authority, enforcement } = h.agencies;
  function put(url: string, who: Agency, payload: object) {
    return h.app.inject({ method: 'PUT', url, headers: who.headers, payload });
  }

  beforeAll(async () => {
    // Months pass in the last test: reports nobody files are reminded every 30 working days, not every 2.
    expect((await put('/escalation-intervals/feedback', admin, { intervalWorkingDays: 30 })).statusCode).toBe(200);
  });

  /** ADMIN proposes the file; CREDIT and LEGAL approve: in force from today. */
  async function adopt(policy: Record<string, unknown>): Promise<string> {
    const proposed = await post('/scoring-policies', admin, { policy, authority: authority.id, reason: '施行计分管理' });
    expect(proposed.statusCode, proposed.body).toBe(202);
    const { changeId } = proposed.json();
    expect((await post(`/scoring-policies/${changeId}/decision`, credit, { approve: true })).statusCode).toBe(200);
    const second = await post(`/scoring-policies/${changeId}/decision`, legal, { approve: true });
    expect(second.statusCode, second.body).toBe(200);
    await eventually(async () => expect((await get(`/scoring-policies/${changeId}`, credit)).json().status).toBe('effective'));
    return changeId;
  }

  /** An act against the enterprise numbered n, recorded by ENFORCEMENT. */
  function act(n: number, policyId: string, cls: string, date: string, doc: string, more: object = {}, who = enforcement) {
    return post('/acts', who, {
      policyId, class: cls, item: 'item-A', date, document: { number: doc, issuer: '城市管理综合行政执法局' },
      target: { kind: 'enterprise', creditCode: creditCodeOf(n), name: `计分测试${n}有限公司` }, ...more,
    });
  }

  /** The AUTHORITY carries out a tier case's measures itself (they are of its kind): pushed to itself and acknowledged. */
  async function carryOut(caseId: string, measures: string[]): Promise<void> {
    const pushed = await post(`/cases/${caseId}/implementers`, authority, { implementers: [{ agencyId: authority.id, measures }] });
    expect(pushed.statusCode, pushed.body).toBe(200);
    expect(pushed.json().closed).toEqual(expect.arrayContaining([`receipt/${caseId}`, `implementer_push/${caseId}`]));
    const acknowledged = await post(`/cases/${caseId}/acknowledgement`, authority);
    expect(acknowledged.statusCode, acknowledged.body).toBe(200);
  }

  const measureRow = async (caseId: string, code: string) =>
    (await h.dbh.db.select().from(caseMeasures).where(and(eq(caseMeasures.caseId, caseId), eq(caseMeasures.code, code))))[0];

  return { h, put, adopt, act, carryOut, measureRow };
}
