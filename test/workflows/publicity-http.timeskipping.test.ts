// R8 publicity, R17 letters and 004's rules through the HTTP API on the Java time-skipping server,
// with the real activities, a database of this suite's own and the API's clock on the server's:
// the platforms' feed and confirmation, the public query, the notice as a PDF read back with
// pdftotext, its delivery, and the rules an ADMIN sets.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agencies, auditLog, notices } from '../../db/schema';
import { deliverDue } from '../../worker/outbox';
import { recordHistory } from '../support/histories';
import { creditCodeOf, idNumberOf } from '../support/identities';
import { fixedSecret, notifySettings, verifies, webhookReceiver, type Receiver } from '../support/webhooks';
import { httpTimeSkippingSuite } from '../support/timeskipping';

const h = httpTimeSkippingSuite('publicity', {
  authority: [['AUTHORITY'], '登记注册处'],
  enforcement: [['ENFORCEMENT'], '执法稽查处'],
  gsxt: [['PUBLISHER'], '国家企业信用信息公示系统（浙江）', { publisherChannel: 'gsxt', region: '330000' }],
  creditchina: [['PUBLISHER'], '信用中国（浙江）', { publisherChannel: 'creditchina', region: '330000' }],
  admin: [['ADMIN']],
});
const { skip, today, post, get } = h;
const { authority, enforcement, gsxt, creditchina, admin } = h.agencies;
let hook: Receiver;
const SECRET = fixedSecret(11);

beforeAll(async () => {
  hook = await webhookReceiver();
  await h.dbh.db.update(agencies).set({ notifyUrl: hook.url('/gsxt'), notifySecret: SECRET }).where(eq(agencies.id, gsxt.id));
});

afterAll(async () => {
  await hook?.close();
});
const ADVERSE = 'DM-R8-PUBLICITY-ADVERSE';

function filing(n: number, penalty: object, measures = [ADVERSE]) {
  return {
    source: 'penalty_decision', authority: authority.id, document: { number: `杭市管罚〔2026〕PUB${n}号`, issuedOn: today(), issuer: '杭州市市场监督管理局' },
    target: { kind: 'enterprise', creditCode: creditCodeOf(900 + n), name: `杭州公示测试${n}有限公司` },
    measures, periods: Object.fromEntries(measures.map((m) => [m, { years: 2 }])), penalty,
  };
}

/** Filed, the publicity measure carried out by the AUTHORITY itself: in force, ordered published. */
async function published(n: number, penalty: object = { type: 'fine', amount: 50000, field: 'other' }) {
  const filed = await post('/cases', enforcement, filing(n, penalty));
  expect(filed.statusCode, filed.body).toBe(201);
  const { caseId, targetId } = filed.json();
  expect((await post(`/cases/${caseId}/implementers`, authority, { implementers: [{ agencyId: authority.id, measures: [ADVERSE] }] })).statusCode).toBe(200);
  const ack = await post(`/cases/${caseId}/acknowledgement`, authority);
  expect(ack.statusCode, ack.body).toBe(200);
  return { caseId, targetId, opened: ack.json().opened as { kind: string; agencyId: string }[] };
}

describe('R8 publicity over HTTP', () => {
  it('R8: each platform reads its orders in its feed, confirms them; the public then finds the record by credit code, never a person', async () => {
    const { caseId, targetId, opened } = await published(1);
    expect(opened.filter((s) => s.kind === 'publication').map((s) => s.agencyId)).toEqual([gsxt.id, creditchina.id]);
    expect((await get(`/public/credit?creditCode=${creditCodeOf(901)}`)).json()).toEqual({ creditCode: creditCodeOf(901), name: null, records: [] });

    const feed = await get('/publicity/feed?after=0', gsxt);
    expect(feed.statusCode, feed.body).toBe(200);
    const [order] = feed.json().items;
    expect(feed.json().items).toHaveLength(1);
    expect(order).toMatchObject({
      order: 'publish', caseId, confirmedAt: null,
      record: {
        channel: 'gsxt', subject: { kind: 'enterprise', name: '杭州公示测试1有限公司', creditCode: creditCodeOf(901) },
        cause: { documentNumber: '杭市管罚〔2026〕PUB1号', penaltyType: 'fine', penaltyTypeLabel: '罚款' },
        measure: { code: ADVERSE, name: '公示不良信用信息' }, producer: { agencyId: enforcement.id }, underObjection: false,
      },
    });
    expect((await get(`/publicity/feed?after=${feed.json().next}`, gsxt)).json().items).toEqual([]);
    expect((await get('/publicity/feed', enforcement)).statusCode).toBe(403);
    const told = await h.dbh.db.select().from(notices).where(and(eq(notices.agencyId, gsxt.id), eq(notices.kind, 'publicity_order')));
    expect(told.map((n) => n.subject)).toEqual([expect.stringContaining('公示')]);

    const url = `/cases/${caseId}/publicity-orders/${order.orderId}/confirmation`;
    expect((await post(url, creditchina, { reference: 'CC-1' })).statusCode).toBe(403);
    const confirmed = await post(url, gsxt, { reference: 'GSXT-2026-0001' }, );
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json().closed).toEqual([`publication/${caseId}/${order.orderId}`]);

    const found = (await get(`/public/credit?creditCode=${creditCodeOf(901).toLowerCase()}`)).json();
    expect(found).toMatchObject({ name: '杭州公示测试1有限公司', records: [{ measure: '公示不良信用信息', channel: 'gsxt', platform: gsxt.name, publishedOn: today(), penalty: '罚款' }] });
    const person = await get(`/public/credit?creditCode=${idNumberOf(7)}`);
    expect(person.statusCode).toBe(400);
    expect(person.json()).toMatchObject({ field: 'creditCode' });

    const records = (await get(`/cases/${caseId}/publicity`, enforcement)).json().items;
    expect(records.map((r: { channel: string; status: string }) => [r.channel, r.status])).toEqual([['creditchina', 'due'], ['gsxt', 'published']]);
    const story = (await get(`/targets/${targetId}/history`, enforcement)).json().items.map((i: { summary: string }) => i.summary);
    expect(story).toContain(`${gsxt.name} 确认已公示「公示不良信用信息」（平台编号 GSXT-2026-0001）`);
    await recordHistory(h.app.deps.temporal.workflow.getHandle(`target-${targetId}`), 'target-publicity-http');
  });

  it('R8: the public query is throttled per address: 429 with Retry-After', async () => {
    let last = await get(`/public/credit?creditCode=${creditCodeOf(950)}`);
    for (let i = 0; i < 40 && last.statusCode !== 429; i++) last = await get(`/public/credit?creditCode=${creditCodeOf(950)}`);
    expect(last.statusCode).toBe(429);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
  });
});

/** The outbox sends what is due; the orders the gsxt platform's endpoint received since `from`, each verified (Standard Webhooks). */
async function webhookOrders(from: number, caseId: string): Promise<{ order: string; orderId: string; dueAt: string }[]> {
  while ((await deliverDue(h.dbh.db, notifySettings(), { now: new Date(h.clock) })).attempted > 0);
  const got = hook.received.slice(from);
  for (const r of got) expect(verifies(SECRET, r.body, r.headers)).toBe(true);
  return got.map((r) => JSON.parse(r.body)).filter((b) => b.kind === 'publicity_order' && b.detail.caseId === caseId).map((b) => b.detail);
}

describe('R8 the publicity lifecycle at the platform\'s webhook', () => {
  it('R8: publication, the objection\'s mark and its lifting, and the withdrawal after a repair (004: after 6 months) reach the platform signed, each with its deadline', async () => {
    const { caseId } = await published(5);
    let seen = hook.received.length;
    const [publish] = await webhookOrders(seen, caseId);
    expect(publish).toMatchObject({ order: 'publish', orderId: `${caseId}.${ADVERSE}.gsxt.1.1` });
    expect((await post(`/cases/${caseId}/letters/${caseId}.L1/delivery`, authority, { deliveredOn: today(), way: 'electronic' })).statusCode).toBe(200);
    for (const [who, channel] of [[gsxt, 'gsxt'], [creditchina, 'creditchina']] as const) {
      const r = await post(`/cases/${caseId}/publicity-orders/${caseId}.${ADVERSE}.${channel}.1.1/confirmation`, who, { reference: `${channel}-5` });
      expect(r.statusCode, r.body).toBe(200);
    }
    seen = hook.received.length;
    const objection = await post(`/cases/${caseId}/objections`, enforcement, { reason: '当事人称处罚已撤销' });
    expect(objection.statusCode, objection.body).toBe(201);
    const [mark] = await webhookOrders(seen, caseId);
    expect(mark).toMatchObject({ order: 'mark', record: { underObjection: true } });
    const confirmedMark = await post(`/cases/${caseId}/publicity-orders/${mark.orderId}/confirmation`, gsxt, { reference: 'gsxt-5-mark' });
    expect(confirmedMark.statusCode, confirmedMark.body).toBe(200);
    seen = hook.received.length;
    const rejected = await post(`/cases/${caseId}/objections/${objection.json().detail.objectionId}/decision`, enforcement, { outcome: 'rejected', reason: '经核实处罚有效' });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect((await webhookOrders(seen, caseId)).map((o) => o.order)).toEqual(['unmark']);

    const early = await post(`/cases/${caseId}/repairs`, enforcement, {});
    expect(early.statusCode).toBe(409);
    expect(early.json().message).toMatch(/公示满六个月/);
    await skip('190 days');
    const repair = await post(`/cases/${caseId}/repairs`, enforcement, {});
    expect(repair.statusCode, repair.body).toBe(201);
    seen = hook.received.length;
    const approved = await post(`/cases/${caseId}/repairs/${repair.json().detail.repairId}/decision`, enforcement, { outcome: 'approved', reason: '已整改到位' });
    expect(approved.statusCode, approved.body).toBe(200);
    const [withdraw] = await webhookOrders(seen, caseId);
    expect(withdraw).toMatchObject({ order: 'withdraw' });
    expect(Date.parse(withdraw.dueAt)).toBeGreaterThan(h.clock);
  });
});

describe('004 publicity rules and R17 letters over HTTP', () => {
  it('004: a warning is not published: the measure is refused by name', async () => {
    const refused = await post('/cases', enforcement, filing(2, { type: 'warning', field: 'other' }));
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ field: 'measures.0', message: expect.stringContaining('警告') });
  });

  it('004: ADMIN sets the small-fine line; a fine below it is published 3 months only, the rules citing their seed', async () => {
    const rules = (await get('/publicity/rules')).json();
    expect(rules.sources.minorPublicityMonths).toMatch(/004/);
    const wanted = { ...rules.rules, smallFineBelow: 1000 };
    expect((await h.app.inject({ method: 'PUT', url: '/publicity/rules', headers: enforcement.headers, payload: wanted })).statusCode).toBe(403);
    const bad = await h.app.inject({ method: 'PUT', url: '/publicity/rules', headers: admin.headers, payload: { ...wanted, noEarlyRepairFields: ['tobacco'] } });
    expect(bad.json()).toMatchObject({ field: 'noEarlyRepairFields.0' });
    expect((await h.app.inject({ method: 'PUT', url: '/publicity/rules', headers: admin.headers, payload: wanted })).statusCode).toBe(200);
    const audited = await h.dbh.db.select().from(auditLog).where(eq(auditLog.action, 'policy.changed'));
    expect(audited.map((a) => a.actorAgencyId)).toEqual([admin.id]);

    const { targetId } = await published(3, { type: 'fine', amount: 500, field: 'other' });
    const target = (await get(`/targets/${targetId}?live=true`, enforcement)).json();
    expect(target.workflow.cases[0].measures[0].period).toEqual({ months: 3 });
  });

  it('R17: the notice of the determination is a PDF naming the party and its measures; the AUTHORITY records its delivery, every read audited', async () => {
    const { caseId } = await published(4);
    const list = (await get(`/cases/${caseId}/letters`, enforcement)).json();
    expect(list.items).toEqual([expect.objectContaining({ letterId: `${caseId}.L1`, kind: 'determination', title: '失信联合惩戒告知书', deliveredOn: null })]);
    const pdf = await get(`/cases/${caseId}/letters/${caseId}.L1?format=pdf`, authority);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['cache-control']).toBe('no-store');
    const file = join(mkdtempSync(join(tmpdir(), 'letter-')), 'letter.pdf');
    writeFileSync(file, pdf.rawPayload);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    for (const words of ['失信联合惩戒告知书', '杭州公示测试4有限公司', creditCodeOf(904), '公示不良信用信息', '杭市管罚〔2026〕PUB4号', '15个工作日内', '信用修复']) {
      expect(text).toContain(words);
    }
    expect((await get(`/cases/${caseId}/letters/${caseId}.L1?format=pdf`, authority)).rawPayload.equals(pdf.rawPayload)).toBe(true);
    // It renders: Debian's pdftoppm turns the first page into an image (kept in test-output/ to look at).
    mkdirSync('test-output', { recursive: true });
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', file, 'test-output/letter-determination']);
    expect(statSync('test-output/letter-determination.png').size).toBeGreaterThan(5000);

    const wrong = await post(`/cases/${caseId}/letters/${caseId}.L1/delivery`, enforcement, { deliveredOn: today(), way: 'post' });
    expect(wrong.statusCode).toBe(403);
    const delivered = await post(`/cases/${caseId}/letters/${caseId}.L1/delivery`, authority, { deliveredOn: today(), way: 'post' });
    expect(delivered.statusCode, delivered.body).toBe(200);
    expect(delivered.json().closed).toEqual([`letter_delivery/${caseId}`]);
    expect((await get(`/cases/${caseId}/letters`, enforcement)).json().items[0]).toMatchObject({ deliveredOn: today(), deliveryWay: '邮寄送达', deliveredBy: authority.id });
    const reads = await h.dbh.db.select().from(auditLog).where(eq(auditLog.action, 'letter.read'));
    expect(reads.map((r) => [r.actorAgencyId, r.detail])).toEqual([
      [authority.id, { caseId, letterId: `${caseId}.L1`, format: 'pdf' }], [authority.id, { caseId, letterId: `${caseId}.L1`, format: 'pdf' }],
    ]);
  });
});
