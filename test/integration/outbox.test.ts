// Notifications leave through the outbox as signed webhooks to a real local HTTP server:
// an endpoint that is down is retried with backoff until it answers, every attempt is logged,
// a repeat carries the same notice id, and agencies without an endpoint are never called.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DbHandle } from '../../db/client';
import { agencies, noticeDeliveries, notices } from '../../db/schema';
import { backoffMs, deliverDue, signature } from '../../worker/outbox';
import { freshDatabase } from '../support/fresh-db';

let dbh: DbHandle;
let server: Server;
let url: string;
let failNext = 0;
const received: { headers: IncomingMessage['headers']; body: string }[] = [];
const SECRET = 'webhook-secret-of-the-agency';

beforeAll(async () => {
  dbh = await freshDatabase(inject('databaseUrl'));
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (failNext > 0) {
        failNext -= 1;
        res.writeHead(503).end();
        return;
      }
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  await dbh.db.insert(agencies).values([
    { id: 'hooked', name: '有回调的实施机构', roles: ['IMPLEMENTER'], implementerKind: 'approval_agency', notifyUrl: url, notifySecret: SECRET },
    { id: 'inbox-only', name: '无回调的实施机构', roles: ['IMPLEMENTER'], implementerKind: 'market_entity' },
  ]);
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await dbh?.close();
});

const notice = (eventKey: string, agencyId: string) => ({
  eventKey, agencyId, kind: 'overdue', rule: 'R14', subject: '逾期提醒', detail: { caseId: 'C1' }, createdAt: new Date('2026-11-23T01:00:00Z'),
});

describe('the outbox', () => {
  it('R14: delivers a notice as a signed webhook; an agency without an endpoint is left to its inbox', async () => {
    await dbh.db.insert(notices).values([notice('e1', 'hooked'), notice('e1', 'inbox-only')]);
    const t = new Date('2026-11-23T02:00:00Z');
    expect(await deliverDue(dbh.db, t)).toEqual({ attempted: 1, delivered: 1 });
    expect(received).toHaveLength(1);
    const { headers, body } = received[0];
    expect(JSON.parse(body)).toMatchObject({ kind: 'overdue', rule: 'R14', subject: '逾期提醒', detail: { caseId: 'C1' } });
    expect(headers['x-jd-signature']).toBe(signature(SECRET, headers['x-jd-timestamp'] as string, body));
    expect(headers['x-jd-signature']).not.toBe(signature('another-secret', headers['x-jd-timestamp'] as string, body));
    const rows = await dbh.db.select().from(notices).orderBy(asc(notices.agencyId));
    expect(rows.map((r) => [r.agencyId, r.deliveredAt?.toISOString() ?? null])).toEqual([
      ['hooked', t.toISOString()], ['inbox-only', null],
    ]);
    expect(await deliverDue(dbh.db, new Date(t.getTime() + 60_000))).toEqual({ attempted: 0, delivered: 0 });
  });

  it('R14: an endpoint that is down is retried with backoff until it answers, every attempt logged', async () => {
    const [{ id }] = await dbh.db.insert(notices).values(notice('e2', 'hooked')).returning({ id: notices.id });
    failNext = 2;
    let t = new Date('2026-11-23T03:00:00Z');
    expect(await deliverDue(dbh.db, t)).toEqual({ attempted: 1, delivered: 0 });
    // Not again before the backoff has passed.
    expect(await deliverDue(dbh.db, new Date(t.getTime() + backoffMs(1) - 1))).toEqual({ attempted: 0, delivered: 0 });
    t = new Date(t.getTime() + backoffMs(1));
    expect(await deliverDue(dbh.db, t)).toEqual({ attempted: 1, delivered: 0 });
    t = new Date(t.getTime() + backoffMs(2));
    expect(await deliverDue(dbh.db, t)).toEqual({ attempted: 1, delivered: 1 });
    const attempts = await dbh.db.select().from(noticeDeliveries).where(eq(noticeDeliveries.noticeId, id)).orderBy(asc(noticeDeliveries.attempt));
    expect(attempts.map((a) => [a.attempt, a.status, a.error])).toEqual([[1, 503, 'HTTP 503'], [2, 503, 'HTTP 503'], [3, 204, null]]);
    const [row] = await dbh.db.select().from(notices).where(eq(notices.id, id));
    expect(row).toMatchObject({ attempts: 3, lastError: null, deliveredAt: t });
    expect(received.at(-1)!.headers['x-jd-notice-id']).toBe(String(id));
  });

  it('backs off 1 s, 2 s, 4 s … and never more than an hour', () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(30)).toBe(3_600_000);
  });
});
