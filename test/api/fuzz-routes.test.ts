// Property-based checks over every route's query string, path parameters and body that
// fuzz.test.ts does not already cover: whatever a caller sends, never a 5xx, and every 4xx
// (404 aside) names the failing field. The case ids are unknown, so a request that passes
// validation ends in 404 before it could reach the engine (which is down here on purpose).
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectDb, type DbHandle } from '../../db/client';
import { ROLES } from '../../db/schema';
import { agencyWithKey } from '../support/agencies';
import { appWithoutEngine } from '../support/apps';
import { expectFieldedAnswer } from '../support/fielded';

let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
const headers: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  dbh = connectDb(inject('appDatabaseUrl'));
  ({ app, close: closeApp } = await appWithoutEngine(dbh, { targetIdKey: 'fuzz-routes' }));
  for (const role of ROLES) headers[role] = (await agencyWithKey(dbh.db, [role])).headers;
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
});

/** Values a query parameter might carry: junk, numbers, months, dates, booleans, codes. */
const value = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.integer({ min: -10, max: 2_000_000 }).map(String),
  fc.constantFrom('', '2026-10', '2026-13', '0000-00', '2026-10-01', 'true', 'false', 'csv', 'json', 'open', 'closed',
    'enterprise', 'R5', 'R99', 'DM-R7-GOV-BIDDING', '%', '_', "'; drop table targets; --", '杭州', '\u0000'),
);

const GET_ROUTES: { url: string; role: string; keys: string[] }[] = [
  { url: '/targets', role: 'SUPERVISOR', keys: ['q', 'creditCode', 'kind', 'status', 'agencyId', 'field', 'measure', 'overdue', 'limit', 'offset'] },
  { url: '/targets', role: 'IMPLEMENTER', keys: ['q', 'status', 'overdue', 'limit', 'offset'] },
  { url: '/overdue', role: 'SUPERVISOR', keys: ['agencyId', 'rule', 'limit', 'offset'] },
  { url: '/overdue', role: 'AUTHORITY', keys: ['agencyId', 'rule', 'limit'] },
  { url: '/stats', role: 'SUPERVISOR', keys: ['month', 'from', 'to', 'agencyId', 'format'] },
  { url: '/stats', role: 'IMPLEMENTER', keys: ['month', 'from', 'to', 'agencyId', 'format'] },
  { url: '/measures', role: 'SUPERVISOR', keys: ['limit', 'offset', 'list', 'category', 'targetKind', 'q', 'status'] },
  { url: '/measures/changes', role: 'CREDIT', keys: ['status', 'code'] },
  { url: '/matching/proposals', role: 'CREDIT', keys: ['documentKind', 'field', 'targetKind'] },
  { url: '/inbox', role: 'IMPLEMENTER', keys: ['unread', 'limit'] },
  { url: '/notices/parked', role: 'SUPERVISOR', keys: ['agencyId', 'limit', 'offset'] },
];

describe('fuzzing every query string and path', () => {
  it('the GET query strings never answer 5xx and name the field of every refusal', async () => {
    const route = fc.constantFrom(...GET_ROUTES);
    await fc.assert(fc.asyncProperty(route, fc.array(fc.tuple(fc.nat(), value), { maxLength: 5 }), fc.boolean(), async (r, pairs, stray) => {
      const params = new URLSearchParams(pairs.map(([i, v]): [string, string] => [r.keys[i % r.keys.length], v]));
      if (stray) params.set('unexpected', 'x');
      const url = `${r.url}?${params}`;
      const res = await app.inject({ method: 'GET', url, headers: headers[r.role] });
      expectFieldedAnswer(res, `${r.role} ${url}`);
    }), { numRuns: 400 });
  });

  it('path parameters never answer 5xx: a malformed id names its field, an unknown one is 404', async () => {
    const id = fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('E000000000000000000000000', 'P' + 'f'.repeat(24), 'MCnope', '..', '%2F'));
    const paths = ['/targets/%s', '/targets/%s/history', '/measures/%s', '/measures/changes/%s'];
    await fc.assert(fc.asyncProperty(fc.constantFrom(...paths), id, async (pattern, raw) => {
      const url = pattern.replace('%s', encodeURIComponent(raw));
      const res = await app.inject({ method: 'GET', url, headers: headers.SUPERVISOR });
      expectFieldedAnswer(res, url);
      if (pattern.startsWith('/targets') && res.statusCode === 400) expect(res.json().field).toBe('targetId');
    }), { numRuns: 200 });
  });
});

describe('the NUL character', () => {
  it.each([
    ['GET', '/targets?q=%00', 'q'], ['GET', '/targets?agencyId=a%00', 'agencyId'], ['GET', '/overdue?agencyId=%00', 'agencyId'],
    ['GET', '/stats?agencyId=%00', 'agencyId'], ['GET', '/targets?field=a%00b', 'field'], ['GET', '/measures/changes?code=%00', 'code'],
    ['POST', '/cases/Cnope/objections', 'reason'], ['POST', '/feedback', 'summary'],
  ])('%s %s is refused naming %s (PostgreSQL cannot store it)', async (method, url, field) => {
    const payload = url === '/feedback' ? { summary: 'x\u0000', targetId: 'E000000000000000000000000', month: '2026-10' }
      : method === 'POST' ? { reason: 'a\u0000b' } : undefined;
    const res = await app.inject({ method: method as 'GET' | 'POST', url, headers: headers[url.startsWith('/feedback') ? 'IMPLEMENTER' : url.includes('objections') ? 'CREDIT' : 'SUPERVISOR'], payload });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field, message: expect.stringContaining('NUL') });
  });
});

describe('fuzzing every agency action body', () => {
  const anyJson = fc.jsonValue({ maxDepth: 4 });
  const dateish = fc.oneof(fc.constantFrom('2026-11-30', '2026-02-30', 'tomorrow', ''), fc.string({ maxLength: 12 }));
  const shaped = fc.record({
    by: fc.oneof(fc.string(), anyJson),
    reason: fc.oneof(fc.string({ maxLength: 600 }), anyJson),
    outcome: fc.oneof(fc.constantFrom('rejected', 'upheld', 'approved', 'maybe'), anyJson),
    implementers: fc.oneof(fc.array(fc.record({ agencyId: fc.string(), measures: fc.array(fc.string()) }, { requiredKeys: [] }), { maxLength: 3 }), anyJson),
    commitment: fc.oneof(fc.record({ materials: fc.string(), dueOn: dateish }, { requiredKeys: [] }), anyJson),
    targetId: fc.oneof(fc.constant('E000000000000000000000000'), fc.string()),
    month: fc.oneof(fc.constantFrom('2026-10', '2026-13', '2099-01'), fc.string()),
    summary: fc.oneof(fc.string({ maxLength: 3000 }), anyJson),
  }, { requiredKeys: [] });
  const ACTIONS = [
    { url: '/cases/Cnope/receipt', role: 'AUTHORITY' },
    { url: '/cases/Cnope/implementers', role: 'AUTHORITY' },
    { url: '/cases/Cnope/acknowledgement', role: 'IMPLEMENTER' },
    { url: '/cases/Cnope/objections', role: 'CREDIT' },
    { url: '/cases/Cnope/objections/Onope/decision', role: 'CREDIT' },
    { url: '/cases/Cnope/release', role: 'AUTHORITY' },
    { url: '/cases/Cnope/repairs', role: 'CREDIT' },
    { url: '/cases/Cnope/repairs/Rnope/decision', role: 'CREDIT' },
    { url: '/cases/Cnope/repairs/Rnope/materials', role: 'CREDIT' },
    { url: '/feedback', role: 'IMPLEMENTER' },
    { url: '/notices/987654321/retry', role: 'ADMIN' },
  ];

  it('the action bodies never answer 5xx and name the field of every refusal', async () => {
    await fc.assert(fc.asyncProperty(fc.constantFrom(...ACTIONS), fc.oneof(shaped, anyJson), async (route, body) => {
      const res = await app.inject({ method: 'POST', url: route.url, headers: headers[route.role], payload: body as object });
      expectFieldedAnswer(res, `${route.url} ${JSON.stringify(body)}`);
    }), { numRuns: 400 });
  });
});
