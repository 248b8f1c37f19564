// R9 the structured monthly report, R11 cause changes, complaints and flags, and R5 closure,
// through the HTTP API on the Java time-skipping server with the real activities and a database
// of this suite's own; the API's clock follows the server's.
import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { steps } from '../../db/schema';
import { addDays, nextMonth } from '../../domain/dates';
import { monthlyReportWorkflowId } from '../../workflows/messages';
import { eventually } from '../support/eventually';
import { recordHistory } from '../support/histories';
import { creditCodeOf } from '../support/identities';
import { httpTimeSkippingSuite } from '../support/timeskipping';

const h = httpTimeSkippingSuite('reports', {
  authority: [['AUTHORITY'], '登记注册处'],
  enforcement: [['ENFORCEMENT'], '执法稽查处'],
  credit: [['CREDIT'], '信用监管处（联席会议办公室）'],
  implementer: [['IMPLEMENTER'], '行政审批服务中心'],
  association: [['IMPLEMENTER'], '食品行业协会', { implementerKind: 'industry_association' }],
  supervisor: [['SUPERVISOR'], '督查室'],
});
const { skip, today, post, get } = h;
const { authority, enforcement, credit, implementer, association, supervisor } = h.agencies;
const BAN = 'DM-R6-MARKET-INDUSTRY-BAN';

/** A case of its own target, its market ban pushed to the approval agency and acknowledged: in force from today. */
async function inForce(n: number, over: object = {}) {
  const filed = await post('/cases', enforcement, {
    source: 'penalty_decision', authority: authority.id, document: { number: `杭市管罚〔2026〕RPT${n}号`, issuedOn: today(), issuer: '杭州市市场监督管理局' },
    target: { kind: 'enterprise', creditCode: creditCodeOf(800 + n), name: `杭州报告测试${n}有限公司` },
    measures: [BAN], periods: { [BAN]: { years: 1 } }, ...over,
  });
  expect(filed.statusCode, filed.body).toBe(201);
  const { caseId, targetId } = filed.json();
  expect((await post(`/cases/${caseId}/implementers`, authority, { implementers: [{ agencyId: implementer.id, measures: [BAN] }] })).statusCode).toBe(200);
  expect((await post(`/cases/${caseId}/acknowledgement`, implementer)).statusCode).toBe(200);
  return { caseId, targetId, repeated: filed.json().repeated as boolean };
}

const counts = { officeRestrictions: 0, marketBans: 2, professionBans: 0, preferentialRestrictions: 1, honourRestrictions: 0, enhancedSupervision: 3 };

describe('R9 the monthly report over HTTP', () => {
  it('R9: one report per implementer and month closes the step of every target that owes it; /stats and its CSV count the categories', async () => {
    const month = today().slice(0, 7);
    const a = await inForce(1);
    const b = await inForce(2);
    const report = { month, counts, enhancedSupervision: '对2户企业开展重点检查', typicalCases: '某公司隐瞒禁入情形申请许可被驳回' };
    const early = await post('/reports', implementer, report);
    expect(early.statusCode).toBe(400);
    expect(early.json()).toMatchObject({ field: 'month', message: expect.stringMatching(/has not/) });
    await skip(`${Date.parse(`${nextMonth(month)}-02T10:00:00+08:00`) - h.clock}ms`);

    const made = await post('/reports', implementer, report);
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ month, targetsOwing: 2, counts });
    await eventually(async () => {
      const owing = await h.dbh.db.select().from(steps).where(and(eq(steps.kind, 'feedback'), eq(steps.month, month), isNull(steps.doneAt)));
      expect(owing).toEqual([]);
      expect((await get(`/reports?month=${month}`, supervisor)).json().items).toMatchObject([{ implementerId: implementer.id, delivered: 2 }]);
    });
    await recordHistory(h.env.client.workflow.getHandle(monthlyReportWorkflowId(implementer.id, month)), 'monthly-report');
    for (const t of [a, b]) {
      const history = (await get(`/targets/${t.targetId}/history`, supervisor)).json().items as { kind: string; summary: string }[];
      expect(history.find((l) => l.kind === 'report_received')?.summary).toBe(`行政审批服务中心 报送 ${month} 月度实施情况（月度报告）`);
    }
    // The same report sent again is answered as stored; another one is refused.
    expect((await post('/reports', implementer, report)).statusCode).toBe(200);
    const changed = await post('/reports', implementer, { ...report, counts: { ...counts, marketBans: 9 } });
    expect(changed.statusCode).toBe(409);
    expect(changed.json()).toMatchObject({ field: 'month' });
    expect((await get(`/reports?implementerId=${association.id}`, implementer)).statusCode).toBe(400);

    const stats = (await get(`/stats?month=${month}`, supervisor)).json();
    expect(stats.reported).toEqual([{ month, agencyId: implementer.id, agency: '行政审批服务中心', counts, targets: 2 }]);
    const csv = (await get(`/stats?month=${month}&format=csv`, supervisor)).body;
    expect(csv).toContain(`reported,${month},${implementer.id},行政审批服务中心,marketBans 市场和行业禁入,2`);
    expect(csv).toContain(`reported,${month},${implementer.id},行政审批服务中心,enhancedSupervision 强化监管措施,3`);
    expect(csv).toContain(`reported,${month},${implementer.id},行政审批服务中心,targets,2`);
  });
});

describe('R5 closure and R11 over HTTP', () => {
  it('R5: a measure goes only to an implementer of its kind; the AUTHORITY carries out its own kind; the rest is recorded not applicable', async () => {
    const filed = await post('/cases', enforcement, {
      source: 'penalty_decision', authority: authority.id, document: { number: '杭市管罚〔2026〕RPT-K号', issuedOn: today(), issuer: '杭州市市场监督管理局' },
      target: { kind: 'enterprise', creditCode: creditCodeOf(890), name: '杭州种类测试有限公司' },
      measures: [BAN, 'DM-R8-ASSOC-CRITICISM', 'DM-R8-PUBLICITY-ADVERSE'],
      periods: { [BAN]: { years: 1 }, 'DM-R8-ASSOC-CRITICISM': { years: 1 }, 'DM-R8-PUBLICITY-ADVERSE': { years: 1 } },
    });
    const { caseId } = filed.json();
    const wrong = await post(`/cases/${caseId}/implementers`, authority, { implementers: [{ agencyId: implementer.id, measures: ['DM-R8-ASSOC-CRITICISM'] }] });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json().message).toMatch(/industry_association; .* is approval_agency/);
    const pushed = await post(`/cases/${caseId}/implementers`, authority, {
      implementers: [{ agencyId: implementer.id, measures: [BAN] }, { agencyId: authority.id, measures: ['DM-R8-PUBLICITY-ADVERSE'] }],
    });
    expect(pushed.statusCode, pushed.body).toBe(200);
    expect(pushed.json().detail).toEqual({ remaining: ['DM-R8-ASSOC-CRITICISM'] });
    expect(pushed.json().closed).toEqual([`receipt/${caseId}`]);
    const na = await post(`/cases/${caseId}/not-applicable`, authority, { measures: [{ code: 'DM-R8-ASSOC-CRITICISM', reason: '当事人不属于任何行业协会会员' }] });
    expect(na.statusCode, na.body).toBe(200);
    expect(na.json().closed).toEqual([`implementer_push/${caseId}`]);
    expect((await post(`/cases/${caseId}/acknowledgement`, authority)).statusCode).toBe(200);
  });

  it('R11: a revoked cause is recorded by the filing agency and the AUTHORITY releases; a complaint and a flag suspend; all read in Chinese', async () => {
    const c = await inForce(3);
    const future = await post(`/cases/${c.caseId}/cause-changes`, enforcement, {
      change: 'revoked', document: { number: '浙行复〔2026〕7号', issuedOn: today(), issuer: '浙江省人民政府' }, confirmedOn: addDays(today(), 3),
    });
    expect(future.statusCode).toBe(409);
    const recorded = await post(`/cases/${c.caseId}/cause-changes`, enforcement, {
      change: 'revoked', document: { number: '浙行复〔2026〕7号', issuedOn: today(), issuer: '浙江省人民政府' }, confirmedOn: today(),
    });
    expect(recorded.statusCode, recorded.body).toBe(200);
    expect(recorded.json().opened).toMatchObject([{ kind: 'cause_adjustment', agencyId: authority.id, rule: 'R11' }]);
    expect((await post(`/cases/${c.caseId}/adjustment`, authority, { release: true })).statusCode).toBe(200);

    const d = await inForce(4);
    const flag = await post(`/cases/${d.caseId}/flags`, implementer, { reason: '当事人已更名，信息有误' });
    expect(flag.statusCode, flag.body).toBe(201);
    const flagId = flag.json().detail.objectionId;
    expect((await post(`/cases/${d.caseId}/objections/${flagId}/decision`, enforcement, { outcome: 'rejected', reason: '信息无误' })).statusCode).toBe(200);
    const complaint = await post(`/cases/${d.caseId}/complaints`, credit, { reason: '对核实结果不服' });
    expect(complaint.statusCode, complaint.body).toBe(201);
    const k = complaint.json().detail.complaintId;
    expect((await post(`/cases/${d.caseId}/complaints/${k}/decision`, credit, { outcome: 'rejected', reason: '维持原认定' })).statusCode).toBe(200);

    const say = async (targetId: string) => ((await get(`/targets/${targetId}/history`, supervisor)).json().items as { summary: string }[]).map((l) => l.summary);
    expect(await say(c.targetId)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^执法稽查处 记录失信事由经 浙江省人民政府 浙行复〔2026〕7号 撤销/),
      expect.stringMatching(/^登记注册处 因失信事由变更解除案件 .*的全部措施/),
    ]));
    expect(await say(d.targetId)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^实施机构 行政审批服务中心 认为案件 .*信息有误/),
      expect.stringMatching(/^信用监管处（联席会议办公室） 受理当事人投诉：对核实结果不服/),
      expect.stringMatching(/^投诉被驳回/),
    ]));
  });

  it('R12: a serious case against a target with an earlier serious case is repeated, whatever the clerk said', async () => {
    const first = await inForce(5, { seriousness: 'serious' });
    expect(first.repeated).toBe(false);
    const again = await post('/cases', enforcement, {
      source: 'penalty_decision', authority: authority.id, document: { number: '杭市管罚〔2026〕RPT5-2号', issuedOn: today(), issuer: '杭州市市场监督管理局' },
      target: { kind: 'enterprise', creditCode: creditCodeOf(805), name: '杭州报告测试5有限公司' },
      measures: [BAN], periods: { [BAN]: { years: 1 } }, seriousness: 'serious', repeated: false,
    });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().repeated).toBe(true);
  });
});
