// R4 upward reports and R2 consultation and legal review through the HTTP API, on the Java
// time-skipping server with the real activities and a database of this suite's own: each hop a
// step with its deadline, on the overdue board when late, and read in the target's history in
// plain Chinese; the API's clock follows the server's.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { notices } from '../../db/schema';
import { agencyWithKey } from '../support/agencies';
import { eventually } from '../support/eventually';
import { creditCodeOf } from '../support/identities';
import { httpTimeSkippingSuite } from '../support/timeskipping';

const h = httpTimeSkippingSuite('requests', {
  samr: [['AUTHORITY'], '国家市场监督管理总局', { level: 'national' }],
  province: [['AUTHORITY'], '浙江省市场监督管理局', (a) => ({ level: 'province', parentId: a.samr.id })],
  city: [['AUTHORITY'], '杭州市市场监督管理局登记注册处', (a) => ({ parentId: a.province.id })],
  enforcement: [['ENFORCEMENT'], '执法稽查处'],
  credit: [['CREDIT'], '信用监管处'],
  legal: [['LEGAL'], '法规处'],
  supervisor: [['SUPERVISOR'], '督查室'],
});
const { skip, today, post, get } = h;
const { samr, province, city, enforcement, credit, legal, supervisor } = h.agencies;

function penalty(n: number, over: object = {}) {
  return {
    source: 'penalty_decision', authority: city.id, document: { number: `杭市管罚〔2026〕REQ${n}号`, issuedOn: today(), issuer: '杭州市市场监督管理局' },
    target: { kind: 'enterprise', creditCode: creditCodeOf(700 + n), name: `杭州请求测试${n}有限公司` },
    measures: ['DM-R6-NO-NOTIFY-COMMIT'], periods: { 'DM-R6-NO-NOTIFY-COMMIT': { years: 1 } }, ...over,
  };
}

/** The target's history as the supervisor reads it: kind and sentence, oldest first. */
async function story(targetId: string): Promise<{ kind: string; summary: string }[]> {
  const res = await get(`/targets/${targetId}/history`, supervisor);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
}

describe('R4 upward reports over HTTP', () => {
  it('R4: the report goes up city → province → national, each hop a step with its deadline, late on the overdue board, each read in Chinese', async () => {
    // The seeds give no number: an ADMIN set 5 working days for a hop.
    const admin = await agencyWithKey(h.dbh.db, ['ADMIN']);
    expect((await h.app.inject({ method: 'PUT', url: '/step-deadlines/upward_report', headers: admin.headers, payload: { workingDays: 5 } })).statusCode).toBe(200);
    const filed = await post('/cases', enforcement, penalty(1, {
      measures: ['DM-R6-NO-NOTIFY-COMMIT', 'DM-R7-TAX-PREFERENCE'], periods: { 'DM-R6-NO-NOTIFY-COMMIT': { years: 1 }, 'DM-R7-TAX-PREFERENCE': { years: 1 } },
    }));
    expect(filed.statusCode, filed.body).toBe(201);
    const { caseId, targetId, opened } = filed.json();
    const firstHop = opened.find((s: { kind: string }) => s.kind === 'upward_report');
    const fiveDays = (await h.app.inject({ method: 'GET', url: `/calendar/deadline?from=${today()}&workingDays=5` })).json();
    expect(firstHop).toMatchObject({ agencyId: city.id, rule: 'R4', dueOn: fiveDays.due });

    const notYet = await post(`/cases/${caseId}/upward-reports/UR1/forward`, province, { note: '' });
    expect(notYet.statusCode).toBe(403);
    const up = await post(`/cases/${caseId}/upward-reports/UR1/forward`, city, { note: '当事人在本市有严重违法失信行为' });
    expect(up.statusCode, up.body).toBe(200);
    expect(up.json().opened).toMatchObject([{ kind: 'upward_report', agencyId: province.id }]);
    // The level a report reached reads the target.
    const readByProvince = await get(`/targets/${targetId}`, province);
    expect(readByProvince.statusCode, readByProvince.body).toBe(200);

    await skip('9 days');
    await eventually(async () => {
      const board = (await get('/overdue?rule=R4', supervisor)).json().items;
      expect(board.map((i: { step: string; agencyId: string }) => [i.step, i.agencyId])).toEqual([['upward_report', province.id]]);
    });
    const toSamr = await post(`/cases/${caseId}/upward-reports/UR1/forward`, province, { note: '请审慎处理' });
    expect(toSamr.statusCode, toSamr.body).toBe(200);
    // A report to a national body advises caution (002 篇三 (七)).
    const [told] = await h.dbh.db.select().from(notices).where(and(eq(notices.kind, 'report_upward'), eq(notices.agencyId, samr.id)));
    expect(told.subject).toMatch(/审慎/);
    const noParent = await post(`/cases/${caseId}/upward-reports/UR1/forward`, samr, { note: '' });
    expect(noParent.statusCode).toBe(400);
    expect(noParent.json()).toMatchObject({ field: 'reportId', message: expect.stringMatching(/no level above/) });
    expect((await post(`/cases/${caseId}/upward-reports/UR1/confirm`, samr, { note: '由总局协调税务部门实施' })).statusCode).toBe(200);

    const lines = await story(targetId);
    const hops = lines.filter((l) => ['reported_upward', 'upward_forwarded', 'upward_confirmed'].includes(l.kind)).map((l) => l.summary);
    expect(hops).toEqual([
      expect.stringMatching(/「限制享受税收优惠」.*报送同级业务主管机构 杭州市市场监督管理局登记注册处/),
      expect.stringMatching(/^杭州市市场监督管理局登记注册处 将案件 .*上报至 浙江省市场监督管理局/),
      expect.stringMatching(/^浙江省市场监督管理局 将案件 .*上报至 国家市场监督管理总局.*请审慎处理/),
      expect.stringMatching(/^国家市场监督管理总局 确认收到.*逐级上报完成/),
    ]);
    expect(lines.filter((l) => l.kind === 'overdue').map((l) => l.summary)).toContainEqual(expect.stringMatching(/^浙江省市场监督管理局 的逐级上报已逾期/));
    await h.app.inject({ method: 'PUT', url: '/step-deadlines/upward_report', headers: admin.headers, payload: { workingDays: 3 } });
  });

  it('R4: an agency may have as parent only an AUTHORITY at a level above', async () => {
    const admin = await agencyWithKey(h.dbh.db, ['ADMIN']);
    const patch = (id: string, payload: object) => h.app.inject({ method: 'PATCH', url: `/agencies/${id}`, headers: admin.headers, payload });
    expect((await patch(province.id, { parentId: city.id })).json()).toMatchObject({ field: 'parentId', message: expect.stringMatching(/not above/) });
    expect((await patch(city.id, { parentId: credit.id })).json()).toMatchObject({ field: 'parentId', message: expect.stringMatching(/not an AUTHORITY/) });
    const moved = await patch(city.id, { level: 'district' });
    expect(moved.json().agency).toMatchObject({ level: 'district', parentId: province.id });
    await patch(city.id, { level: 'city' });
  });
});

describe('R2 consultation and legal review over HTTP', () => {
  it('R2: the filing agency asks AUTHORITY and CREDIT to consult and LEGAL to review; each answers; LEGAL is told of the discipline', async () => {
    const bad = await post('/cases', enforcement, penalty(2, { consultWith: [enforcement.id] }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'consultWith.0' });
    const notLegal = await post('/cases', enforcement, penalty(2, { legalReview: credit.id }));
    expect(notLegal.json()).toMatchObject({ field: 'legalReview' });

    const filed = await post('/cases', enforcement, penalty(2, { consultWith: [city.id, credit.id], legalReview: legal.id }));
    expect(filed.statusCode, filed.body).toBe(201);
    const { caseId, targetId, opened } = filed.json();
    expect(opened.filter((s: { kind: string }) => s.kind === 'consultation' || s.kind === 'legal_review').map((s: { key: string; agencyId: string }) => [s.key, s.agencyId]))
      .toEqual([[`consultation/${caseId}/Q1`, city.id], [`consultation/${caseId}/Q2`, credit.id], [`legal_review/${caseId}/L1`, legal.id]]);
    // R2: with consultation the push limit is 15 working days.
    const fifteen = (await h.app.inject({ method: 'GET', url: `/calendar/deadline?from=${today()}&workingDays=15` })).json();
    expect(filed.json().pushDueOn).toBe(fifteen.due);
    const toLegal = (await h.dbh.db.select().from(notices).where(eq(notices.agencyId, legal.id)))
      .filter((n) => (n.detail as { caseId?: string }).caseId === caseId);
    expect(toLegal.map((n) => n.kind).sort()).toEqual(['discipline_triggered', 'legal_review']);

    expect((await post(`/cases/${caseId}/consultations/L1/answer`, credit, { agree: true, reason: '同意' })).statusCode).toBe(403);
    expect((await post(`/cases/${caseId}/consultations/Q2/answer`, credit, { agree: true, reason: '同意列入' })).statusCode).toBe(200);
    const review = await post(`/cases/${caseId}/consultations/L1/answer`, legal, { agree: false, reason: '处罚依据条款引用有误' });
    expect(review.statusCode, review.body).toBe(200);
    expect(review.json().closed).toEqual([`legal_review/${caseId}/L1`]);
    const lines = (await story(targetId)).map((l) => l.summary);
    expect(lines).toContainEqual(expect.stringMatching(/提请.*杭州市市场监督管理局登记注册处会商.*法规处法制审核/));
    expect(lines).toContainEqual(expect.stringMatching(/^法规处 对案件 .*出具法制审核意见：不同意，处罚依据条款引用有误/));
  });
});
