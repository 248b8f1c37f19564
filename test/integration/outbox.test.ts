// Notifications leave through the outbox as Standard Webhooks to a real local HTTP server, and
// every one is verified with the `standardwebhooks` package exactly as an agency would (the
// three lines in the README): an endpoint that is down is retried with backoff until it
// answers, every attempt is logged, every retry carries the same webhook-id, and agencies
// without an endpoint are never called.
import { createHmac } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DbHandle } from '../../db/client';
import { agencies, noticeDeliveries, notices } from '../../db/schema';
import { backoffMs, deliverDue, webhookId } from '../../worker/outbox';
import { freshDatabase } from '../support/fresh-db';
import { fixedSecret, notifySettings, webhookReceiver, type Receiver } from '../support/webhooks';

let dbh: DbHandle;
let hook: Receiver;
let failNext = 0;
const SECRET = fixedSecret(7);
/** Before Standard Webhooks the agency chose this; migration 0017 stored it as whsec_ + base64. */
const OLD_SECRET = 'the-secret-this-agency-chose-in-2025';
const settings = notifySettings();

beforeAll(async () => {
  dbh = await freshDatabase(inject('databaseUrl'));
  hook = await webhookReceiver(() => {
    if (failNext === 0) return 204;
    failNext -= 1;
    return 503;
  });
  await dbh.db.insert(agencies).values([
    { id: 'hooked', name: '有回调的实施机构', roles: ['IMPLEMENTER'], implementerKind: 'approval_agency', notifyUrl: hook.url('/hooked'), notifySecret: SECRET },
    { id: 'inbox-only', name: '无回调的实施机构', roles: ['IMPLEMENTER'], implementerKind: 'market_entity' },
    {
      id: 'legacy', name: '老接口的实施机构', roles: ['IMPLEMENTER'], implementerKind: 'other_department', notifyUrl: hook.url('/legacy'),
      notifySecret: `whsec_${Buffer.from(OLD_SECRET).toString('base64')}`, notifyLegacySignature: true,
    },
  ]);
});

afterAll(async () => {
  await hook?.close();
  await dbh?.close();
});

const notice = (eventKey: string, agencyId: string) => ({
  eventKey, agencyId, kind: 'overdue', rule: 'R14', subject: '逾期提醒', detail: { caseId: 'C1' }, createdAt: new Date('2026-11-23T01:00:00Z'),
});

/** What an agency writes to verify a notice (README, "Notifications"). */
function verifyAsAnAgency(secret: string, rawBody: string, headers: Record<string, string>) {
  const wh = new Webhook(secret);
  return wh.verify(rawBody, headers);
}

describe('the outbox', () => {
  it('R14: delivers a notice as a Standard Webhook that the standardwebhooks package verifies; an agency without an endpoint is left to its inbox', async () => {
    const [{ id }] = await dbh.db.insert(notices).values([notice('e1', 'hooked'), notice('e1', 'inbox-only')]).returning({ id: notices.id });
    const t = new Date('2026-11-23T02:00:00Z');
    expect(await deliverDue(dbh.db, settings, { now: t })).toEqual({ attempted: 1, delivered: 1 });
    expect(hook.received).toHaveLength(1);
    const { headers, body } = hook.received[0];
    const h = headers as Record<string, string>;
    expect(verifyAsAnAgency(SECRET, body, h)).toEqual({
      type: 'notice.overdue', timestamp: '2026-11-23T01:00:00.000Z',
      id, kind: 'overdue', rule: 'R14', subject: '逾期提醒', detail: { caseId: 'C1' }, createdAt: '2026-11-23T01:00:00.000Z',
    });
    expect(h['webhook-id']).toBe(webhookId(id));
    expect(h['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    // The attempt's own time, in seconds, for the receiver's replay window (not the notice's).
    expect(Math.abs(Number(h['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    // Anyone else's secret, an altered body or an altered id fails.
    expect(() => verifyAsAnAgency(fixedSecret(8), body, h)).toThrow(WebhookVerificationError);
    expect(() => verifyAsAnAgency(SECRET, body.replace('逾期提醒', '已解除'), h)).toThrow(WebhookVerificationError);
    expect(() => verifyAsAnAgency(SECRET, body, { ...h, 'webhook-id': webhookId(id + 1) })).toThrow(WebhookVerificationError);
    // An agency registered since has no pre-standard headers.
    expect(Object.keys(h).filter((k) => k.startsWith('x-jd-'))).toEqual([]);
    const rows = await dbh.db.select().from(notices).orderBy(asc(notices.agencyId));
    expect(rows.map((r) => [r.agencyId, r.deliveredAt?.toISOString() ?? null])).toEqual([
      ['hooked', t.toISOString()], ['inbox-only', null],
    ]);
    expect(await deliverDue(dbh.db, settings, { now: new Date(t.getTime() + 60_000) })).toEqual({ attempted: 0, delivered: 0 });
  });

  it('R14: an endpoint that is down is retried with backoff until it answers, every attempt logged, every retry the same webhook-id', async () => {
    const [{ id }] = await dbh.db.insert(notices).values(notice('e2', 'hooked')).returning({ id: notices.id });
    const before = hook.received.length;
    failNext = 2;
    let t = new Date('2026-11-23T03:00:00Z');
    expect(await deliverDue(dbh.db, settings, { now: t })).toEqual({ attempted: 1, delivered: 0 });
    // Not again before the backoff has passed.
    expect(await deliverDue(dbh.db, settings, { now: new Date(t.getTime() + backoffMs(1) - 1) })).toEqual({ attempted: 0, delivered: 0 });
    t = new Date(t.getTime() + backoffMs(1));
    expect(await deliverDue(dbh.db, settings, { now: t })).toEqual({ attempted: 1, delivered: 0 });
    t = new Date(t.getTime() + backoffMs(2));
    expect(await deliverDue(dbh.db, settings, { now: t })).toEqual({ attempted: 1, delivered: 1 });
    const attempts = await dbh.db.select().from(noticeDeliveries).where(eq(noticeDeliveries.noticeId, id)).orderBy(asc(noticeDeliveries.attempt));
    expect(attempts.map((a) => [a.attempt, a.status, a.error])).toEqual([[1, 503, 'HTTP 503'], [2, 503, 'HTTP 503'], [3, 204, null]]);
    const [row] = await dbh.db.select().from(notices).where(eq(notices.id, id));
    expect(row).toMatchObject({ attempts: 3, lastError: null, deliveredAt: t, parkedAt: null });
    const copies = hook.received.slice(before);
    expect(copies.map((c) => c.headers['webhook-id'])).toEqual([webhookId(id), webhookId(id), webhookId(id)]);
    // Each copy signed anew for its own attempt, each verifiable, the body the same.
    for (const c of copies) expect(verifyAsAnAgency(SECRET, c.body, c.headers as Record<string, string>)).toMatchObject({ id });
    expect(new Set(copies.map((c) => c.body)).size).toBe(1);
  });

  it('backs off 1 s, 2 s, 4 s … and never more than an hour', () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(13)).toBe(3_600_000);
    expect(backoffMs(84)).toBe(3_600_000);
  });

  it('an agency whose secret predates Standard Webhooks gets the old headers too, both verifiable with the secret it already holds', async () => {
    const [{ id }] = await dbh.db.insert(notices).values(notice('e3', 'legacy')).returning({ id: notices.id });
    expect(await deliverDue(dbh.db, settings, { now: new Date('2026-11-23T04:00:00Z') })).toEqual({ attempted: 1, delivered: 1 });
    const { headers, body, path } = hook.received.at(-1)!;
    expect(path).toBe('/legacy');
    // The agency's old code, unchanged.
    const old = `sha256=${createHmac('sha256', OLD_SECRET).update(`${headers['x-jd-timestamp']}.${body}`).digest('hex')}`;
    expect(headers['x-jd-signature']).toBe(old);
    expect(headers['x-jd-notice-id']).toBe(String(id));
    // Its new code: the same secret in the spec's format.
    expect(verifyAsAnAgency(`whsec_${Buffer.from(OLD_SECRET).toString('base64')}`, body, headers as Record<string, string>)).toMatchObject({ id });
  });
});
