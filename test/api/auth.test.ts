// Every role against every guarded route (a table): a role the route admits gets past the
// guard (to a 400 or 404 where the bodies are deliberately incomplete, 200 for reads), any other role
// gets 403, no key or a revoked key gets 401 — before the body is even validated.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { revokeKey } from '../../db/agencies';
import { connectDb, type DbHandle } from '../../db/client';
import { ROLES, type Role } from '../../db/schema';
import { agencyWithKey } from '../support/agencies';
import { appWithoutEngine } from '../support/apps';

let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
const keys = new Map<Role, Record<string, string>>();

beforeAll(async () => {
  dbh = connectDb(inject('appDatabaseUrl'));
  ({ app, close: closeApp } = await appWithoutEngine(dbh, { targetIdKey: 'auth' }));
  for (const role of ROLES) keys.set(role, (await agencyWithKey(dbh.db, [role])).headers);
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
});

const ALL = [...ROLES];

interface Guarded {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  payload?: object;
  roles: Role[];
}

const incompleteCase = (source: string) => ({ source, document: { number: 'x', issuer: 'x' }, target: { kind: 'enterprise', name: 'x' } });
const routes: Guarded[] = [
  { name: 'R2 intake of a penalty decision', method: 'POST', url: '/cases', payload: incompleteCase('penalty_decision'), roles: ['ENFORCEMENT'] },
  { name: 'R3 intake of an external document', method: 'POST', url: '/cases', payload: incompleteCase('external_document'), roles: ['CREDIT'] },
  { name: 'R5 receipt', method: 'POST', url: '/cases/Cunknown/receipt', roles: ['AUTHORITY'] },
  { name: 'R5 pushing to implementers', method: 'POST', url: '/cases/Cunknown/implementers', payload: {}, roles: ['AUTHORITY'] },
  { name: 'R5 acknowledgement', method: 'POST', url: '/cases/Cunknown/acknowledgement', roles: ['IMPLEMENTER', 'AUTHORITY'] },
  { name: 'R5 measures not applicable', method: 'POST', url: '/cases/Cunknown/not-applicable', payload: {}, roles: ['AUTHORITY'] },
  { name: 'R4 passing a report up', method: 'POST', url: '/cases/Cunknown/upward-reports/UR1/forward', payload: {}, roles: ['AUTHORITY'] },
  { name: 'R4 confirming a report', method: 'POST', url: '/cases/Cunknown/upward-reports/UR1/confirm', payload: {}, roles: ['AUTHORITY'] },
  { name: 'R2 answering a consultation', method: 'POST', url: '/cases/Cunknown/consultations/Q1/answer', payload: {}, roles: ['AUTHORITY', 'CREDIT', 'ENFORCEMENT', 'LEGAL'] },
  { name: 'R11 flagging information', method: 'POST', url: '/cases/Cunknown/flags', payload: {}, roles: ['IMPLEMENTER'] },
  { name: 'R11 recording a complaint', method: 'POST', url: '/cases/Cunknown/complaints', payload: {}, roles: ['CREDIT'] },
  { name: 'R11 deciding a complaint', method: 'POST', url: '/cases/Cunknown/complaints/Knope/decision', payload: {}, roles: ['CREDIT'] },
  { name: 'R11 recording a cause change', method: 'POST', url: '/cases/Cunknown/cause-changes', payload: {}, roles: ['CREDIT', 'ENFORCEMENT'] },
  { name: 'R11 adjusting a case', method: 'POST', url: '/cases/Cunknown/adjustment', payload: {}, roles: ['AUTHORITY'] },
  { name: 'R9 the monthly report', method: 'POST', url: '/reports', payload: {}, roles: ['IMPLEMENTER'] },
  { name: 'R9 reading monthly reports', method: 'GET', url: '/reports?month=2026-01', roles: ['CREDIT', 'LEGAL', 'IMPLEMENTER', 'SUPERVISOR'] },
  { name: 'R4 setting a step limit', method: 'PUT', url: '/step-deadlines/upward_report', payload: {}, roles: ['ADMIN'] },
  { name: 'R9 monthly feedback', method: 'POST', url: '/feedback', payload: {}, roles: ['IMPLEMENTER'] },
  { name: 'R11 recording an objection', method: 'POST', url: '/cases/Cunknown/objections', payload: {}, roles: ['CREDIT', 'ENFORCEMENT'] },
  { name: 'R11 deciding an objection', method: 'POST', url: '/cases/Cunknown/objections/Onope/decision', payload: {}, roles: ['CREDIT', 'ENFORCEMENT'] },
  { name: 'R11 release after an upheld objection', method: 'POST', url: '/cases/Cunknown/release', payload: {}, roles: ['AUTHORITY'] },
  { name: 'R12 recording a repair', method: 'POST', url: '/cases/Cunknown/repairs', payload: {}, roles: ['CREDIT', 'ENFORCEMENT'] },
  { name: 'R12 deciding a repair', method: 'POST', url: '/cases/Cunknown/repairs/Rnope/decision', payload: {}, roles: ['CREDIT', 'ENFORCEMENT'] },
  { name: 'R12 materials supplied', method: 'POST', url: '/cases/Cunknown/repairs/Rnope/materials', roles: ['CREDIT', 'ENFORCEMENT'] },
  { name: 'a target', method: 'GET', url: '/targets/E000000000000000000000000', roles: ['ENFORCEMENT', 'CREDIT', 'AUTHORITY', 'LEGAL', 'IMPLEMENTER', 'SUPERVISOR'] },
  { name: 'R14 a target history', method: 'GET', url: '/targets/E000000000000000000000000/history', roles: ['ENFORCEMENT', 'CREDIT', 'AUTHORITY', 'LEGAL', 'IMPLEMENTER', 'SUPERVISOR'] },
  { name: 'R14 searching targets', method: 'GET', url: '/targets?limit=1', roles: ['ENFORCEMENT', 'CREDIT', 'AUTHORITY', 'LEGAL', 'IMPLEMENTER', 'SUPERVISOR'] },
  { name: 'R14 the overdue board', method: 'GET', url: '/overdue?limit=1', roles: ['ENFORCEMENT', 'CREDIT', 'AUTHORITY', 'LEGAL', 'IMPLEMENTER', 'SUPERVISOR'] },
  { name: 'R14 monthly statistics', method: 'GET', url: '/stats?month=2026-01', roles: ['ENFORCEMENT', 'CREDIT', 'AUTHORITY', 'LEGAL', 'IMPLEMENTER', 'SUPERVISOR'] },
  { name: 'who am I', method: 'GET', url: '/me', roles: ALL },
  { name: 'R16 loading a year', method: 'PUT', url: '/calendar/years/2039', payload: {}, roles: ['ADMIN'] },
  { name: 'R9 the non-working-day rule', method: 'PUT', url: '/calendar/deadline-rules/monthly_feedback', payload: {}, roles: ['ADMIN'] },
  { name: 'R1 proposing a list change', method: 'POST', url: '/measures/changes', payload: {}, roles: ['AUTHORITY'] },
  { name: 'R1 deciding a list change', method: 'POST', url: '/measures/changes/MCnope/decision', payload: {}, roles: ['CREDIT', 'LEGAL'] },
  { name: 'R1 reading list changes', method: 'GET', url: '/measures/changes?status=nope', roles: ALL },
  { name: 'R3 matching proposals', method: 'GET', url: '/matching/proposals', roles: ['CREDIT'] },
  { name: 'the inbox', method: 'GET', url: '/inbox?limit=0', roles: ALL },
  { name: 'R14 the reminder interval', method: 'PUT', url: '/escalation-intervals/receipt', payload: {}, roles: ['ADMIN'] },
  { name: 'registering an agency', method: 'POST', url: '/agencies', payload: {}, roles: ['ADMIN'] },
  { name: 'listing agencies', method: 'GET', url: '/agencies', roles: ['ADMIN', 'SUPERVISOR', 'CREDIT'] },
  { name: 'asking for a key', method: 'POST', url: '/agencies/ag-nope/keys', payload: { reason: '遗失' }, roles: ['ADMIN'] },
  { name: 'deciding a key request', method: 'POST', url: '/key-requests/KRnope/decision', payload: { approve: true }, roles: ['ADMIN'] },
  { name: 'reading key requests', method: 'GET', url: '/key-requests', roles: ['ADMIN', 'SUPERVISOR'] },
  { name: "changing an agency's region", method: 'PATCH', url: '/agencies/ag-nope', payload: { region: '330100' }, roles: ['ADMIN'] },
  { name: 'the audit trail', method: 'GET', url: '/audit?limit=1', roles: ['SUPERVISOR'] },
  { name: 'revoking a key', method: 'DELETE', url: '/agencies/ag-nope/keys/k_nope', roles: ['ADMIN'] },
  { name: "listing an agency's keys", method: 'GET', url: '/agencies/ag-nope/keys', roles: ['ADMIN'] },
  { name: 'the agency directory', method: 'GET', url: '/agencies/directory', roles: ALL },
  { name: 'R14 my tasks', method: 'GET', url: '/tasks?limit=1', roles: ALL },
  { name: 'R16 previewing a year', method: 'POST', url: '/calendar/years/2039/preview', payload: {}, roles: ['ADMIN'] },
];

const matrix = routes.flatMap((r) => ROLES.map((role) => [r.name, role, r.roles.includes(role), r] as const));

describe('who may call what', () => {
  it.each(matrix)('%s as %s: allowed = %s', async (_name, role, allowed, route) => {
    const res = await app.inject({ method: route.method, url: route.url, payload: route.payload, headers: keys.get(role) });
    if (allowed) {
      expect([200, 400, 404]).toContain(res.statusCode);
    } else {
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: 'forbidden' });
    }
  });

  it.each(routes)('$name without a key is 401 before the body is validated', async (route) => {
    const res = await app.inject({ method: route.method, url: route.url, payload: route.payload });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ field: 'authorization' });
  });

  it.each([
    '/health', '/openapi.json', '/measures', '/measures/DM-R8-PUBLICITY-ADVERSE',
    '/calendar/deadline?from=2025-01-01&workingDays=1', '/calendar/days?from=2025-01-01&to=2025-01-02',
    '/calendar/feedback-due?month=2025-01', '/calendar/deadline-rules', '/escalation-intervals', '/step-deadlines', '/', '/dashboard/js/main.js', '/dashboard/js/views/tasks.js', '/vocabulary', '/calendar/years',
  ])('the public route %s answers without a key', async (url) => {
    const res = await app.inject({ method: 'GET', url });
    expect([200, 503]).toContain(res.statusCode); // /health is 503 here: the engine is down on purpose
  });

  it('a revoked key is 401 from the moment it is revoked', async () => {
    const agency = await agencyWithKey(dbh.db, ['SUPERVISOR']);
    const url = '/targets/E000000000000000000000000';
    expect((await app.inject({ method: 'GET', url, headers: agency.headers })).statusCode).toBe(404);
    expect(await revokeKey(dbh.db, agency.keyId)).toBe(true);
    const res = await app.inject({ method: 'GET', url, headers: agency.headers });
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toMatch(/unknown or revoked/);
  });
});
