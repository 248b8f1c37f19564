// The audit trail (db/audit.ts, GET /audit): which ADMIN registered an agency, asked for, issued
// or revoked a key, with which key and when; who read which target, searched, exported. A key for
// an existing agency takes a second ADMIN agency (two-person rule); the supervisors read it all.
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DbHandle } from '../../db/client';
import { apiKeys, cases, targets } from '../../db/schema';
import { agencyWithKey } from '../support/agencies';
import { appWithoutEngine } from '../support/apps';
import { freshDatabase } from '../support/fresh-db';

let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
type Agency = Awaited<ReturnType<typeof agencyWithKey>>;
let admin: Agency;
let secondAdmin: Agency;
let supervisor: Agency;
const NOW = new Date('2026-11-23T10:00:00+08:00');
const TARGET = 'P000000000000000000000b01';

beforeAll(async () => {
  dbh = await freshDatabase(inject('databaseUrl'));
  ({ app, close: closeApp } = await appWithoutEngine(dbh, { targetIdKey: 'audit', now: () => NOW, engineDeadlineMs: 250 }));
  admin = await agencyWithKey(dbh.db, ['ADMIN'], '系统管理员');
  secondAdmin = await agencyWithKey(dbh.db, ['ADMIN'], '系统管理员（复核）');
  supervisor = await agencyWithKey(dbh.db, ['SUPERVISOR'], '督查室');
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
});

const trail = async (query: string, who: Agency = supervisor) => {
  const res = await app.inject({ method: 'GET', url: `/audit?${query}`, headers: who.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: Record<string, any>[]; total: number };
};
const post = (url: string, who: Agency, payload?: object) => app.inject({ method: 'POST', url, headers: who.headers, payload });

describe('agency and key lifecycle', () => {
  it('records which ADMIN registered an agency, with which key, when, and the key issued with it', async () => {
    const res = await post('/agencies', admin, { name: '宁波市法规处', level: 'city', region: '330200', roles: ['LEGAL'] });
    expect(res.statusCode, res.body).toBe(201);
    const { agency, keyId } = res.json();
    const lines = (await trail(`subjectAgencyId=${agency.id}`)).items;
    expect(lines.map((l) => l.action).sort()).toEqual(['agency.registered', 'key.issued']);
    for (const l of lines) expect(l).toMatchObject({ actorAgencyId: admin.id, actorKeyId: admin.keyId, at: '2026-11-23T10:00:00+08:00', clientIp: '127.0.0.1' });
    expect(lines.find((l) => l.action === 'key.issued')!.detail).toEqual({ keyId, via: 'registration' });
    expect(lines.find((l) => l.action === 'agency.registered')!.detail).toMatchObject({ roles: ['LEGAL'], region: '330200' });
  });

  it('a key for an existing agency is asked by one ADMIN and issued only on another ADMIN agency\'s approval', async () => {
    const target = await agencyWithKey(dbh.db, ['ENFORCEMENT'], '执法稽查处');
    const asked = await post(`/agencies/${target.id}/keys`, admin, { reason: '原密钥遗失' });
    expect(asked.statusCode, asked.body).toBe(202);
    const { requestId } = asked.json();
    expect(asked.body).not.toMatch(/jd_/);
    expect(await dbh.db.select().from(apiKeys).where(eq(apiKeys.agencyId, target.id))).toHaveLength(1);
    // The ADMIN that asked cannot approve its own request: no single ADMIN mints a key and acts as the agency.
    const self = await post(`/key-requests/${requestId}/decision`, admin, { approve: true });
    expect(self.statusCode).toBe(403);
    expect(self.json().message).toMatch(/another ADMIN agency/);
    expect(await dbh.db.select().from(apiKeys).where(eq(apiKeys.agencyId, target.id))).toHaveLength(1);
    // The other ADMINs were told.
    const inbox = (await app.inject({ method: 'GET', url: '/inbox', headers: secondAdmin.headers })).json();
    expect(inbox.items.map((n: { kind: string }) => n.kind)).toContain('key_requested');
    const approved = await post(`/key-requests/${requestId}/decision`, secondAdmin, { approve: true });
    expect(approved.statusCode, approved.body).toBe(201);
    const { apiKey, keyId } = approved.json();
    expect((await app.inject({ method: 'GET', url: '/me', headers: { authorization: `Bearer ${apiKey}` } })).json()).toMatchObject({ id: target.id });
    expect((await post(`/key-requests/${requestId}/decision`, secondAdmin, { approve: true })).statusCode).toBe(409);
    const lines = (await trail(`subjectAgencyId=${target.id}`)).items;
    expect(lines.map((l) => [l.action, l.actorAgencyId, l.actorKeyId])).toEqual([
      ['key.issued', secondAdmin.id, secondAdmin.keyId], ['key.requested', admin.id, admin.keyId],
    ]);
    expect(lines[0].detail).toMatchObject({ keyId, requestId, requestedBy: admin.id, via: 'approved_request' });
    expect(JSON.stringify(lines)).not.toContain(apiKey);
  });

  it('a refused request issues nothing; a revocation records who revoked which key', async () => {
    const target = await agencyWithKey(dbh.db, ['CREDIT'], '信用监管处');
    const { requestId } = (await post(`/agencies/${target.id}/keys`, secondAdmin, { reason: '新增终端' })).json();
    expect((await post(`/key-requests/${requestId}/decision`, admin, { approve: false })).statusCode).toBe(400);
    const refused = await post(`/key-requests/${requestId}/decision`, admin, { approve: false, reason: '无需新增' });
    expect(refused.json()).toEqual({ requestId, status: 'refused' });
    expect(await dbh.db.select().from(apiKeys).where(eq(apiKeys.agencyId, target.id))).toHaveLength(1);
    const revoked = await app.inject({ method: 'DELETE', url: `/agencies/${target.id}/keys/${target.keyId}`, headers: admin.headers });
    expect(revoked.statusCode).toBe(200);
    const lines = (await trail(`subjectAgencyId=${target.id}`)).items;
    expect(lines.map((l) => [l.action, l.actorAgencyId])).toEqual([['key.revoked', admin.id], ['key.refused', admin.id], ['key.requested', secondAdmin.id]]);
    expect(lines[0].detail).toEqual({ keyId: target.keyId });
  });

  it('a new ADMIN agency is told to the supervisors at once', async () => {
    const res = await post('/agencies', admin, { name: '第三系统管理员', level: 'province', region: '330000', roles: ['ADMIN'] });
    expect(res.statusCode).toBe(201);
    const inbox = (await app.inject({ method: 'GET', url: '/inbox', headers: supervisor.headers })).json();
    expect(inbox.items).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'admin_registered', detail: expect.objectContaining({ agencyId: res.json().agency.id, by: admin.id }) })]));
  });
});

describe('reads of personal data and exports', () => {
  beforeAll(async () => {
    const filer = await agencyWithKey(dbh.db, ['ENFORCEMENT'], '执法稽查处');
    await dbh.db.insert(targets).values({ id: TARGET, kind: 'person', name: '张三', idNumber: '11010519491231002X', workflowId: `target-${TARGET}` });
    await dbh.db.insert(cases).values({
      id: 'Caudit', targetId: TARGET, source: 'penalty_decision', documentNumber: '罚audit', documentIssuer: 'x', issuedOn: '2026-11-02',
      measures: [], status: 'pushed', pushedBy: filer.id,
    });
  });

  it('records who read which target and its history, who searched (what, which targets shown), and who exported', async () => {
    const reader = await agencyWithKey(dbh.db, ['CREDIT'], '信用监管处（读）');
    expect((await app.inject({ method: 'GET', url: `/targets/${TARGET}`, headers: reader.headers })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: `/targets/${TARGET}/history`, headers: reader.headers })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/targets?q=%E5%BC%A0', headers: reader.headers })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/stats?month=2026-11&format=csv', headers: reader.headers })).statusCode).toBe(200);
    const lines = (await trail(`actorAgencyId=${reader.id}`)).items;
    expect(lines.map((l) => l.action).sort()).toEqual(['stats.exported', 'target.history_read', 'target.read', 'targets.searched']);
    expect(lines.find((l) => l.action === 'target.read')).toMatchObject({ targetId: TARGET, actorKeyId: reader.keyId, detail: { cases: ['Caudit'] } });
    expect(lines.find((l) => l.action === 'targets.searched')!.detail).toMatchObject({ query: { q: '张' }, total: 1, shown: [TARGET] });
    expect(lines.find((l) => l.action === 'stats.exported')!.detail).toMatchObject({ from: '2026-11', to: '2026-11' });
    expect((await trail(`targetId=${TARGET}&action=target.read`)).items.map((l) => l.actorAgencyId)).toEqual([reader.id]);
  });
});

describe('GET /audit', () => {
  it('is for supervisors only', async () => {
    for (const who of [admin, await agencyWithKey(dbh.db, ['CREDIT'])]) {
      expect((await app.inject({ method: 'GET', url: '/audit', headers: who.headers })).statusCode).toBe(403);
    }
  });

  it('filters by instant: from is inclusive, to exclusive; the latest first', async () => {
    expect((await trail('from=2026-11-23T10:00:00%2B08:00')).total).toBeGreaterThan(5);
    expect((await trail('to=2026-11-23T10:00:00%2B08:00')).total).toBe(0);
    const bad = await app.inject({ method: 'GET', url: '/audit?from=2026-11-24T00:00:00Z&to=2026-11-23T00:00:00Z', headers: supervisor.headers });
    expect(bad.json()).toMatchObject({ field: 'from' });
    const page = await trail('limit=2');
    expect(page.items).toHaveLength(2);
    expect(page.items[0].id).toBeGreaterThan(page.items[1].id);
  });
});
