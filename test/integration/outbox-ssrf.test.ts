// Issue 16, server-side request forgery at delivery time: the URL is checked again before
// every attempt, on what its name resolves to then, and the connection goes to the address
// checked; a redirect is a failed attempt and is not followed; the connect timeout holds.
// Every refusal is a logged, failed attempt with its reason. No test here sends a packet
// anywhere but 127.0.0.1: the link-local cases are refused before any connection.
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DbHandle } from '../../db/client';
import { agencies, noticeDeliveries, notices } from '../../db/schema';
import { deliverDue } from '../../worker/outbox';
import { guardedLookup, type Resolve } from '../../worker/outbox/ssrf';
import { freshDatabase } from '../support/fresh-db';
import { fixedSecret, notifySettings, webhookReceiver, type Receiver } from '../support/webhooks';

let dbh: DbHandle;
let hook: Receiver;
let elsewhere: Receiver;
let n = 0;

/** DNS as the tests want it: names under .test resolve where this table says; `slow.test` never answers. */
const DNS: Record<string, LookupAddress[]> = {
  'rebound.test': [{ address: '127.0.0.1', family: 4 }],
  'metadata.test': [{ address: '169.254.169.254', family: 4 }],
  'split.test': [{ address: '93.184.216.34', family: 4 }, { address: '127.0.0.1', family: 4 }],
  'intranet.test': [{ address: '127.0.0.1', family: 4 }],
};
const resolve: Resolve = (hostname) => (hostname === 'slow.test' ? new Promise(() => {}) : Promise.resolve(DNS[hostname] ?? []));
const settings = notifySettings({
  NOTIFY_ALLOWED_HTTP_HOSTS: '127.0.0.1,rebound.test,intranet.test,slow.test',
  NOTIFY_ALLOWED_PRIVATE_HOSTS: '127.0.0.1,intranet.test',
  NOTIFY_CONNECT_TIMEOUT_MS: '300',
  NOTIFY_RESPONSE_TIMEOUT_MS: '5000',
});

beforeAll(async () => {
  dbh = await freshDatabase(inject('databaseUrl'));
  elsewhere = await webhookReceiver(() => 204);
  hook = await webhookReceiver((r) => (r.path === '/moved'
    ? (_r, res) => res.writeHead(307, { location: elsewhere.url('/internal') }).end()
    : 204));
});

afterAll(async () => {
  await hook?.close();
  await elsewhere?.close();
  await dbh?.close();
});

/** One agency with `url`, one notice for it, one round of the outbox; its attempts. */
async function deliverTo(url: string, s = settings) {
  n += 1;
  const agencyId = `agency-${n}`;
  await dbh.db.insert(agencies).values({ id: agencyId, name: `机构 ${n}`, roles: ['IMPLEMENTER'], notifyUrl: url, notifySecret: fixedSecret(n) });
  const [{ id }] = await dbh.db.insert(notices).values({
    eventKey: `ssrf/${n}`, agencyId, kind: 'overdue', rule: 'R14', subject: '逾期提醒', detail: {}, createdAt: new Date(),
  }).returning({ id: notices.id });
  // One instant for every round, so an earlier test's failed notice (due again a second later) stays out.
  const outcome = await deliverDue(dbh.db, s, { resolve, now: new Date('2030-01-01T00:00:00Z') });
  const attempts = await dbh.db.select().from(noticeDeliveries).where(eq(noticeDeliveries.noticeId, id)).orderBy(asc(noticeDeliveries.attempt));
  const [row] = await dbh.db.select().from(notices).where(eq(notices.id, id));
  return { outcome, attempts, row };
}

describe('the outbox refuses what an agency URL must not reach', () => {
  it('a name that resolves to 127.0.0.1 is refused at delivery, recorded as a failed attempt with the reason', async () => {
    const before = hook.received.length;
    const { outcome, attempts, row } = await deliverTo(`http://rebound.test:${hook.port}/hook`);
    expect(outcome).toEqual({ attempted: 1, delivered: 0 });
    expect(attempts.map((a) => [a.attempt, a.status, a.error])).toEqual([
      [1, null, 'refused: rebound.test resolves to 127.0.0.1, a loopback address, and rebound.test is not in NOTIFY_ALLOWED_PRIVATE_HOSTS'],
    ]);
    expect(row).toMatchObject({ deliveredAt: null, lastError: expect.stringMatching(/^refused: rebound\.test/) });
    expect(hook.received.length).toBe(before);
  });

  it('the same name, once an ADMIN allows it, is delivered to the address that was checked', async () => {
    const before = hook.received.length;
    const { outcome, attempts } = await deliverTo(`http://intranet.test:${hook.port}/hook`);
    expect(outcome).toEqual({ attempted: 1, delivered: 1 });
    expect(attempts.map((a) => [a.status, a.error])).toEqual([[204, null]]);
    expect(hook.received.length).toBe(before + 1);
    expect(hook.received.at(-1)!.headers.host).toBe(`intranet.test:${hook.port}`);
  });

  it('169.254.169.254, or any one private address among a name\'s answers, is refused before any connection', async () => {
    const lookup = (host: string) => new Promise<string>((done) => {
      const fn: LookupFunction = guardedLookup(host, settings, resolve);
      fn(host, { all: true }, (err) => done(err ? err.message : 'connected'));
    });
    expect(await lookup('metadata.test')).toBe(
      'refused: metadata.test resolves to 169.254.169.254, a link-local address, and metadata.test is not in NOTIFY_ALLOWED_PRIVATE_HOSTS');
    expect(await lookup('split.test')).toMatch(/^refused: split\.test resolves to 127\.0\.0\.1, a loopback address/);
    expect(await lookup('nowhere.test')).toBe('nowhere.test has no address');
    expect(await lookup('intranet.test')).toBe('connected');
  });

  it('a URL stored before the check (http to 127.0.0.1) is refused by the default settings, without a connection', async () => {
    const before = hook.received.length;
    const { attempts } = await deliverTo(hook.url('/hook'), notifySettings({ NOTIFY_ALLOWED_HTTP_HOSTS: '', NOTIFY_ALLOWED_PRIVATE_HOSTS: '' }));
    expect(attempts.map((a) => [a.status, a.error])).toEqual([
      [null, 'refused: notifyUrl points at 127.0.0.1, a loopback address, and 127.0.0.1 is not in NOTIFY_ALLOWED_PRIVATE_HOSTS'],
    ]);
    expect(hook.received.length).toBe(before);
  });

  it('a redirect is not followed: the 307 is a failed attempt and its target never hears of the notice', async () => {
    const { outcome, attempts, row } = await deliverTo(hook.url('/moved'));
    expect(outcome).toEqual({ attempted: 1, delivered: 0 });
    expect(attempts.map((a) => [a.status, a.error])).toEqual([
      [307, `HTTP 307: redirects are not followed (Location: ${elsewhere.url('/internal')}); set the endpoint's own URL`],
    ]);
    expect(row.nextAttemptAt).not.toBeNull();
    expect(elsewhere.received).toEqual([]);
  });

  it('DNS and the connection together get NOTIFY_CONNECT_TIMEOUT_MS, not the whole response timeout', async () => {
    const { attempts } = await deliverTo('http://slow.test/hook');
    expect(attempts.map((a) => [a.status, a.error])).toEqual([[null, 'no connection within 300 ms']]);
    expect(attempts[0].durationMs).toBeGreaterThanOrEqual(290);
    expect(attempts[0].durationMs).toBeLessThan(2_000);
  });
});
