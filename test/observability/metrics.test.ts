// GET /metrics (issue 16): the API's requests, latency and errors by route template, and the
// domain's gauges read from PostgreSQL when scraped: open and overdue steps by rule, kind and
// responsible agency (R14), the webhook outbox's waiting and parked notices. A database of its
// own, so that every count is exact.
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../api/app';
import { ROLE_OWED } from '../../api/observability/metrics';
import { readCalendar } from '../../db/calendar-store';
import { connectDb, type DbHandle } from '../../db/client';
import { agencies, notices, steps } from '../../db/schema';
import { freePort } from '../support/ports';
import { deadEngineConnection } from '../support/apps';
import { freshDatabase } from '../support/fresh-db';

let dbh: DbHandle;
let connection: Connection;
const apps: FastifyInstance[] = [];
const HOUR = 3_600_000;

async function appOn(db: DbHandle, domainMetricsTtlMs: number): Promise<FastifyInstance> {
  // The engine is down on purpose: /health answers 503, a server error to count.
  const app = await buildApp({
    db: db.db, sql: db.sql, temporal: new Client({ connection }), calendar: () => readCalendar(db.db), targetIdKey: 'metrics', domainMetricsTtlMs,
  });
  apps.push(app);
  return app;
}

/** The exposition's samples by series: `name{labels}` → value. */
async function scrape(app: FastifyInstance): Promise<Map<string, number>> {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return new Map(res.body.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
    const at = l.lastIndexOf(' ');
    return [l.slice(0, at), Number(l.slice(at + 1))];
  }));
}

const series = (m: Map<string, number>, name: string) => [...m].filter(([k]) => k === name || k.startsWith(`${name}{`));

beforeAll(async () => {
  dbh = await freshDatabase(inject('databaseUrl'));
  connection = await deadEngineConnection();
  const now = Date.now();
  const step = (id: string, rule: string, kind: string, agencyId: string | null, dueInMs: number, done = false) => ({
    id, rule, kind, agencyId, targetId: 'E-metrics', openedAt: new Date(now - 48 * HOUR), dueAt: new Date(now + dueInMs),
    doneAt: done ? new Date(now - HOUR) : null, outcome: done ? 'done' as const : null,
  });
  await dbh.db.insert(agencies).values([
    { id: 'm-authority', name: '主管部门', roles: ['AUTHORITY'] },
    { id: 'm-hooked', name: '有回调的实施部门', roles: ['IMPLEMENTER'], notifyUrl: 'https://example.gov.cn/hook', notifySecret: 'whsec_' + 'a'.repeat(32) },
    { id: 'm-inbox', name: '只读收件箱的部门', roles: ['IMPLEMENTER'] },
  ]);
  await dbh.db.insert(steps).values([
    step('s1', 'R5', 'receipt', 'm-authority', -HOUR),
    step('s2', 'R5', 'receipt', 'm-authority', 24 * HOUR),
    step('s3', 'R5', 'receipt', 'm-authority', -2 * HOUR, true),
    step('s4', 'R5', 'acknowledgement', 'm-hooked', 72 * HOUR),
    { ...step('s5', 'R1', 'list_review', null, -HOUR), targetId: null, changeId: 'c1' },
  ]);
  const notice = (eventKey: string, agencyId: string, createdMsAgo: number, state: { delivered?: boolean; parked?: boolean } = {}) => ({
    eventKey, agencyId, kind: 'overdue', subject: '逾期', createdAt: new Date(now - createdMsAgo),
    deliveredAt: state.delivered ? new Date(now) : null, parkedAt: state.parked ? new Date(now) : null,
  });
  await dbh.db.insert(notices).values([
    notice('n1', 'm-hooked', HOUR), notice('n2', 'm-hooked', 60_000), notice('n3', 'm-hooked', 2 * HOUR, { parked: true }),
    notice('n4', 'm-hooked', 3 * HOUR, { delivered: true }),
    // Read in the inbox, never posted: no backlog.
    notice('n5', 'm-inbox', 5 * HOUR), notice('n6', 'm-inbox', 5 * HOUR),
  ]);
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await connection?.close();
  await dbh?.close();
});

describe('GET /metrics: the API', () => {
  it('counts requests by method, route template and status, server errors apart, and times them', async () => {
    const app = await appOn(dbh, 0);
    await app.inject({ method: 'GET', url: '/health' });
    await app.inject({ method: 'GET', url: '/targets/E0123456789abcdef01234567' });
    await app.inject({ method: 'GET', url: '/targets/Efedcba9876543210fedcba98' });
    await app.inject({ method: 'GET', url: '/no/such/route?q=张三' });
    const m = await scrape(app);
    expect(m.get('jd_http_requests_total{method="GET",route="/health",status_code="503"}')).toBe(1);
    expect(m.get('jd_http_server_errors_total{method="GET",route="/health",status_code="503"}')).toBe(1);
    // Two targets, one series: the label is the route's template, never the id.
    expect(m.get('jd_http_requests_total{method="GET",route="/targets/:targetId",status_code="401"}')).toBe(2);
    expect(m.get('jd_http_server_errors_total{method="GET",route="/targets/:targetId",status_code="401"}')).toBeUndefined();
    expect(m.get('jd_http_requests_total{method="GET",route="(unmatched)",status_code="404"}')).toBe(1);
    expect(m.get('jd_http_request_duration_seconds_count{method="GET",route="/targets/:targetId",status_class="4xx"}')).toBe(2);
    expect(m.get('jd_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/health",status_class="5xx"}')).toBe(1);
    expect([...m.keys()].join('\n')).not.toMatch(/E0123456789abcdef01234567|张三|no\/such/);
    expect(m.get('process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});

describe('GET /metrics: the domain, read when scraped', () => {
  it('R14: open and overdue steps by rule, kind and responsible agency; done steps nowhere', async () => {
    const m = await scrape(await appOn(dbh, 0));
    expect(series(m, 'jd_steps_open').sort()).toEqual([
      [`jd_steps_open{rule="R1",kind="list_review",agency="${ROLE_OWED}"}`, 1],
      ['jd_steps_open{rule="R5",kind="acknowledgement",agency="m-hooked"}', 1],
      ['jd_steps_open{rule="R5",kind="receipt",agency="m-authority"}', 2],
    ]);
    expect(series(m, 'jd_steps_overdue').sort()).toEqual([
      [`jd_steps_overdue{rule="R1",kind="list_review",agency="${ROLE_OWED}"}`, 1],
      ['jd_steps_overdue{rule="R5",kind="receipt",agency="m-authority"}', 1],
    ]);
    expect(m.get('jd_domain_metrics_up{source="steps"}')).toBe(1);
  });

  it('the outbox: notices waiting for a webhook and parked ones by agency, the oldest waiting\'s age; inbox-only notices are no backlog', async () => {
    const m = await scrape(await appOn(dbh, 0));
    expect(series(m, 'jd_outbox_waiting')).toEqual([['jd_outbox_waiting{agency="m-hooked"}', 2]]);
    expect(series(m, 'jd_outbox_parked')).toEqual([['jd_outbox_parked{agency="m-hooked"}', 1]]);
    const [[, oldest]] = series(m, 'jd_outbox_oldest_waiting_seconds');
    expect(oldest).toBeGreaterThanOrEqual(3600);
    expect(oldest).toBeLessThan(3600 + 120);
    expect(m.get('jd_domain_metrics_up{source="outbox"}')).toBe(1);
  });

  it('reads the database once per TTL, however often it is scraped', async () => {
    const app = await appOn(dbh, 60_000);
    const before = await scrape(app);
    await dbh.db.insert(steps).values({
      id: 's6', rule: 'R5', kind: 'receipt', agencyId: 'm-authority', openedAt: new Date(), dueAt: new Date(Date.now() + HOUR),
    });
    const key = 'jd_steps_open{rule="R5",kind="receipt",agency="m-authority"}';
    expect((await scrape(app)).get(key)).toBe(before.get(key));
    expect((await scrape(await appOn(dbh, 0))).get(key)).toBe(before.get(key)! + 1);
  });

  it('with PostgreSQL down the scrape still answers: the gauges say nothing and _up says 0', async () => {
    const down = connectDb(`postgres://nobody:x@127.0.0.1:${await freePort()}/none`, { max: 1 });
    try {
      const m = await scrape(await appOn(down, 0));
      expect(m.get('jd_domain_metrics_up{source="steps"}')).toBe(0);
      expect(m.get('jd_domain_metrics_up{source="outbox"}')).toBe(0);
      expect(series(m, 'jd_steps_open')).toEqual([]);
      expect(series(m, 'jd_outbox_waiting')).toEqual([]);
    } finally {
      await down.close();
    }
  });
});
