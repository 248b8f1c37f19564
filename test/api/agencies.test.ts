// The agency registry (ADMIN), keys shown once and stored hashed, revocation, and scope: an
// AUTHORITY sees and acts only on cases addressed to it, an IMPLEMENTER only on cases pushed to it.
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../config/env';
import type { DbHandle } from '../../db/client';
import { agencies, apiKeys, cases, steps, targets } from '../../db/schema';
import { agencyWithKey } from '../support/agencies';
import { appWithoutEngine } from '../support/apps';
import { freshDatabase } from '../support/fresh-db';

let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
type Agency = Awaited<ReturnType<typeof agencyWithKey>>;
let admin: Agency;
const CHOSEN_SECRET = `whsec_${Buffer.alloc(24, 3).toString('base64')}`;

beforeAll(async () => {
  // A database of its own: the endpoints registered here must never meet another suite's outbox.
  dbh = await freshDatabase(inject('databaseUrl'));
  ({ app, close: closeApp } = await appWithoutEngine(dbh, { targetIdKey: 'agencies' }));
  admin = await agencyWithKey(dbh.db, ['ADMIN']);
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
});

/** In Hangzhou unless the payload says otherwise. */
const create = (payload: object) => app.inject({ method: 'POST', url: '/agencies', headers: admin.headers, payload: { region: '330100', ...payload } });

describe('the agency registry', () => {
  it('registers an agency, shows its key once and stores only a hash of it', async () => {
    const res = await create({
      name: '杭州市食品安全协会', level: 'city', field: '食品', roles: ['IMPLEMENTER'], implementerKind: 'industry_association',
      notifyUrl: 'https://hooks.agency.invalid/jd', notifySecret: CHOSEN_SECRET,
    });
    expect(res.statusCode).toBe(201);
    const { agency, apiKey, keyId, notifySecret } = res.json();
    expect(agency).toMatchObject({ roles: ['IMPLEMENTER'], implementerKind: 'industry_association', hasNotifySecret: true, notifyLegacySignature: false });
    expect(agency.notifySecret).toBeUndefined();
    // A secret the ADMIN supplied is not echoed.
    expect(notifySecret).toBeUndefined();
    const [stored] = await dbh.db.select().from(apiKeys).where(eq(apiKeys.id, keyId));
    expect(stored.keyHash).toMatch(/^[0-9a-f]{64}$/);
    const leaked = await dbh.db.execute(sql`select count(*)::int as n from api_keys where key_hash = ${apiKey}`);
    expect(leaked[0]).toEqual({ n: 0 });
    const inbox = await app.inject({ method: 'GET', url: '/inbox', headers: { authorization: `Bearer ${apiKey}` } });
    expect(inbox.statusCode).toBe(200);
    const listed = await app.inject({ method: 'GET', url: '/agencies', headers: admin.headers });
    expect(listed.body).not.toContain(CHOSEN_SECRET.slice(6));
  });

  it('issues a Standard Webhooks signing secret (whsec_, 32 bytes) with an endpoint and shows it once', async () => {
    const res = await create({ name: '行政审批服务中心', level: 'city', roles: ['IMPLEMENTER'], implementerKind: 'approval_agency', notifyUrl: 'https://hooks.agency.invalid/a' });
    expect(res.statusCode).toBe(201);
    const { agency, notifySecret } = res.json();
    expect(notifySecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(notifySecret.slice(6), 'base64')).toHaveLength(32);
    const [row] = await dbh.db.select().from(agencies).where(eq(agencies.id, agency.id));
    expect(row.notifySecret).toBe(notifySecret);
    const listed = await app.inject({ method: 'GET', url: '/agencies', headers: admin.headers });
    expect(listed.body).not.toContain(notifySecret.slice(6));
  });

  it.each([
    [{ name: '审批中心', level: 'city', roles: ['IMPLEMENTER'] }, 'implementerKind', /required for an IMPLEMENTER/],
    [{ name: '信用处', level: 'city', roles: ['CREDIT'], implementerKind: 'market_entity' }, 'implementerKind', /only an IMPLEMENTER/],
    [{ name: '信用处', level: 'city', roles: ['CREDIT'], notifyUrl: 'ftp://x' }, 'notifyUrl', /must be an https URL/],
    [{ name: '信用处', level: 'city', roles: ['CREDIT'], notifyUrl: 'hooks' }, 'notifyUrl', /is not a URL/],
    [{ name: '信用处', level: 'city', roles: ['CREDIT'], notifyUrl: 'http://hooks.agency.invalid/jd' }, 'notifyUrl', /must be https .*NOTIFY_ALLOWED_HTTP_HOSTS/],
    [{ name: '信用处', level: 'city', roles: ['CREDIT'], notifyUrl: 'http://127.0.0.1:5432/' }, 'notifyUrl', /127\.0\.0\.1, a loopback address/],
    [{ name: '信用处', level: 'city', roles: ['CREDIT'], notifyUrl: 'https://127.0.0.1:8233/' }, 'notifyUrl', /127\.0\.0\.1, a loopback address/],
    [{ name: '信用处', level: 'city', roles: ['CREDIT'], notifyUrl: 'http://169.254.169.254/' }, 'notifyUrl', /169\.254\.169\.254, a link-local address/],
    [{ name: '信用处', level: 'city', roles: ['CREDIT'], notifyUrl: 'https://10.20.30.40/hook' }, 'notifyUrl', /10\.20\.30\.40, a private address/],
    [{ name: '信用处', level: 'city', roles: ['CREDIT'], notifyUrl: 'https://[::1]/hook' }, 'notifyUrl', /::1, a loopback address/],
    [{ name: '信用处', level: 'city', roles: ['CREDIT'], notifyUrl: 'https://[::ffff:7f00:1]/hook' }, 'notifyUrl', /loopback/],
    [{ name: '信用处', level: 'city', roles: ['CREDIT'], notifyUrl: 'https://2130706433/hook' }, 'notifyUrl', /127\.0\.0\.1, a loopback address/],
    [{ name: '信用处', level: 'city', roles: ['CREDIT'], notifyUrl: 'https://0.0.0.0/hook' }, 'notifyUrl', /unspecified/],
    [{ name: '信用处', level: 'city', roles: ['CREDIT'], notifyUrl: 'https://localhost/hook' }, 'notifyUrl', /this machine/],
    [{ name: '信用处', level: 'city', roles: ['CREDIT'], notifyUrl: 'https://u:p@hooks.agency.invalid/' }, 'notifyUrl', /user name or password/],
    [{ name: '信用处', level: 'city', roles: ['CREDIT'], notifyUrl: 'https://hooks.agency.invalid/', notifySecret: 'a-signing-secret-of-length' }, 'notifySecret', /whsec_/],
    [{ name: '信用处', level: 'city', roles: ['CREDIT'], notifyUrl: 'https://hooks.agency.invalid/', notifySecret: `whsec_${Buffer.alloc(16).toString('base64')}` }, 'notifySecret', /24 to 64 bytes/],
    [{ name: '信用处', level: 'city', roles: ['MAYOR'] }, 'roles.0', /allowed values/],
    [{ name: '信用处', level: 'galaxy', roles: ['CREDIT'] }, 'level', /allowed values/],
  ])('refuses %j naming %s', async (payload, field, reason) => {
    const res = await create(payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe(field);
    expect(res.json().message).toMatch(reason);
  });

  it('issues another key (asked by one ADMIN, approved by another) and revokes the first: the first is 401 at once, the second still works', async () => {
    const { agency, apiKey: first, keyId } = (await create({ name: '法规处', level: 'city', roles: ['LEGAL'] })).json();
    const asked = (await app.inject({ method: 'POST', url: `/agencies/${agency.id}/keys`, headers: admin.headers, payload: { reason: '密钥遗失' } })).json();
    const second = (await app.inject({
      method: 'POST', url: `/key-requests/${asked.requestId}/decision`, headers: (await agencyWithKey(dbh.db, ['ADMIN'])).headers, payload: { approve: true },
    })).json();
    const revoked = await app.inject({ method: 'DELETE', url: `/agencies/${agency.id}/keys/${keyId}`, headers: admin.headers });
    expect(revoked.json()).toEqual({ keyId, revoked: true });
    expect((await app.inject({ method: 'GET', url: '/inbox', headers: { authorization: `Bearer ${first}` } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/inbox', headers: { authorization: `Bearer ${second.apiKey}` } })).statusCode).toBe(200);
    const unknown = await app.inject({ method: 'DELETE', url: `/agencies/${agency.id}/keys/k_nope`, headers: admin.headers });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('notification endpoints (issue 16)', () => {
  const patch = (agencyId: string, notifyUrl: string | null, who = admin) =>
    app.inject({ method: 'PATCH', url: `/agencies/${agencyId}`, headers: who.headers, payload: { notifyUrl } });

  it('changes an endpoint with the same check (400 naming notifyUrl), issues a secret with the first one, clears it with null', async () => {
    const { agency } = (await create({ name: '广告监管处', level: 'city', roles: ['AUTHORITY'] })).json();
    expect(agency).toMatchObject({ notifyUrl: null, hasNotifySecret: false });
    for (const url of ['http://127.0.0.1:7233/', 'http://169.254.169.254/latest/meta-data/']) {
      const refused = await patch(agency.id, url);
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ field: 'notifyUrl', message: expect.stringMatching(/loopback|link-local/) });
    }
    const set = await patch(agency.id, 'https://hooks.agency.invalid/ad');
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ agency: { notifyUrl: 'https://hooks.agency.invalid/ad', hasNotifySecret: true }, notifySecret: expect.stringMatching(/^whsec_/) });
    // A second endpoint keeps the secret: nothing new to show.
    const moved = await patch(agency.id, 'https://hooks.agency.invalid/ad2');
    expect(moved.json().notifySecret).toBeUndefined();
    const cleared = await patch(agency.id, null);
    expect(cleared.json().agency).toMatchObject({ notifyUrl: null });
    expect((await patch(agency.id, 'https://hooks.agency.invalid/', await agencyWithKey(dbh.db, ['SUPERVISOR']))).statusCode).toBe(403);
    expect((await patch('ag-none', 'https://hooks.agency.invalid/')).statusCode).toBe(404);
  });

  it('issues a new secret on request (shown once), which ends the pre-standard headers', async () => {
    const { agency } = (await create({ name: '信用监管处', level: 'city', roles: ['CREDIT'], notifyUrl: 'https://hooks.agency.invalid/c' })).json();
    await dbh.db.update(agencies).set({ notifyLegacySignature: true }).where(eq(agencies.id, agency.id));
    const before = (await dbh.db.select().from(agencies).where(eq(agencies.id, agency.id)))[0].notifySecret;
    const res = await app.inject({ method: 'POST', url: `/agencies/${agency.id}/notify-secret`, headers: admin.headers });
    expect(res.statusCode).toBe(201);
    const { notifySecret } = res.json();
    expect(notifySecret).toMatch(/^whsec_/);
    expect(notifySecret).not.toBe(before);
    const [row] = await dbh.db.select().from(agencies).where(eq(agencies.id, agency.id));
    expect(row).toMatchObject({ notifySecret, notifyLegacySignature: false });
  });

  it('plain http or a private address only to a host an ADMIN allowed (NOTIFY_ALLOWED_HTTP_HOSTS, NOTIFY_ALLOWED_PRIVATE_HOSTS)', async () => {
    const allowing = await appWithoutEngine(dbh, {
      targetIdKey: 'agencies', notify: loadConfig({ NOTIFY_ALLOWED_HTTP_HOSTS: '127.0.0.1,hooks.gov.invalid', NOTIFY_ALLOWED_PRIVATE_HOSTS: '127.0.0.1' }).notify,
    });
    try {
      const register = (notifyUrl: string) => allowing.app.inject({
        method: 'POST', url: '/agencies', headers: admin.headers, payload: { name: '市场监管所', level: 'district', region: '330106', roles: ['AUTHORITY'], notifyUrl },
      });
      expect((await register('http://127.0.0.1:9999/hook')).statusCode).toBe(201);
      expect((await register('http://hooks.gov.invalid/hook')).statusCode).toBe(201);
      // Each exception is for the hosts named, not for their neighbours.
      expect((await register('http://127.0.0.2:9999/hook')).json()).toMatchObject({ field: 'notifyUrl', message: expect.stringMatching(/127\.0\.0\.2, a loopback/) });
      expect((await register('http://169.254.169.254/')).json()).toMatchObject({ field: 'notifyUrl', message: expect.stringMatching(/link-local/) });
      expect((await register('http://other.gov.invalid/hook')).json()).toMatchObject({ field: 'notifyUrl', message: expect.stringMatching(/must be https/) });
    } finally {
      await allowing.close();
    }
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
    const caseId = `Cscope${targetId}`;
    await dbh.db.insert(steps).values({
      id: `${targetId}/receipt/${caseId}`, kind: 'receipt', rule: 'R2', targetId, caseId, agencyId: addressed.id,
      openedAt: new Date('2026-11-02T02:00:00Z'), dueAt: new Date('2026-11-06T16:00:00Z'),
    });
    const see = (who: Agency, query = '?live=true') => app.inject({ method: 'GET', url: `/targets/${targetId}${query}`, headers: who.headers });
    const mine = await see(addressed);
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({ targetId, workflowStatus: 'unavailable', cases: [{ authorityId: addressed.id }] });
    // Issue 17: without live=true the read does not ask the engine: it answers from PostgreSQL even with the engine down.
    const stored = await see(addressed, '');
    expect(stored.statusCode, stored.body).toBe(200);
    expect(stored.json()).toMatchObject({
      targetId, workflow: null, workflowStatus: 'not_read', cases: [{ authorityId: addressed.id }],
      openSteps: [{ key: `receipt/${caseId}`, kind: 'receipt', caseId, agencyId: addressed.id, dueAt: '2026-11-07T00:00:00+08:00', dueOn: '2026-11-06' }],
    });
    expect(stored.json().openSteps).toEqual(mine.json().openSteps);
    expect((await see(addressed, '?live=false')).json()).toMatchObject({ workflowStatus: 'not_read' });
    const bad = await see(addressed, '?live=maybe');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'live' });
    expect((await see(other)).statusCode).toBe(403);
    expect((await see(implementer)).statusCode).toBe(403);
    const receipt = await app.inject({ method: 'POST', url: `/cases/${caseId}/receipt`, headers: other.headers });
    expect(receipt.statusCode).toBe(403);
    expect(receipt.json()).toMatchObject({ field: 'caseId', message: expect.stringMatching(/only the AUTHORITY this case is addressed to/) });
  });
});
