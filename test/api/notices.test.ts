// Issue 16: a notice whose webhook attempts ran out is parked, not retried forever; the
// supervisors see it (GET /notices/parked) and an ADMIN sends it back (POST /notices/:id/retry),
// which is recorded with who and when and gives it a fresh budget and backoff.
import { asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DbHandle } from '../../db/client';
import { agencies, noticeDeliveries, noticeRetries, notices } from '../../db/schema';
import { deliverDue, webhookId } from '../../worker/outbox';
import { agencyWithKey } from '../support/agencies';
import { appWithoutEngine } from '../support/apps';
import { freshDatabase } from '../support/fresh-db';
import { fixedSecret, notifySettings, webhookReceiver, type Receiver } from '../support/webhooks';

type Agency = Awaited<ReturnType<typeof agencyWithKey>>;
let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
let hook: Receiver;
let admin: Agency;
let supervisor: Agency;
let implementer: Agency;
let down = true;
let clock = new Date('2026-11-24T01:00:00Z');
const settings = notifySettings({ NOTIFY_MAX_ATTEMPTS: '3' });
const at = (ms: number) => new Date(Date.parse('2026-11-23T00:00:00Z') + ms);

beforeAll(async () => {
  dbh = await freshDatabase(inject('databaseUrl'));
  ({ app, close: closeApp } = await appWithoutEngine(dbh, { targetIdKey: 'notices', now: () => clock }));
  hook = await webhookReceiver(() => (down ? 500 : 204));
  admin = await agencyWithKey(dbh.db, ['ADMIN'], '系统管理员');
  supervisor = await agencyWithKey(dbh.db, ['SUPERVISOR'], '督查室');
  implementer = await agencyWithKey(dbh.db, ['IMPLEMENTER'], '行政审批服务中心');
  await dbh.db.update(agencies).set({ notifyUrl: hook.url(), notifySecret: fixedSecret(5) }).where(eq(agencies.id, implementer.id));
});

afterAll(async () => {
  await closeApp?.();
  await hook?.close();
  await dbh?.close();
});

const parked = (who: Agency) => app.inject({ method: 'GET', url: '/notices/parked', headers: who.headers });
const retry = (id: number | string, who: Agency, payload?: object) =>
  app.inject({ method: 'POST', url: `/notices/${id}/retry`, headers: who.headers, ...(payload && { payload }) });

describe('parked notices', () => {
  it('are parked after NOTIFY_MAX_ATTEMPTS, listed for supervisors, retried by an ADMIN (recorded), then delivered with the same webhook-id', async () => {
    const [{ id }] = await dbh.db.insert(notices).values({
      eventKey: 'parked/1', agencyId: implementer.id, kind: 'overdue', rule: 'R14', subject: '逾期提醒', detail: {}, createdAt: at(0),
    }).returning({ id: notices.id });
    // 1 s, then 2 s: the third failure is the last.
    for (const ms of [0, 1_000, 3_000]) expect(await deliverDue(dbh.db, settings, { now: at(ms) })).toEqual({ attempted: 1, delivered: 0 });
    let [row] = await dbh.db.select().from(notices).where(eq(notices.id, id));
    expect(row).toMatchObject({ attempts: 3, parkedAt: at(3_000), nextAttemptAt: null, lastError: 'HTTP 500', deliveredAt: null });
    expect(await deliverDue(dbh.db, settings, { now: at(10 * 3_600_000) })).toEqual({ attempted: 0, delivered: 0 });

    const listed = await parked(supervisor);
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).toMatchObject({
      total: 1,
      items: [{
        id, webhookId: webhookId(id), agencyId: implementer.id, agencyName: '行政审批服务中心', notifyUrl: hook.url(),
        kind: 'overdue', rule: 'R14', attempts: 3, lastError: 'HTTP 500', parkedAt: at(3_000).toISOString(), retries: [],
      }],
    });
    expect((await parked(admin)).json().total).toBe(1);
    expect((await parked(implementer)).statusCode).toBe(403);

    // Only an ADMIN retries.
    expect((await retry(id, supervisor)).statusCode).toBe(403);
    clock = new Date('2026-11-24T01:00:00Z');
    const first = await retry(id, admin, { by: '张三' });
    expect(first.statusCode).toBe(202);
    expect(first.json()).toEqual({ id, retriedAt: clock.toISOString(), retriedBy: admin.id, by: '张三', attemptsBefore: 3 });
    [row] = await dbh.db.select().from(notices).where(eq(notices.id, id));
    expect(row).toMatchObject({ parkedAt: null, nextAttemptAt: clock, attemptsBeforeRetry: 3 });
    expect((await retry(id, admin)).json()).toMatchObject({ error: 'conflict', field: 'id', message: expect.stringMatching(/not parked/) });
    expect((await parked(supervisor)).json()).toMatchObject({ total: 0, items: [] });

    // A fresh budget of three, the backoff from 1 s again; parked again, the retry on record.
    for (const ms of [0, 1_000, 3_000]) {
      expect(await deliverDue(dbh.db, settings, { now: new Date(clock.getTime() + ms) })).toEqual({ attempted: 1, delivered: 0 });
    }
    [row] = await dbh.db.select().from(notices).where(eq(notices.id, id));
    expect(row).toMatchObject({ attempts: 6, parkedAt: new Date(clock.getTime() + 3_000) });
    const again = (await parked(supervisor)).json().items[0];
    expect(again.retries).toEqual([{ at: clock.toISOString(), retriedBy: admin.id, by: '张三', attemptsBefore: 3 }]);

    // The endpoint is back; a retry without a name delivers it, with the id the receiver has seen.
    down = false;
    clock = new Date('2026-11-25T01:00:00Z');
    expect((await retry(id, admin)).json()).toMatchObject({ by: null, attemptsBefore: 6 });
    expect(await deliverDue(dbh.db, settings, { now: clock })).toEqual({ attempted: 1, delivered: 1 });
    expect(new Set(hook.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([webhookId(id)]));
    const attempts = await dbh.db.select().from(noticeDeliveries).where(eq(noticeDeliveries.noticeId, id)).orderBy(asc(noticeDeliveries.attempt));
    expect(attempts.map((a) => a.status)).toEqual([500, 500, 500, 500, 500, 500, 204]);
    const retries = await dbh.db.select().from(noticeRetries).where(eq(noticeRetries.noticeId, id)).orderBy(asc(noticeRetries.id));
    expect(retries.map((r) => [r.retriedBy, r.by, r.at.toISOString(), r.attemptsBefore])).toEqual([
      [admin.id, '张三', '2026-11-24T01:00:00.000Z', 3], [admin.id, null, '2026-11-25T01:00:00.000Z', 6],
    ]);
    expect((await retry(id, admin)).json()).toMatchObject({ error: 'conflict', message: expect.stringMatching(/was delivered at/) });
  });

  it('a retry of no notice is 404; of no number, 400 naming id', async () => {
    expect((await retry(987654321, admin)).json()).toMatchObject({ error: 'not_found', field: 'id' });
    const bad = await retry('abc', admin);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('id');
  });
});
