// R1 reviewed changes to the two lists, in the Java time-skipping server with the real
// activities on a database of this suite's own: two approvals, one rejection, the 10-working-day
// deadline that reminds and escalates, effective dates, version pinning and the retire notice.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { cases, measureChanges, measureVersions, notices, steps, targets } from '../../db/schema';
import { addDays, shanghaiDateOf } from '../../domain/dates';
import { measureReviewWorkflowId } from '../../workflows/messages';
import { agencyWithKey } from '../support/agencies';
import { eventually } from '../support/eventually';
import { recordHistory } from '../support/histories';
import { httpTimeSkippingSuite, type Agency } from '../support/timeskipping';

// The API's clock follows the test server's (skipped) time.
const h = httpTimeSkippingSuite('review', {
  authority: [['AUTHORITY'], '市市场监管局登记注册处'],
  credit: [['CREDIT'], '市市场监管局信用监管处'],
  legal: [['LEGAL'], '市市场监管局法规处'],
  supervisor: [['SUPERVISOR'], '督查室'],
  enforcement: [['ENFORCEMENT'], '执法稽查处'],
});
const { tick, skip } = h;
const { authority, credit, legal, supervisor, enforcement } = h.agencies;

const newMeasure = {
  list: 'discipline', category: 'R7', nameZh: '限制申请测试类财政补助', nameEn: 'Restriction on a test subsidy',
  legalBasis: null, targetKinds: ['enterprise'], period: { rule: 'fixed', length: { years: 1 } }, legalMinimum: null,
  implementerKind: 'authority', mandatory: false, feedbackSet: true, outsideLocalAuthority: false,
};

async function propose(body: object) {
  const res = await h.app.inject({ method: 'POST', url: '/measures/changes', headers: authority.headers, payload: body });
  expect(res.statusCode, res.body).toBe(202);
  return res.json() as { changeId: string; workflowId: string };
}

const decide = (changeId: string, who: Agency, approve: boolean, reason?: string) =>
  h.app.inject({ method: 'POST', url: `/measures/changes/${changeId}/decision`, headers: who.headers, payload: { approve, ...(reason ? { reason } : {}) } });

async function change(changeId: string) {
  const [row] = await h.dbh.db.select().from(measureChanges).where(eq(measureChanges.id, changeId));
  return row;
}

describe('R1 reviewed changes to the two lists', () => {
  it('R1: an addition takes effect on its effective date only after CREDIT and LEGAL both approve', async () => {
    await tick();
    const today = shanghaiDateOf(h.clock);
    const effectiveFrom = addDays(today, 5);
    const { changeId, workflowId } = await propose({ kind: 'add', code: 'DM-R7-TEST-SUBSIDY', reason: '新规施行', measure: newMeasure, effectiveFrom });
    expect(workflowId).toBe(measureReviewWorkflowId(changeId));

    expect((await decide(changeId, credit, true)).statusCode).toBe(200);
    await skip('1 hour');
    expect((await change(changeId)).status).toBe('under_review'); // one approval is not enough
    expect((await change(changeId)).creditDecision).toMatchObject({ approve: true, agencyName: '市市场监管局信用监管处' });
    expect((await decide(changeId, credit, true)).statusCode).toBe(409); // each role decides once

    expect((await decide(changeId, legal, true)).statusCode).toBe(200);
    await eventually(async () => expect((await change(changeId)).status).toBe('approved'));
    const [version] = await h.dbh.db.select().from(measureVersions).where(eq(measureVersions.code, 'DM-R7-TEST-SUBSIDY'));
    expect(version).toMatchObject({ version: 1, status: 'active', effectiveFrom, changeId });
    // Not yet in effect: not listed, and a case cannot use it.
    let listed = await h.app.inject({ method: 'GET', url: '/measures?q=TEST-SUBSIDY' });
    expect(listed.json().total).toBe(0);

    await skip('6 days');
    await h.env.client.workflow.getHandle(workflowId).result();
    expect((await change(changeId)).status).toBe('effective');
    listed = await h.app.inject({ method: 'GET', url: '/measures?q=TEST-SUBSIDY' });
    expect(listed.json().items).toEqual([expect.objectContaining({ code: 'DM-R7-TEST-SUBSIDY', status: 'active', legalBasis: expect.objectContaining({ status: 'basis to be confirmed' }) })]);
    const told = await h.dbh.db.select().from(notices).where(and(eq(notices.agencyId, authority.id), eq(notices.kind, 'change_approved')));
    expect(told).toHaveLength(1);
    await recordHistory(h.env.client.workflow.getHandle(workflowId), 'measure-review');
  });

  it('R1: one rejection ends the review, with its reason told to the proposer', async () => {
    await tick();
    const { changeId, workflowId } = await propose({ kind: 'amend', code: 'DM-R7-TEST-SUBSIDY', reason: '扩大适用', measure: { targetKinds: ['enterprise', 'person'] } });
    const noReason = await decide(changeId, legal, false);
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json()).toMatchObject({ field: 'reason' });
    expect((await decide(changeId, legal, false, '上位法未授权对自然人适用')).statusCode).toBe(200);
    await h.env.client.workflow.getHandle(workflowId).result();
    expect(await change(changeId)).toMatchObject({ status: 'rejected', legalDecision: { approve: false, reason: '上位法未授权对自然人适用' } });
    expect((await decide(changeId, credit, true)).statusCode).toBe(409);
    const [told] = await h.dbh.db.select().from(notices).where(and(eq(notices.agencyId, authority.id), eq(notices.kind, 'change_rejected')));
    expect(told.detail).toMatchObject({ reason: '上位法未授权对自然人适用', by: '市市场监管局法规处' });
    const versions = await h.dbh.db.select().from(measureVersions).where(eq(measureVersions.code, 'DM-R7-TEST-SUBSIDY'));
    expect(versions).toHaveLength(1);
  });

  it('R1/R14: a review not decided within 10 working days reminds the reviewers still to decide and escalates to supervisors', async () => {
    await tick();
    const { changeId } = await propose({ kind: 'amend', code: 'DM-R7-TEST-SUBSIDY', reason: '调整期限', measure: { period: { rule: 'fixed', length: { years: 2 } } } });
    expect((await decide(changeId, credit, true)).statusCode).toBe(200);
    await skip('9 days');
    const [review] = await h.dbh.db.select().from(steps).where(eq(steps.changeId, changeId));
    expect(review).toMatchObject({ kind: 'measure_review', rule: 'R1', overdueAt: null, doneAt: null });
    await skip('30 days'); // 10 working days, whatever holidays fall in them
    const [overdue] = await eventually(async () => {
      const rows = await h.dbh.db.select().from(steps).where(eq(steps.changeId, changeId));
      expect(rows[0].overdueAt).not.toBeNull();
      return rows;
    });
    expect(overdue).toMatchObject({ kind: 'measure_review', rule: 'R1', doneAt: null });
    expect(overdue.dueAt.getTime()).toBe((await change(changeId)).reviewDueAt!.getTime());
    const reminded = await h.dbh.db.select().from(notices).where(eq(notices.kind, 'review_reminder'));
    expect(reminded.map((n) => n.agencyId)).toEqual([legal.id]); // CREDIT already decided
    const escalated = await h.dbh.db.select().from(notices).where(eq(notices.kind, 'review_escalated'));
    expect(escalated.map((n) => n.agencyId)).toEqual([supervisor.id]);
    const inbox = await h.app.inject({ method: 'GET', url: '/inbox', headers: legal.headers });
    expect(inbox.json().items.map((n: { kind: string }) => n.kind)).toContain('review_reminder');

    expect((await decide(changeId, legal, true)).statusCode).toBe(200);
    await eventually(async () => expect((await change(changeId)).status).toMatch(/approved|effective/));
    const [closed] = await h.dbh.db.select().from(steps).where(eq(steps.changeId, changeId));
    expect(closed.doneAt).not.toBeNull();
  });

  it('R1: cases keep the version they were matched against, and a retirement tells the AUTHORITY of every case where the measure is pushed, received or in force', async () => {
    await tick();
    const today = shanghaiDateOf(h.clock);
    const file = async (number: string, creditCode: string) => {
      const res = await h.app.inject({
        method: 'POST', url: '/cases', headers: enforcement.headers,
        payload: {
          source: 'penalty_decision', consultation: false, authority: authority.id, measures: ['DM-R7-TEST-SUBSIDY'],
          document: { number, issuedOn: today, issuer: '杭州市市场监督管理局' },
          target: { kind: 'enterprise', creditCode, name: '杭州某某科技有限公司' },
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().caseId as string;
    };
    // Matched against the current version (2, after the amendment above): one only pushed, one
    // received, one in force with its implementer.
    const pushed = await file('杭市管罚〔2026〕R1号', '91330100799655058B');
    const received = await file('杭市管罚〔2026〕R1-b号', '91330106MA2H3X0A1H');
    const inForce = await file('杭市管罚〔2026〕R1-c号', '913301007125843692');
    const post = (url: string, who: Agency, payload?: object) => h.app.inject({ method: 'POST', url, headers: who.headers, payload });
    expect((await post(`/cases/${received}/receipt`, authority)).statusCode).toBe(200);
    // R5: an R7 measure of the authority kind is carried out by the case's AUTHORITY itself.
    expect((await post(`/cases/${inForce}/implementers`, authority, { implementers: [{ agencyId: authority.id, measures: ['DM-R7-TEST-SUBSIDY'] }] })).statusCode).toBe(200);
    expect((await post(`/cases/${inForce}/acknowledgement`, authority)).statusCode).toBe(200);
    const [row] = await h.dbh.db.select().from(cases).where(eq(cases.id, pushed));
    expect(row.measures).toEqual([expect.objectContaining({ code: 'DM-R7-TEST-SUBSIDY', version: 2 })]);
    expect(row.authorityId).toBe(authority.id);
    // A released case elsewhere uses it too, and must not be told.
    await h.dbh.db.insert(targets).values({ id: 'Eclosed000000000000000000', kind: 'enterprise', name: '已结案企业', workflowId: 'target-Eclosed' });
    await h.dbh.db.insert(cases).values({
      id: 'Cclosed', targetId: 'Eclosed000000000000000000', source: 'penalty_decision', documentNumber: 'closed', documentIssuer: 'x',
      issuedOn: today, measures: [{ ...row.measures[0], version: 1 }], status: 'released', authorityId: authority.id,
    });

    const { changeId, workflowId } = await propose({ kind: 'retire', code: 'DM-R7-TEST-SUBSIDY', reason: '上位法废止' });
    await decide(changeId, credit, true);
    await decide(changeId, legal, true);
    await h.env.client.workflow.getHandle(workflowId).result();

    const retiredNotices = await h.dbh.db.select().from(notices).where(eq(notices.kind, 'measure_retired'));
    expect(retiredNotices.map((n) => (n.detail as { caseId: string }).caseId).sort()).toEqual([pushed, received, inForce].sort());
    expect(retiredNotices[0]).toMatchObject({ agencyId: authority.id, rule: 'R1', detail: expect.objectContaining({ code: 'DM-R7-TEST-SUBSIDY' }) });
    // The case still holds version 2; the list now says retired (version 3), and intake refuses it.
    const [after] = await h.dbh.db.select().from(cases).where(eq(cases.id, pushed));
    expect(after.measures).toEqual([expect.objectContaining({ code: 'DM-R7-TEST-SUBSIDY', version: 2 })]);
    const measure = await h.app.inject({ method: 'GET', url: '/measures/DM-R7-TEST-SUBSIDY' });
    expect(measure.json()).toMatchObject({ status: 'retired', version: 3 });
    expect(measure.json().versions.map((v: { version: number; status: string }) => `${v.version}:${v.status}`)).toEqual(['1:active', '2:active', '3:retired']);
    const refused = await h.app.inject({
      method: 'POST', url: '/cases', headers: enforcement.headers,
      payload: {
        source: 'penalty_decision', consultation: false, authority: authority.id, measures: ['DM-R7-TEST-SUBSIDY'],
        document: { number: '杭市管罚〔2026〕R1-2号', issuedOn: today, issuer: '杭州市市场监督管理局' },
        target: { kind: 'enterprise', creditCode: '91330100799655058B', name: '杭州某某科技有限公司' },
      },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ field: 'measures.0', message: expect.stringMatching(/retired/) });
  });

  it('R1: the two approvals come from two different agencies: one holding both roles decides once, and never on its own proposal', async () => {
    const both = await agencyWithKey(h.dbh.db, ['CREDIT', 'LEGAL'], '信用与法制合署机构');
    const { changeId } = await propose({ kind: 'add', code: 'DM-R7-TEST-TWO-AGENCIES', reason: '新规施行', measure: newMeasure });
    const as = (role: 'CREDIT' | 'LEGAL') => h.app.inject({
      method: 'POST', url: `/measures/changes/${changeId}/decision`, headers: both.headers, payload: { approve: true, role },
    });
    expect((await as('CREDIT')).statusCode).toBe(200);
    const second = await as('LEGAL');
    expect(second.statusCode).toBe(409);
    expect(second.json().message).toMatch(/two different agencies/);
    await skip('1 hour');
    expect((await change(changeId)).status).toBe('under_review');
    expect((await change(changeId)).legalDecision).toBeNull();
    // Another agency's LEGAL approval completes it.
    expect((await decide(changeId, legal, true)).statusCode).toBe(200);
    await eventually(async () => expect((await change(changeId)).status).not.toBe('under_review'));
    // An agency that is AUTHORITY and CREDIT proposes; it cannot approve its own proposal.
    const proposer = await agencyWithKey(h.dbh.db, ['AUTHORITY', 'CREDIT'], '主管与信用合署机构');
    const own = await h.app.inject({
      method: 'POST', url: '/measures/changes', headers: proposer.headers,
      payload: { kind: 'add', code: 'DM-R7-TEST-OWN-PROPOSAL', reason: '新规施行', measure: newMeasure },
    });
    expect(own.statusCode, own.body).toBe(202);
    const self = await decide(own.json().changeId, proposer, true);
    expect(self.statusCode).toBe(403);
    expect(self.json().message).toMatch(/proposed this change/);
    expect((await decide(own.json().changeId, legal, false, '不予通过')).statusCode).toBe(200);
  });
});
