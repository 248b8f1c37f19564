// Property-based checks over the request bodies and query strings of the API: whatever a
// caller sends, the answer is never a 5xx, and every 4xx names the failing field.
// (The engine is pointed at a closed port: only requests refused before any workflow call are
// generated as valid enough to matter; a request that would reach the engine is not a 4xx case.)
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
  ({ app, close: closeApp } = await appWithoutEngine(dbh, { targetIdKey: 'fuzz' }));
  for (const role of ROLES) headers[role] = (await agencyWithKey(dbh.db, [role])).headers;
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
});

/** Any JSON at all, biased towards the shapes the routes expect. */
const anyJson = fc.jsonValue({ maxDepth: 4 });
const dateish = fc.oneof(
  fc.date({ min: new Date('1990-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('2025-02-30', '2026-13-01', '0000-00-00', '2026-1-1'),
);
const caseBody = fc.record({
  source: fc.oneof(fc.constantFrom('penalty_decision', 'external_document'), fc.string()),
  document: fc.oneof(fc.record({ number: fc.string(), issuedOn: dateish, issuer: fc.string() }, { requiredKeys: [] }), anyJson),
  consultation: fc.oneof(fc.boolean(), anyJson),
  target: fc.oneof(
    fc.record({
      kind: fc.constantFrom('enterprise', 'person', 'robot'),
      name: fc.string(),
      creditCode: fc.oneof(fc.constant('91330106MA2H3X0A1H'), fc.string({ minLength: 18, maxLength: 18 })),
      idNumber: fc.oneof(fc.constant('11010519491231002X'), fc.string({ minLength: 18, maxLength: 18 })),
    }, { requiredKeys: ['kind'] }),
    anyJson,
  ),
  persons: fc.oneof(fc.array(fc.record({ role: fc.constantFrom('principal', 'x'), idNumber: fc.string(), name: fc.string() })), anyJson),
  measures: fc.oneof(fc.array(fc.oneof(fc.constantFrom('DM-R8-PUBLICITY-ADVERSE', 'DM-R6-PROFESSION-BAN', 'DM-R7-NOPE'), fc.string())), anyJson),
  authority: fc.oneof(fc.constantFrom('nobody'), fc.string()),
}, { requiredKeys: [] });

describe('fuzzing the API', () => {
  it('POST /cases never answers 5xx and names the field of every refusal', async () => {
    await fc.assert(fc.asyncProperty(caseBody, fc.constantFrom('ENFORCEMENT', 'CREDIT'), async (body, role) => {
      const res = await app.inject({ method: 'POST', url: '/cases', headers: headers[role], payload: body });
      // A body valid enough to reach the engine is not what this property is about.
      if (res.statusCode === 202 || res.statusCode === 200) return;
      expectFieldedAnswer(res, JSON.stringify(body));
    }), { numRuns: 300 });
  });

  it('the calendar query strings never answer 5xx and name the field of every refusal', async () => {
    const q = fc.oneof(fc.string({ maxLength: 20 }), dateish, fc.integer({ min: -5, max: 5000 }).map(String));
    await fc.assert(fc.asyncProperty(q, q, fc.constantFrom('/calendar/deadline?from=%s&workingDays=%s', '/calendar/days?from=%s&to=%s', '/calendar/feedback-due?month=%s&x=%s'),
      async (a, b, pattern) => {
        const url = pattern.replace('%s', encodeURIComponent(a)).replace('%s', encodeURIComponent(b));
        const res = await app.inject({ method: 'GET', url });
        expectFieldedAnswer(res, url);
      }), { numRuns: 300 });
  });

  it('the ADMIN and AUTHORITY bodies never answer 5xx and name the field of every refusal', async () => {
    const routes = [
      { method: 'PUT' as const, url: '/calendar/years/2099', role: 'ADMIN' },
      { method: 'PUT' as const, url: '/calendar/deadline-rules/monthly_feedback', role: 'ADMIN' },
      { method: 'PUT' as const, url: '/escalation-intervals/receipt', role: 'ADMIN' },
      { method: 'POST' as const, url: '/agencies', role: 'ADMIN' },
      { method: 'POST' as const, url: '/measures/changes', role: 'AUTHORITY' },
      { method: 'POST' as const, url: '/measures/changes/MCnope/decision', role: 'CREDIT' },
    ];
    await fc.assert(fc.asyncProperty(fc.constantFrom(...routes), anyJson, async (route, body) => {
      const res = await app.inject({ method: route.method, url: route.url, headers: headers[route.role], payload: body as object });
      if (res.statusCode < 300 || res.statusCode === 503) return; // accepted, or would need the engine
      expectFieldedAnswer(res, `${route.url} ${JSON.stringify(body)}`);
    }), { numRuns: 300 });
  });

  it('refuses an oversized body and deeply nested JSON early, naming the body', async () => {
    const big = await app.inject({ method: 'POST', url: '/cases', headers: { ...headers.ENFORCEMENT, 'content-type': 'application/json' }, payload: `{"x":"${'a'.repeat(300 * 1024)}"}` });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ field: 'body' });
    const deep = await app.inject({ method: 'POST', url: '/cases', headers: { ...headers.ENFORCEMENT, 'content-type': 'application/json' }, payload: `${'['.repeat(5000)}${']'.repeat(5000)}` });
    expect(deep.statusCode).toBe(400);
    expect(deep.json()).toMatchObject({ field: 'body' });
  });
});
