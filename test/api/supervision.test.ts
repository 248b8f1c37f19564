// R14: what supervisors read, on a seeded October 2026 whose figures were counted by hand.
// The rows are written directly: statistics, search and the overdue board are read-only views
// of the tables the activities write (their writing is covered by the integration suites).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DbHandle } from '../../db/client';
import { agencies, caseImplementers, caseMeasures, cases, feedbackReports, objections, repairs, steps, targets } from '../../db/schema';
import { agencyWithKey } from '../support/agencies';
import { appWithoutEngine } from '../support/apps';
import { freshDatabase } from '../support/fresh-db';

let dbh: DbHandle;
let app: FastifyInstance;
let close: () => Promise<void>;
let supervisor: { headers: Record<string, string> };
let implementerKey: { headers: Record<string, string> };

/** The end (24:00) of a Shanghai day: how every deadline is stored. */
const endOf = (day: string) => new Date(new Date(`${day}T00:00:00+08:00`).getTime() + 86_400_000);
const at = (local: string) => new Date(`${local}+08:00`);
const NOW = at('2026-11-03T12:00:00');
/** A measure as a case pins it. */
const pin = (code: string) => ({ code, version: 1, category: code.split('-')[1] as 'R6', period: { years: 1 }, legalMinimum: null, feedbackSet: true, outsideLocalAuthority: false, implementerKind: 'approval_agency' });

beforeAll(async () => {
  dbh = await freshDatabase(inject('databaseUrl'));
  ({ app, close } = await appWithoutEngine(dbh, { now: () => NOW }));
  supervisor = await agencyWithKey(dbh.db, ['SUPERVISOR'], '督查室');
  await dbh.db.insert(agencies).values(([
    { id: 'E', name: '执法稽查处', roles: ['ENFORCEMENT'] },
    { id: 'C', name: '信用监管处', roles: ['CREDIT'] },
    { id: 'A', name: '登记注册处', roles: ['AUTHORITY'], field: '市场监管' },
    { id: 'I1', name: '行政审批服务中心', roles: ['IMPLEMENTER'] },
    { id: 'I2', name: '住房和城乡建设局', roles: ['IMPLEMENTER'] },
  ] as (typeof agencies.$inferInsert)[]).map((a) => ({ ...a, region: '330100' })));
  implementerKey = await agencyWithKey(dbh.db, ['IMPLEMENTER'], '另一实施机构');
  await dbh.db.insert(targets).values([
    { id: 'E000000000000000000000001', kind: 'enterprise', name: '杭州甲贸易有限公司', creditCode: '91330100799655058B', workflowId: 'w1', updatedAt: at('2026-10-23T10:00:00') },
    { id: 'E000000000000000000000002', kind: 'enterprise', name: '杭州乙科技有限公司', creditCode: '91330106MA2H3X0A1H', workflowId: 'w2', updatedAt: at('2026-10-29T10:00:00') },
    { id: 'E000000000000000000000003', kind: 'enterprise', name: '宁波丙建设工程有限公司', creditCode: '913302007204811835', workflowId: 'w3', status: 'closed', updatedAt: at('2026-10-05T10:00:00') },
  ]);
  const base = { documentIssuer: '杭州市市场监督管理局', issuedOn: '2026-10-01', authorityId: 'A' } as const;
  await dbh.db.insert(cases).values([
    // c1: pushed on time, received on time.
    { ...base, id: 'c1', targetId: 'E000000000000000000000001', source: 'penalty_decision', documentNumber: '罚1', status: 'implementing',
      measures: [pin('DM-R6-MARKET-INDUSTRY-BAN')], pushedBy: 'E', pushDueOn: '2026-10-09', pushedAt: at('2026-10-08T10:00:00'),
      receivedAt: at('2026-10-12T09:00:00') },
    // c2: pushed late, received late.
    { ...base, id: 'c2', targetId: 'E000000000000000000000002', source: 'penalty_decision', documentNumber: '罚2', status: 'implementing', late: true,
      measures: [pin('DM-R7-GOV-BIDDING'), pin('DM-R8-PUBLICITY-ADVERSE')],
      pushedBy: 'E', pushDueOn: '2026-10-10', pushedAt: at('2026-10-15T10:00:00'), receivedAt: at('2026-10-22T09:00:00') },
    // c3: an external document pushed in September (not October's), its receipt still owed.
    { ...base, id: 'c3', targetId: 'E000000000000000000000003', source: 'external_document', documentNumber: '判3', status: 'pushed',
      measures: [pin('DM-R8-PUBLICITY-ADVERSE')], pushedBy: 'C', pushDueOn: '2026-09-30', pushedAt: at('2026-09-29T10:00:00') },
  ]);
  await dbh.db.insert(caseImplementers).values([
    { caseId: 'c1', agencyId: 'I1', measures: ['DM-R6-MARKET-INDUSTRY-BAN'], pushedAt: at('2026-10-12T10:00:00'), acknowledgedAt: at('2026-10-14T10:00:00') },
    { caseId: 'c2', agencyId: 'I1', measures: ['DM-R7-GOV-BIDDING'], pushedAt: at('2026-10-22T10:00:00'), acknowledgedAt: at('2026-10-29T10:00:00') },
    { caseId: 'c2', agencyId: 'I2', measures: ['DM-R8-PUBLICITY-ADVERSE'], pushedAt: at('2026-10-31T10:00:00') },
  ]);
  // R9: September's reports.
  await dbh.db.insert(feedbackReports).values([
    { targetId: 'E000000000000000000000001', implementerId: 'I1', month: '2026-09', summary: '已落实', reportedAt: at('2026-10-08T10:00:00') },
    { targetId: 'E000000000000000000000002', implementerId: 'I1', month: '2026-09', summary: '已落实', reportedAt: at('2026-10-12T10:00:00') },
  ]);
  // R11: verified on time, upheld; released by the AUTHORITY a day late. R12: a review due in November.
  await dbh.db.insert(objections).values({
    id: 'o1', caseId: 'c1', filedBy: 'C', reason: '异议', filedAt: at('2026-10-16T10:00:00'),
    outcome: 'upheld', decidedBy: 'C', decidedAt: at('2026-10-19T10:00:00'), releasedAt: at('2026-10-23T10:00:00'),
  });
  await dbh.db.insert(repairs).values({ id: 'r1', caseId: 'c2', filedBy: 'C', filedAt: at('2026-10-30T10:00:00') });
  // Every step with its deadline, as the workflows' activities write them (domain/steps.ts).
  const T1 = 'E000000000000000000000001';
  const T2 = 'E000000000000000000000002';
  const T3 = 'E000000000000000000000003';
  const step = (target: string, key: string, kind: string, rule: string, agencyId: string, due: string, done: Date | null, more: Partial<typeof steps.$inferInsert> = {}) => ({
    id: `${target}/${key}`, kind, rule, targetId: target, caseId: key.split('/')[1]?.startsWith('c') ? key.split('/')[1] : null, agencyId,
    openedAt: at('2026-09-01T00:00:00'), dueAt: endOf(due), doneAt: done, doneBy: done ? agencyId : null, outcome: done ? 'done' as const : null,
    overdueAt: done && done > endOf(due) ? endOf(due) : null, ...more,
  });
  await dbh.db.insert(steps).values([
    // E: push c1 on time, push c2 late. C: c3's push in September.
    step(T1, 'push/c1', 'push', 'R2', 'E', '2026-10-09', at('2026-10-08T10:00:00')),
    step(T2, 'push/c2', 'push', 'R2', 'E', '2026-10-10', at('2026-10-15T10:00:00')),
    step(T3, 'external_push/c3', 'external_push', 'R3', 'C', '2026-09-30', at('2026-09-29T10:00:00')),
    // A: receipt c1 on time, c2 late, c3 still owed (overdue).
    step(T1, 'receipt/c1', 'receipt', 'R5', 'A', '2026-10-13', at('2026-10-12T09:00:00')),
    step(T2, 'receipt/c2', 'receipt', 'R5', 'A', '2026-10-20', at('2026-10-22T09:00:00')),
    step(T3, 'receipt/c3', 'receipt', 'R5', 'A', '2026-10-30', null, { overdueAt: endOf('2026-10-30') }),
    // I1: acknowledgements on time and late; I2's is due in November (not October's).
    step(T1, 'acknowledgement/c1/I1', 'acknowledgement', 'R5', 'I1', '2026-10-16', at('2026-10-14T10:00:00')),
    step(T2, 'acknowledgement/c2/I1', 'acknowledgement', 'R5', 'I1', '2026-10-27', at('2026-10-29T10:00:00')),
    step(T2, 'acknowledgement/c2/I2', 'acknowledgement', 'R5', 'I2', '2026-11-05', null),
    // R9: September's reports, due at the end of 9 October: I1 on time and late, I2 missing (reminded twice).
    { ...step(T1, 'feedback/2026-09/I1', 'feedback', 'R9', 'I1', '2026-10-09', at('2026-10-08T10:00:00')), month: '2026-09' },
    { ...step(T2, 'feedback/2026-09/I1', 'feedback', 'R9', 'I1', '2026-10-09', at('2026-10-12T10:00:00')), month: '2026-09' },
    { ...step(T2, 'feedback/2026-09/I2', 'feedback', 'R9', 'I2', '2026-10-09', null, { overdueAt: endOf('2026-10-09'), reminders: 2 }), month: '2026-09' },
    // R11: verified on time by C; released by A a day late. R12: a review due in November.
    step(T1, 'objection_verification/c1/o1', 'objection_verification', 'R11', 'C', '2026-10-20', at('2026-10-19T10:00:00')),
    step(T1, 'objection_release/c1/o1', 'objection_release', 'R11', 'A', '2026-10-22', at('2026-10-23T10:00:00')),
    step(T2, 'repair_review/c2/r1', 'repair_review', 'R12', 'C', '2026-11-20', null),
  ]);
  await dbh.db.insert(caseMeasures).values([
    { caseId: 'c1', code: 'DM-R6-MARKET-INDUSTRY-BAN', version: 1, implementerId: 'I1', status: 'released', activeFrom: '2026-10-14', releasedAt: at('2026-10-23T10:00:00'), releaseReason: 'objection' },
    { caseId: 'c2', code: 'DM-R7-GOV-BIDDING', version: 1, implementerId: 'I1', status: 'active', activeFrom: '2026-10-29', periodEnd: '2029-10-28' },
    { caseId: 'c2', code: 'DM-R8-PUBLICITY-ADVERSE', version: 1, implementerId: 'I2', status: 'suspended', activeFrom: '2026-10-29' },
    { caseId: 'c3', code: 'DM-R8-PUBLICITY-ADVERSE', version: 1, implementerId: 'I2', status: 'released', activeFrom: '2025-10-05', releasedAt: at('2026-10-05T00:00:00'), releaseReason: 'period_end' },
  ]);
});

afterAll(async () => {
  await close?.();
  await dbh?.close();
});

const get = (url: string, who = supervisor) => app.inject({ method: 'GET', url, headers: who.headers });

describe('R14 monthly statistics of a seeded month', () => {
  it('R14: steps due in October per agency: on time, late, still overdue, as counted by hand', async () => {
    const res = await get('/stats?month=2026-10');
    expect(res.statusCode).toBe(200);
    const st = res.json();
    const row = (id: string) => st.steps.find((r: { agencyId: string }) => r.agencyId === id);
    // E: push c1 on time, push c2 late. C: the objection verified on time (c3's push fell due in September).
    expect(row('E')).toEqual({ month: '2026-10', agencyId: 'E', agency: '执法稽查处', due: 2, onTime: 1, late: 1, overdue: 0, pending: 0 });
    expect(row('C')).toMatchObject({ due: 1, onTime: 1, late: 0, overdue: 0 });
    // A: receipt c1 on time, c2 late, c3 still owed; the release after the upheld objection a day late.
    expect(row('A')).toMatchObject({ agency: '登记注册处', due: 4, onTime: 1, late: 2, overdue: 1, pending: 0 });
    // I1: two acknowledgements (on time, late), two reports (on time, late). I2: one report missing.
    expect(row('I1')).toMatchObject({ due: 4, onTime: 2, late: 2, overdue: 0 });
    expect(row('I2')).toMatchObject({ due: 1, onTime: 0, late: 0, overdue: 1 });
    expect(st.steps).toHaveLength(5);
    expect(st.total).toEqual({ due: 12, onTime: 5, late: 5, overdue: 2, pending: 0 });
    const byStep = Object.fromEntries(st.byStep.map((r: { step: string; due: number }) => [r.step, r.due]));
    expect(byStep).toEqual({ push: 2, receipt: 3, acknowledgement: 2, feedback: 3, objection_verification: 1, objection_release: 1 });
  });

  it('R9: feedback compliance per implementer for the month reported on', async () => {
    const st = (await get('/stats?month=2026-09')).json();
    expect(st.feedback).toEqual([
      { month: '2026-09', agencyId: 'I1', agency: '行政审批服务中心', owed: 2, onTime: 1, late: 1, missing: 0, pending: 0, compliance: 0.5 },
      { month: '2026-09', agencyId: 'I2', agency: '住房和城乡建设局', owed: 1, onTime: 0, late: 0, missing: 1, pending: 0, compliance: 0 },
    ]);
  });

  it('R6–R8, R10–R12: measures in force by list and category; releases by reason per month', async () => {
    const st = (await get('/stats?month=2026-10')).json();
    expect(st.measuresInForce).toEqual([
      { list: 'discipline', category: 'R7', active: 1, suspended: 0 },
      { list: 'discipline', category: 'R8', active: 0, suspended: 1 },
    ]);
    expect(st.releases).toEqual([{ month: '2026-10', reason: 'objection', count: 1 }, { month: '2026-10', reason: 'period_end', count: 1 }]);
  });

  it('R14: November counts the steps not yet due as pending; a range covers both months', async () => {
    const nov = (await get('/stats?month=2026-11')).json();
    expect(nov.total).toEqual({ due: 2, onTime: 0, late: 0, overdue: 0, pending: 2 });
    const both = (await get('/stats?from=2026-10&to=2026-11')).json();
    expect(both.total.due).toBe(14);
  });

  it('R14: the same figures as CSV, one long table a spreadsheet pivots', async () => {
    const res = await get('/stats?month=2026-10&format=csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('stats-2026-10.csv');
    const lines = res.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('section,month,key,name,metric,value');
    expect(lines).toContain('steps,2026-10,A,登记注册处,overdue,1');
    expect(lines).toContain('steps,2026-10,I1,行政审批服务中心,late,2');
    expect(lines).toContain('releases,2026-10,objection,,count,1');
  });

  it('R14: an IMPLEMENTER reads only its own figures; bad months name the field', async () => {
    const own = (await get('/stats?month=2026-10', implementerKey)).json();
    expect(own.steps).toEqual([]);
    expect((await get('/stats?month=2026-10&agencyId=I1', implementerKey)).json()).toMatchObject({ field: 'agencyId' });
    expect((await get('/stats?month=2026-13')).json()).toMatchObject({ field: 'month' });
    expect((await get('/stats?from=2026-11&to=2026-10')).json()).toMatchObject({ field: 'from' });
    expect((await get('/stats?month=2026-10&from=2026-09')).json()).toMatchObject({ field: 'month' });
  });
});

describe('R14 search and the overdue board', () => {
  it('finds targets by part of the name, credit code prefix, status, agency, field, measure and overdue only', async () => {
    const ids = async (q: string) => (await get(`/targets?${q}`)).json().items.map((t: { targetId: string }) => t.targetId.slice(-1)).sort().join('');
    expect(await ids('q=杭州')).toBe('12');
    expect(await ids('q=91330106')).toBe('2');
    expect(await ids('creditCode=913302007204811835')).toBe('3');
    expect(await ids('status=closed')).toBe('3');
    expect(await ids('agencyId=I1')).toBe('12');
    expect(await ids('agencyId=C')).toBe('3');
    expect(await ids('agencyId=A')).toBe('123');
    expect(await ids('field=市场监管')).toBe('123');
    expect(await ids('measure=DM-R7-GOV-BIDDING')).toBe('2');
    expect(await ids('overdue=true')).toBe('23');
    expect(await ids('q=%25')).toBe('');
    const page = (await get('/targets?limit=2&offset=0')).json();
    expect(page).toMatchObject({ total: 3, limit: 2, offset: 0 });
    // The latest change first.
    expect(page.items.map((t: { name: string }) => t.name)).toEqual(['杭州乙科技有限公司', '杭州甲贸易有限公司']);
    expect(page.items[0]).toMatchObject({ cases: 1, measuresInForce: 1, openOverdue: 1, status: 'open', updatedAt: '2026-10-29T10:00:00+08:00' });
  });

  it('refuses a bad search naming the field', async () => {
    expect((await get('/targets?limit=0')).json()).toMatchObject({ field: 'limit' });
    expect((await get('/targets?status=gone')).json()).toMatchObject({ field: 'status' });
    expect((await get('/targets?unknown=1')).statusCode).toBe(400);
  });

  it('an IMPLEMENTER searches only among the targets of its own cases', async () => {
    expect((await get('/targets', implementerKey)).json().total).toBe(0);
  });

  it('R14: the overdue board lists open records, the latest first, with days late and reminders', async () => {
    const board = (await get('/overdue')).json();
    expect(board.total).toBe(2);
    expect(board.items.map((o: { step: string; daysLate: number; reminders: number; agency: string }) => [o.step, o.daysLate, o.reminders, o.agency])).toEqual([
      ['feedback', 25, 2, '住房和城乡建设局'],
      ['receipt', 4, 0, '登记注册处'],
    ]);
    expect(board.items[0]).toMatchObject({ stepLabel: '2026-09 月度反馈', targetName: '杭州乙科技有限公司', rule: 'R9', dueAt: '2026-10-10T00:00:00+08:00' });
    expect(board.items[1]).toMatchObject({ documentNumber: '判3', targetId: 'E000000000000000000000003' });
    expect((await get('/overdue?agencyId=A')).json().total).toBe(1);
  });
});
