// The API skeleton with app.inject(): health, one error shape, OpenAPI. PostgreSQL is the
// real test database; Temporal is pointed at a closed port where the test needs it down.
import { connect } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readCalendar } from '../../db/calendar-store';
import { buildApp } from '../../api/app';
import { connectDb, type DbHandle } from '../../db/client';
import { agencies } from '../../db/schema';
import { agencyWithKey } from '../support/agencies';
import { appWithoutEngine, deadEngineConnection } from '../support/apps';
import { freePort } from '../support/ports';

let dbh: DbHandle;
let deadDb: DbHandle;
let deadTemporal: Connection;
let app: FastifyInstance;
let enforcement: { headers: Record<string, string> };
let authority: { id: string; headers: Record<string, string> };

const fixedNow = new Date('2026-11-20T02:00:00Z'); // Friday 10:00 in Asia/Shanghai

beforeAll(async () => {
  dbh = connectDb(inject('appDatabaseUrl'));
  deadDb = connectDb(`postgres://nobody:x@127.0.0.1:${await freePort()}/none`, { max: 1 });
  deadTemporal = await deadEngineConnection();
  app = await buildApp({
    db: dbh.db, sql: dbh.sql, temporal: new Client({ connection: deadTemporal }),
    calendar: () => readCalendar(dbh.db), targetIdKey: 'api-test', now: () => fixedNow,
  });
  enforcement = await agencyWithKey(dbh.db, ['ENFORCEMENT']);
  authority = await agencyWithKey(dbh.db, ['AUTHORITY']);
  await dbh.db.insert(agencies).values({ id: 'test-api-authority', name: '业务主管机构（测试）', roles: ['AUTHORITY'], region: '330100' }).onConflictDoNothing();
  app.get('/test-only/boom', async () => {
    throw new Error('password=hunter2 at db.internal:5432');
  });
});

afterAll(async () => {
  await app?.close();
  await deadTemporal?.close();
  await dbh?.close();
  await deadDb?.close();
});

const valid = {
  source: 'penalty_decision',
  measures: ['DM-R8-PUBLICITY-ADVERSE'],
  periods: { 'DM-R8-PUBLICITY-ADVERSE': { years: 1 } },
  authority: 'test-api-authority',
  document: { number: '杭市管罚〔2026〕1号', issuedOn: '2026-11-18', issuer: '杭州市市场监督管理局' },
  target: { kind: 'enterprise', creditCode: '91330106MA2H3X0A1H', name: '杭州某某贸易有限公司' },
};

describe('health', () => {
  it('answers 503 naming Temporal when the engine is down and the database is up', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'down', db: 'ok', temporal: 'down' });
  });

  it('answers 503 naming the database when PostgreSQL is down', async () => {
    const other = await buildApp({
      db: deadDb.db, sql: deadDb.sql, temporal: new Client({ connection: deadTemporal }),
      calendar: () => readCalendar(deadDb.db), targetIdKey: 'x',
    });
    const res = await other.inject({ method: 'GET', url: '/health' });
    await other.close();
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'down', db: 'down' });
  });
});

describe('one error shape: 4xx name the field and the reason', () => {
  const cases: [string, unknown, string, RegExp][] = [
    ['a missing decision date', { ...valid, document: { number: '1', issuer: 'x' } }, 'document.issuedOn', /is required/],
    ['an impossible date', { ...valid, document: { ...valid.document, issuedOn: '2026-02-30' } }, 'document.issuedOn', /real calendar date/],
    ['a malformed date', { ...valid, document: { ...valid.document, issuedOn: '18/11/2026' } }, 'document.issuedOn', /not a real calendar date \(YYYY-MM-DD\)/],
    ['a decision date in the future', { ...valid, document: { ...valid.document, issuedOn: '2026-11-21' } }, 'document.issuedOn', /future/],
    ['a wrong check character (GB 32100-2015)', { ...valid, target: { ...valid.target, creditCode: '91330106MA2H3X0A1J' } }, 'target.creditCode', /check character should be H/],
    ['an enterprise without a credit code', { ...valid, target: { kind: 'enterprise', name: 'x' } }, 'target.creditCode', /required/],
    ['a person with a wrong check digit (GB 11643-1999)', { ...valid, target: { kind: 'person', name: '张三', idNumber: '110105194912310021' } }, 'target.idNumber', /check digit should be X/],
    ['a related person with an impossible birth date', { ...valid, persons: [{ role: 'principal', name: '李四', idNumber: '110105194902310021' }] }, 'persons.0.idNumber', /date of birth/],
    ['an unknown source', { ...valid, source: 'rumour' }, 'source', /allowed values/],
    ['a measure on neither list (R1)', { ...valid, measures: ['DM-R7-NOPE'] }, 'measures.0', /not on either list/],
    ['a measure that does not apply to the target kind', { ...valid, target: { kind: 'person', name: '张三', idNumber: '11010519491231002X' }, measures: ['DM-R8-PUBLICITY-ADVERSE', 'DM-R6-NO-SIMPLE-DEREG'] }, 'measures.1', /does not apply to a person/],
    ['a measure on persons in an enterprise case without persons (R13)', { ...valid, measures: ['DM-R6-PROFESSION-BAN'] }, 'measures.0', /list them in persons \(R13\)/],
    ['no measures', { ...valid, measures: [] }, 'measures', /fewer than 1/],
    ['a decision period for a measure with a fixed period', { ...valid, measures: ['DM-R6-OFFICE-LEGALREP-3Y'], target: { kind: 'person', name: '张三', idNumber: '11010519491231002X' }, periods: { 'DM-R6-OFFICE-LEGALREP-3Y': { years: 1 } } }, 'periods.DM-R6-OFFICE-LEGALREP-3Y', /fixed period/],
    ['a decision period for a measure not in the case', { ...valid, periods: { ...valid.periods, 'DM-R6-NO-NOTIFY-COMMIT': { days: 30 } } }, 'periods.DM-R6-NO-NOTIFY-COMMIT', /not one of the measures/],
    ['a by_decision measure without the period the decision set (R10)', { ...valid, periods: {} }, 'periods.DM-R8-PUBLICITY-ADVERSE', /is required/],
    ['a penalty decision with a document kind (R3)', { ...valid, document: { ...valid.document, kind: 'judgment' } }, 'document.kind', /external document/],
    ['an authority that is no AUTHORITY', { ...valid, authority: 'demo-nobody' }, 'authority', /no agency/],
    ['an unknown property', { ...valid, target: { ...valid.target, colour: 'red' } }, 'target.colour', /not an allowed property/],
    ['an unknown property', { ...valid, colour: 'red' }, 'colour', /not an allowed property/],
  ];
  it.each(cases)('POST /cases refuses %s', async (_name, payload, field, reason) => {
    const res = await app.inject({ method: 'POST', url: '/cases', headers: enforcement.headers, payload: payload as object });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('bad_request');
    expect(body.field).toBe(field);
    expect(body.message).toMatch(reason);
  });

  it('refuses a body that is not JSON, naming the body', async () => {
    const res = await app.inject({
      method: 'POST', url: '/cases', headers: { ...enforcement.headers, 'content-type': 'application/json' }, payload: '{"source":',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'body' });
  });

  it('answers an unknown route with 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'not_found' });
  });

  it('R3: refuses an external document without its kind, and a receipt date before its issue', async () => {
    const credit = await agencyWithKey(dbh.db, ['CREDIT']);
    const file = (payload: object) => app.inject({ method: 'POST', url: '/cases', headers: credit.headers, payload: { ...valid, source: 'external_document', ...payload } });
    expect((await file({})).json()).toMatchObject({ field: 'document.kind', message: expect.stringMatching(/is required/) });
    const early = await file({ document: { ...valid.document, kind: 'judgment' }, receivedOn: '2026-11-01' });
    expect(early.json()).toMatchObject({ field: 'receivedOn', message: expect.stringMatching(/before the document was issued/) });
  });

  it('answers 404 naming the case when a receipt names no known case', async () => {
    const res = await app.inject({ method: 'POST', url: '/cases/Cnope/receipt', headers: authority.headers });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ field: 'caseId' });
  });

  it('hides the internals of a 5xx', async () => {
    const res = await app.inject({ method: 'GET', url: '/test-only/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('hunter2');
    expect(res.json()).toMatchObject({ error: 'internal', requestId: expect.any(String) });
  });
});

describe('requests Node cannot parse', () => {
  it('raw UTF-8 in the URL is refused with the same error shape, naming the url', async () => {
    const { app: listening, close } = await appWithoutEngine(dbh);
    try {
      const address = await listening.listen({ port: 0, host: '127.0.0.1' });
      const { port } = new URL(address);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.write(Buffer.concat([Buffer.from('GET /targets?q='), Buffer.from('某某', 'utf8'), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')]));
        });
        let raw = '';
        socket.on('data', (d) => (raw += d));
        socket.on('end', () => resolve(raw));
        socket.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
      expect(body).toMatchObject({ error: 'bad_request', field: 'url', message: expect.stringContaining('percent-encode') });
    } finally {
      await close();
    }
  });
});

describe('OpenAPI', () => {
  it('serves the document at /openapi.json with every route of the slice', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      '/health', '/cases', '/cases/{caseId}/receipt', '/targets/{targetId}',
      '/calendar/deadline', '/calendar/days', '/calendar/years/{year}', '/calendar/feedback-due',
      '/measures', '/measures/{code}', '/measures/changes', '/measures/changes/{changeId}/decision',
      '/matching/proposals', '/inbox', '/agencies', '/agencies/{agencyId}/keys',
    ]));
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/calendar/years/{year}'].put.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/calendar/deadline'].get.security).toEqual([]); // public: no key (issue 16)
    expect(doc.paths['/cases'].post.requestBody.content['application/json'].schema.required)
      .toEqual(['source', 'document', 'target', 'measures', 'authority']);
  });

  it('serves a browsable UI at /docs', async () => {
    const res = await app.inject({ method: 'GET', url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toMatch(/swagger/i);
  });
});
