// The agency registry (ADMIN), keys shown once and stored hashed, revocation, and scope: an
// AUTHORITY sees and acts only on cases addressed to it, an IMPLEMENTER only on cases pushed to it.
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDb, type DbHandle } from '../../db/client';
import { agencies, apiKeys, cases, targets } from '../../db/schema';
import { agencyWithKey } from '../support/agencies';
import { appWithoutEngine } from '../support/apps';

let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
type Agency = Awaited<ReturnType<typeof agencyWithKey>>;
let admin: Agency;

beforeAll(async () => {
  dbh = connectDb(inject('databaseUrl'));
  ({ app, close: closeApp } = await appWithoutEngine(dbh, { targetIdKey: 'agencies' }));
  admin = await agencyWithKey(dbh.db, ['ADMIN']);
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
});

const create = (payload: object) => app.inject({ method: 'POST', url: '/agencies', headers: admin.headers, payload });

describe('the agency registry', () => {
  it('registers an agency, shows its key once and stores only a hash of it', async () => {
    const res = await create({
      name: '杭州市食品安全协会', level: 'city', field: '食品', roles: ['IMPLEMENTER'], implementerKind: 'industry_association',
      notifyUrl: 'https://example.invalid/hook', notifySecret: 'a-signing-secret-of-length',
    });
    expect(res.statusCode).toBe(201);
    const { agency, apiKey, keyId } = res.json();
    expect(agency).toMatchObject({ roles: ['IMPLEMENTER'], implementerKind: 'industry_association', hasNotifySecret: true });
    expect(agency.notifySecret).toBeUndefined();
    const [stored] = await dbh.db.select().from(apiKeys).where(eq(apiKeys.id, keyId));
    expect(stored.keyHash).toMatch(/^[0-9a-f]{64}$/);
    const leaked = await dbh.db.execute(sql`select count(*)::int as n from api_keys where key_hash = ${apiKey}`);
    expect(leaked[0]).toEqual({ n: 0 });
    const inbox = await app.inject({ method: 'GET', url: '/inbox', headers: { authorization: `Bearer ${apiKey}` } });
    expect(inbox.statusCode).toBe(200);
    const listed = await app.inject({ method: 'GET', url: '/agencies', headers: admin.headers });
    expect(listed.body).not.toContain('a-signing-secret-of-length');
  });

  it.each([
    [{ name: '审批中心', level: 'city', roles: ['IMPLEMENTER'] }, 'implementerKind', /required for an IMPLEMENTER/],
    [{ name: '信用处', level: 'city', roles: ['CREDIT'], implementerKind: 'market_entity' }, 'implementerKind', /only an IMPLEMENTER/],
    [{ name: '信用处', level: 'city', roles: ['CREDIT'], notifyUrl: 'https://x.invalid' }, 'notifySecret', /required with a notifyUrl/],
    [{ name: '信用处', level: 'city', roles: ['CREDIT'], notifyUrl: 'ftp://x', notifySecret: '0123456789abcdef' }, 'notifyUrl', /http or https/],
    [{ name: '信用处', level: 'city', roles: ['MAYOR'] }, 'roles.0', /allowed values/],
    [{ name: '信用处', level: 'galaxy', roles: ['CREDIT'] }, 'level', /allowed values/],
  ])('refuses %j naming %s', async (payload, field, reason) => {
    const res = await create(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe(field);
    expect(res.json().message).toMatch(reason);
  });

  it('issues another key and revokes the first: the first is 401 at once, the second still works', async () => {
    const { agency, apiKey: first, keyId } = (await create({ name: '法规处', level: 'city', roles: ['LEGAL'] })).json();
    const second = (await app.inject({ method: 'POST', url: `/agencies/${agency.id}/keys`, headers: admin.headers })).json();
    const revoked = await app.inject({ method: 'DELETE', url: `/agencies/${agency.id}/keys/${keyId}`, headers: admin.headers });
    expect(revoked.json()).toEqual({ keyId, revoked: true });
    expect((await app.inject({ method: 'GET', url: '/inbox', headers: { authorization: `Bearer ${first}` } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/inbox', headers: { authorization: `Bearer ${second.apiKey}` } })).statusCode).toBe(200);
    const unknown = await app.inject({ method: 'DELETE', url: `/agencies/${agency.id}/keys/k_nope`, headers: admin.headers });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('scope', () => {
  it('an AUTHORITY sees and receives only cases addressed to it; an IMPLEMENTER sees none not pushed to it', async () => {
    const addressed = await agencyWithKey(dbh.db, ['AUTHORITY'], '登记注册处');
    const other = await agencyWithKey(dbh.db, ['AUTHORITY'], '广告监管处');
    const implementer = await agencyWithKey(dbh.db, ['IMPLEMENTER'], '行政审批服务中心');
    await dbh.db.update(agencies).set({ implementerKind: 'approval_agency' }).where(eq(agencies.id, implementer.id));
    const targetId = `E${Date.now().toString(16).padStart(24, '0')}`.slice(0, 25);
    await dbh.db.insert(targets).values({ id: targetId, kind: 'enterprise', name: '某企业', workflowId: `target-${targetId}` });
    await dbh.db.insert(cases).values({
      id: `Cscope${targetId}`, targetId, source: 'penalty_decision', documentNumber: `scope-${targetId}`, documentIssuer: 'x',
      issuedOn: '2026-11-02', measures: [], status: 'pushed', authorityId: addressed.id,
    });
    const see = (who: Agency) => app.inject({ method: 'GET', url: `/targets/${targetId}`, headers: who.headers });
    const mine = await see(addressed);
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ targetId, workflowStatus: 'unavailable', cases: [{ authorityId: addressed.id }] });
    expect((await see(other)).statusCode).toBe(403);
    expect((await see(implementer)).statusCode).toBe(403);
    const receipt = await app.inject({ method: 'POST', url: `/cases/Cscope${targetId}/receipt`, headers: other.headers });
    expect(receipt.statusCode).toBe(403);
    expect(receipt.json()).toMatchObject({ field: 'caseId', message: expect.stringMatching(/only the AUTHORITY this case is addressed to/) });
  });
});
