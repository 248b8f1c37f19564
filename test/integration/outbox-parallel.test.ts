// Issue 16: one dead endpoint delays nobody else. One agency's endpoint accepts the connection
// and never answers; another answers at once. With the outbox running as the worker runs it,
// every notice of the second arrives within 2 s although the dead agency's notices are older
// and queued first; the dead one holds at most its NOTIFY_PER_AGENCY_CONCURRENCY connections,
// and each of its attempts ends at the response timeout as a logged failure.
import { asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DbHandle } from '../../db/client';
import { agencies, noticeDeliveries, notices } from '../../db/schema';
import { startOutbox } from '../../worker/outbox';
import { eventually } from '../support/eventually';
import { freshDatabase } from '../support/fresh-db';
import { fixedSecret, notifySettings, webhookReceiver, type Receiver } from '../support/webhooks';

const PER_AGENCY = 2;
const RESPONSE_TIMEOUT_MS = 3_000;
const BOUND_MS = 2_000;
const EACH = 6;

let dbh: DbHandle;
let dead: Receiver;
let live: Receiver;

beforeAll(async () => {
  dbh = await freshDatabase(inject('databaseUrl'));
  dead = await webhookReceiver(() => 'hang');
  live = await webhookReceiver(() => 204);
  await dbh.db.insert(agencies).values([
    { id: 'dead', name: '接口无响应的机构', roles: ['IMPLEMENTER'], notifyUrl: dead.url(), notifySecret: fixedSecret(1) },
    { id: 'live', name: '接口正常的机构', roles: ['IMPLEMENTER'], notifyUrl: live.url(), notifySecret: fixedSecret(2) },
  ]);
});

afterAll(async () => {
  await dead?.close();
  await live?.close();
  await dbh?.close();
});

describe('the outbox serves agencies side by side', () => {
  it(`an endpoint that accepts and never answers delays nobody else: the other agency's ${EACH} notices arrive within ${BOUND_MS} ms`, async () => {
    const notice = (agencyId: string, i: number) => ({
      eventKey: `parallel/${agencyId}/${i}`, agencyId, kind: 'overdue', rule: 'R14', subject: `逾期提醒 ${i}`, detail: { i }, createdAt: new Date(),
    });
    // The dead agency's notices first: an outbox that posted one at a time would be stuck behind them.
    await dbh.db.insert(notices).values(Array.from({ length: EACH }, (_, i) => notice('dead', i)));
    await dbh.db.insert(notices).values(Array.from({ length: EACH }, (_, i) => notice('live', i)));
    const settings = notifySettings({
      NOTIFY_PER_AGENCY_CONCURRENCY: String(PER_AGENCY), NOTIFY_RESPONSE_TIMEOUT_MS: String(RESPONSE_TIMEOUT_MS), NOTIFY_CONNECT_TIMEOUT_MS: '1000',
    });
    const started = Date.now();
    const outbox = startOutbox(dbh.db, settings, { intervalMs: 50 });
    try {
      await eventually(async () => expect(live.received).toHaveLength(EACH), BOUND_MS, 10);
      const elapsed = Math.max(...live.received.map((r) => r.at)) - started;
      expect(elapsed).toBeLessThan(BOUND_MS);
      // Meanwhile the dead endpoint holds exactly its agency's slots, and nothing of it is logged yet.
      expect(dead.open()).toBe(PER_AGENCY);
      expect(dead.maxOpen()).toBe(PER_AGENCY);
      // And they are recorded as delivered (the 2xx is in; the row follows at once).
      await eventually(async () => {
        const liveRows = await dbh.db.select().from(notices).where(eq(notices.agencyId, 'live'));
        expect(liveRows.filter((r) => !r.deliveredAt)).toEqual([]);
      }, 1_000, 20);
      const deadIds = (await dbh.db.select({ id: notices.id }).from(notices).where(eq(notices.agencyId, 'dead'))).map((r) => r.id);
      expect(await dbh.db.select().from(noticeDeliveries).where(inArray(noticeDeliveries.noticeId, deadIds))).toEqual([]);

      // Each of the dead agency's attempts ends at the response timeout, as a failed attempt.
      const failed = await eventually(async () => {
        const rows = await dbh.db.select().from(noticeDeliveries).where(inArray(noticeDeliveries.noticeId, deadIds)).orderBy(asc(noticeDeliveries.id));
        expect(rows.length).toBeGreaterThanOrEqual(PER_AGENCY);
        return rows.slice(0, PER_AGENCY);
      }, RESPONSE_TIMEOUT_MS + 5_000, 50);
      for (const a of failed) {
        expect(a).toMatchObject({ attempt: 1, status: null, error: `no answer within ${RESPONSE_TIMEOUT_MS} ms` });
        expect(a.durationMs).toBeGreaterThanOrEqual(RESPONSE_TIMEOUT_MS - 10);
        expect(a.durationMs).toBeLessThan(RESPONSE_TIMEOUT_MS + 1_000);
      }
      // Those two wait out their backoff; the dead agency's next notices take the freed slots.
      await eventually(async () => expect(dead.received.length).toBeGreaterThan(PER_AGENCY), 2_000, 20);
    } finally {
      await outbox.stop();
    }
    console.log(`[outbox] the answering agency's ${EACH} notices arrived in ${Math.max(...live.received.map((r) => r.at)) - started} ms beside a dead endpoint`);
  }, 30_000);
});
