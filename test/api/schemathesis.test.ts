// Issue 16: the OpenAPI document is a contract the running stack keeps. Schemathesis (PyPI) runs
// every check against the API on the real engine (the CLI's dev server, which lists workflows
// as a holiday-year load needs; the real workflows and activities; a database of its own), with each role's key in turn and the real ids
// of a case, its target, an objection, a repair and a letter: no 5xx, no undocumented status, no
// answer off its schema, no valid request refused.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DbHandle } from '../../db/client';
import { ROLES, type Role } from '../../domain/roles';
import { shanghaiDateOf } from '../../domain/dates';
import { agencyWithKey } from '../support/agencies';
import { appOnEngine } from '../support/apps';
import { startDevServer } from '../support/engine';
import { freshDatabase } from '../support/fresh-db';
import { creditCodeOf } from '../support/identities';
import { ensureSchemathesis, schemathesis } from '../support/schemathesis';

let env: TestWorkflowEnvironment;
let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
let base: string;
let bin: string;
let dir: string;
const keys = {} as Record<Role, string>;
let ids: Record<string, string>;
let measureChangeId: string;

beforeAll(async () => {
  bin = await ensureSchemathesis();
  env = await startDevServer();
  dbh = await freshDatabase(inject('databaseUrl'));
  // Schemathesis sends wrong keys on purpose (ignored_auth): no throttle of this address here.
  ({ app, close: closeApp } = await appOnEngine(env, dbh, { targetIdKey: 'schemathesis', authFailures: { max: 1_000_000, windowMs: 60_000 } }));
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  dir = mkdtempSync(join(tmpdir(), 'jd-schemathesis-'));

  const agency = {} as Record<Role, Awaited<ReturnType<typeof agencyWithKey>>>;
  for (const role of ROLES) {
    agency[role] = await agencyWithKey(dbh.db, [role], `契约测试 ${role}`, role === 'PUBLISHER' ? { publisherChannel: 'gsxt' } : {});
    keys[role] = agency[role].apiKey;
  }
  const other = await agencyWithKey(dbh.db, ['IMPLEMENTER'], '契约测试 另一机构');
  const post = async (url: string, role: Role, payload?: object) => {
    const res = await app.inject({ method: 'POST', url, headers: agency[role].headers, payload });
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };
  const today = shanghaiDateOf(new Date());
  const measure = 'DM-R6-MARKET-INDUSTRY-BAN';
  const { caseId, targetId } = await post('/cases', 'ENFORCEMENT', {
    source: 'penalty_decision', consultation: false, authority: agency.AUTHORITY.id,
    document: { number: '杭市管罚〔2026〕契约1号', issuedOn: today, issuer: '杭州市市场监督管理局' },
    target: { kind: 'enterprise', creditCode: creditCodeOf(4242), name: '杭州契约测试有限公司' },
    measures: [measure], periods: { [measure]: { years: 1 } },
  });
  await post(`/cases/${caseId}/receipt`, 'AUTHORITY');
  await post(`/cases/${caseId}/letters/${caseId}.L1/delivery`, 'AUTHORITY', { deliveredOn: today, way: 'direct' });
  await post(`/cases/${caseId}/implementers`, 'AUTHORITY', { implementers: [{ agencyId: agency.IMPLEMENTER.id, measures: [measure] }] });
  await post(`/cases/${caseId}/acknowledgement`, 'IMPLEMENTER');
  const { objectionId } = (await post(`/cases/${caseId}/objections`, 'CREDIT', { reason: '当事人对处罚决定提出异议' })).detail;
  const { repairId } = (await post(`/cases/${caseId}/repairs`, 'ENFORCEMENT', {})).detail;
  ids = { caseId, targetId, objectionId, repairId, letterId: `${caseId}.L1`, agencyId: other.id, keyId: other.keyId };
  // R1: a change of a measure under review, for the routes of measure changes.
  const change = await post('/measures/changes', 'AUTHORITY', { kind: 'amend', code: measure, reason: '契约测试：修改英文名称', measure: { nameEn: 'Market and industry ban' } });
  measureChangeId = change.changeId;
}, 300_000);

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
  await env?.teardown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Schema-valid requests the route may still refuse with 400, for a reason no JSON Schema in the
 * document can say; everywhere else a schema-valid request is never refused, but for the state of
 * the case (409), an id not known (404) or an Idempotency-Key sent again with another body (422).
 */
const REFUSED_FOR_REASONS_OF_THEIR_OWN: Record<string, string> = {
  queryPublicCredit: 'the check character of a credit code (GB 32100-2015)',
  createCase: 'check characters (GB 32100-2015, GB 11643-1999), dates not in the future, a document kind only for external documents (R3)',
  recordAct: 'check characters, an act not in the future, a correction after the act',
  recordActByCode: 'check characters, an act not in the future, a correction after the act',
  correctAct: 'a correction after the act and not in the future',
  applyForRepair: 'a promised date not in the past',
  getStats: 'either a month or a range from/to, not both; a range of at most 36 months',
  listCalendarDays: 'a range of at most 3 years',
  proposeMeasures: 'a document kind the matching rules (data, not the schema) know',
  proposeMeasureChange: 'a date not in the past; the fields a kind of change needs',
  proposeScoringPolicy: 'the policy file, checked against its own schema (domain/scoring)',
  decideMeasureChange: 'a reason when rejecting',
  decideScoringPolicy: 'a reason when rejecting',
  decideKeyRequest: 'a reason when refusing',
  pushToImplementers: 'implementers that exist and carry the measures named',
  forwardUpwardReport: 'an agency with a level above it in the registry',
  registerAgency: 'the fields that go with the roles (an implementer kind only for an IMPLEMENTER)',
  changeAgency: 'a notification URL allowed by the policy (https, no private address)',
  listReports: 'an IMPLEMENTER names only itself',
  fileReport: 'a month that has ended',
  createImport: 'a file that parses as its format says, each row checked as POST /cases checks a request',
  loadCalendarYear: 'the year of the body, when given, is the year of the path',
  previewCalendarYear: 'the year of the body, when given, is the year of the path',
};

/** The operations whose changeId is a measure change's (a scoring policy's has another). */
const MEASURE_CHANGE_ROUTES = ['getMeasureChange', 'decideMeasureChange'];

function config(): string {
  const acceptance = (statuses: string[]) => `expected-statuses = ${JSON.stringify(statuses)}`;
  const lines = [
    '[checks.positive_data_acceptance]',
    acceptance(['2xx', '401', '403', '404', '409', '422', '429']),
    '[parameters]',
    ...Object.entries(ids).map(([name, value]) => `"path.${name}" = ${JSON.stringify(value)}`),
    // One entry per operation: its own ids, and the refusals of REFUSED_FOR_REASONS_OF_THEIR_OWN.
    ...[...new Set([...Object.keys(REFUSED_FOR_REASONS_OF_THEIR_OWN), ...MEASURE_CHANGE_ROUTES])].flatMap((id) => [
      '[[operations]]', `include-operation-id = "${id}"`,
      ...(MEASURE_CHANGE_ROUTES.includes(id) ? [`parameters = { "path.changeId" = ${JSON.stringify(measureChangeId)} }`] : []),
      ...(id in REFUSED_FOR_REASONS_OF_THEIR_OWN
        ? ['[operations.checks.positive_data_acceptance]', acceptance(['2xx', '400', '401', '403', '404', '409', '422', '429'])] : []),
    ]),
  ];
  const file = join(dir, 'schemathesis.toml');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/**
 * The operations a role may call: those whose answer to its key is not the role check's 403
 * (api/auth.ts, before anything else runs; made-up ids, so nothing is changed). The public ones
 * go with the first role only.
 */
async function operationsOf(role: Role, withPublic: boolean): Promise<string[]> {
  const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  const ops: string[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { operationId: string; security?: unknown[] }>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (op.security?.length === 0) {
        if (withPublic) ops.push(op.operationId);
        continue;
      }
      const res = await app.inject({ method: method.toUpperCase() as 'GET', url: path.replace(/\{\w+\}/g, 'unknown'), headers: { authorization: `Bearer ${keys[role]}` } });
      if (!(res.statusCode === 403 && res.json().field === 'authorization')) ops.push(op.operationId);
    }
  }
  return ops;
}

/** Each role's full report (test-output/ is not in git). */
const OUTPUT = new URL('../../test-output/schemathesis/', import.meta.url).pathname;

// ADMIN last: its changes to agencies and keys touch no other role's key.
const ORDER: Role[] = ['ENFORCEMENT', 'AUTHORITY', 'IMPLEMENTER', 'CREDIT', 'LEGAL', 'SUPERVISOR', 'PUBLISHER', 'ADMIN'];

describe('Schemathesis against the running stack', () => {
  it.each(ORDER)('with the %s key: every check passes on every operation it may call', async (role) => {
    const ops = await operationsOf(role, role === ORDER[0]);
    expect(ops.length).toBeGreaterThan(0);
    const { code, output } = await schemathesis(bin, [
      '--config-file', config(), 'run', `${base}/openapi.json`, '--checks', 'all', '--phases', 'coverage,fuzzing',
      '--include-operation-id-regex', `^(${ops.join('|')})$`,
      '--max-examples', '2', '--workers', '1', '--seed', '16', '--no-shrink', '--generation-database', 'none',
      '--request-timeout', '15', '--header', `Authorization: Bearer ${keys[role]}`,
    ], dir);
    mkdirSync(OUTPUT, { recursive: true });
    writeFileSync(join(OUTPUT, `${role}.txt`), output);
    expect(code, `${output.slice(0, 8000)}\n…\n${output.slice(-4000)}`).toBe(0);
  }, 120_000);
});
