// `npm run bench:search`: how fast the supervisors' search and overdue board answer at a
// province's size, with the indexes migration 0014 chose and without them. Seeds N targets (with
// cases, implementers, measures and open overdue records) straight into a throwaway embedded
// PostgreSQL, then times each query through the API (app.inject, so routing, validation and
// serialization count). Prints one JSON object; writes it under bench/results/.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { buildApp } from '../api/app';
import { readCalendar, seedCalendar } from '../db/calendar-store';
import { connectDb } from '../db/client';
import { startEmbeddedPostgres } from '../db/embedded';
import { seedMeasures } from '../db/measures';
import { runMigrations } from '../db/migrate';
import { issueKey } from '../db/agencies';
import { agencies } from '../db/schema';

const { values: flags } = parseArgs({
  options: { targets: { type: 'string', default: '50000' }, repeat: { type: 'string', default: '30' }, hold: { type: 'boolean', default: false } },
});
const N = Number(flags.targets);
const REPEAT = Number(flags.repeat);

const INDEXES = [
  'targets_name_trgm_idx', 'targets_credit_code_idx', 'targets_status_updated_id_idx', 'cases_authority_target_idx',
  'case_implementers_agency_idx', 'case_measures_code_idx', 'steps_open_overdue_idx', 'targets_updated_id_idx',
];

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 100) / 100;
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'jd-bench-search-'));
  chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: dir, port: 54900 + Math.floor(Math.random() * 90) });
  try {
    await runMigrations(pg.url);
    const dbh = connectDb(pg.url);
    await seedCalendar(dbh.db);
    await seedMeasures(dbh.db, '2020-01-01');
    await dbh.db.insert(agencies).values([
      // Half the AUTHORITYs in Hangzhou, half in Ningbo: a regional SUPERVISOR of Hangzhou sees half the targets.
      ...Array.from({ length: 20 }, (_, i) => ({ id: `A${i}`, name: `业务主管机构${i}`, roles: ['AUTHORITY' as const], field: `领域${i % 5}`, region: i < 10 ? '330100' : '330200' })),
      ...Array.from({ length: 50 }, (_, i) => ({ id: `I${i}`, name: `实施机构${i}`, roles: ['IMPLEMENTER' as const] })),
      { id: 'S', name: '督查室', roles: ['SUPERVISOR' as const], nationalScope: true },
      { id: 'SR', name: '杭州督查室', roles: ['SUPERVISOR' as const], region: '330100' },
      // A province's SUPERVISOR: its region holds every target, as on the province bench (issue 17).
      { id: 'SP', name: '浙江督查室', roles: ['SUPERVISOR' as const], region: '330000' },
    ]);
    const { apiKey } = await issueKey(dbh.db, 'S');
    const { apiKey: regionalKey } = await issueKey(dbh.db, 'SR');
    const { apiKey: provincialKey } = await issueKey(dbh.db, 'SP');

    // N targets, one case each (one in ten with a second), an implementer per case, two
    // measures, and an open overdue receipt on one case in twenty: generated in SQL, in one go.
    const t0 = performance.now();
    await dbh.sql.unsafe(`
      insert into targets (id, kind, name, credit_code, workflow_id, status, updated_at)
      select 'E' || lpad(to_hex(g), 24, '0'), 'enterprise',
             (array['杭州','宁波','温州','绍兴','湖州','嘉兴','金华','台州'])[1 + g % 8] || '市' ||
             (array['华','鑫','瑞','恒','达','盛','泰','丰','源','兴'])[1 + (g / 8) % 10] ||
             (array['科技','贸易','建设','食品','医药','物流'])[1 + (g / 80) % 6] || g || '有限公司',
             '9133' || lpad(g::text, 14, '0'), 'target-' || g,
             case when g % 7 = 0 then 'closed' else 'open' end, now() - (g || ' minutes')::interval
      from generate_series(1, ${N}) g;
      insert into cases (id, target_id, source, document_number, document_issuer, issued_on, measures, authority_id,
                         status, pushed_by, pushed_at, received_at)
      select 'C' || g || '-' || k, 'E' || lpad(to_hex(g), 24, '0'), 'penalty_decision', '罚' || g || '-' || k, '市场监管局', date '2026-01-01',
             jsonb_build_array(jsonb_build_object('code', (array['DM-R6-MARKET-INDUSTRY-BAN','DM-R7-GOV-BIDDING','DM-R8-PUBLICITY-ADVERSE'])[1 + g % 3], 'version', 1),
                               jsonb_build_object('code', 'ES-R8-RANDOM-CHECK-UP', 'version', 1)),
             'A' || (g % 20), 'implementing', 'E', now() - interval '30 days',
             case when g % 20 = 0 then null else now() - interval '26 days' end
      from generate_series(1, ${N}) g, generate_series(1, 2) k where k = 1 or g % 10 = 0;
      insert into case_implementers (case_id, agency_id, measures, pushed_at, acknowledged_at)
      select id, 'I' || (abs(hashtext(id)) % 50), '[]', now() - interval '25 days', now() - interval '21 days' from cases;
      insert into case_measures (case_id, code, version, implementer_id, status, active_from, period_end)
      select c.id, m->>'code', 1, 'I' || (abs(hashtext(c.id)) % 50), 'active', date '2026-01-10', date '2029-01-09'
      from cases c, jsonb_array_elements(c.measures) m;
      insert into steps (id, kind, rule, target_id, case_id, agency_id, opened_at, due_at, overdue_at)
      select target_id || '/receipt/' || id, 'receipt', 'R5', target_id, id, authority_id, pushed_at, pushed_at + interval '5 days', pushed_at + interval '5 days'
      from cases where received_at is null;
      analyze;`);
    // What autovacuum does to a live database soon after a bulk insert: it marks the pages all-visible,
    // without which no index-only scan skips the table (the scope tests read indexes alone, issue 17).
    await dbh.sql.unsafe('vacuum');
    const seedMs = performance.now() - t0;

    if (flags.hold) {
      // --hold: the seeded database stays up for psql (EXPLAIN ANALYZE) until Ctrl-C; nothing is timed.
      process.stderr.write(`seeded ${N} targets in ${Math.round(seedMs)} ms; psql ${pg.url} (Ctrl-C ends)\n`);
      await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      await dbh.close();
      return;
    }
    const connection = Connection.lazy({ address: '127.0.0.1:1' });
    const app = await buildApp({ db: dbh.db, sql: dbh.sql, temporal: new Client({ connection }), calendar: () => readCalendar(dbh.db), targetIdKey: 'bench' });
    const headers = { authorization: `Bearer ${apiKey}` };
    const regional = { authorization: `Bearer ${regionalKey}` };
    const provincial = { authorization: `Bearer ${provincialKey}` };
    // Issue 17: a regional SUPERVISOR's reads test every case against its region (db/queries/scope.ts).
    const regionalQueries: Record<string, string> = {
      'first page (regional SUPERVISOR)': '/targets',
      'name contains (regional SUPERVISOR)': `/targets?q=${encodeURIComponent('鑫科技')}`,
      'open only (regional SUPERVISOR)': '/targets?status=open',
      'overdue board (regional SUPERVISOR)': '/overdue?limit=100',
    };
    const provincialQueries: Record<string, string> = {
      'first page (provincial SUPERVISOR)': '/targets',
      'overdue board (provincial SUPERVISOR)': '/overdue?limit=100',
    };
    const queries: Record<string, string> = {
      'name contains': `/targets?q=${encodeURIComponent('鑫科技')}`,
      'credit code prefix': '/targets?q=913300000000001',
      'credit code exact': `/targets?creditCode=9133${String(Math.floor(N / 2)).padStart(14, '0')}`,
      'status closed': '/targets?status=closed',
      'agency (implementer)': '/targets?agencyId=I7',
      'field': `/targets?field=${encodeURIComponent('领域3')}`,
      'measure': '/targets?measure=DM-R7-GOV-BIDDING',
      'overdue only': '/targets?overdue=true',
      'name + overdue': `/targets?q=${encodeURIComponent('杭州')}&overdue=true`,
      'overdue board': '/overdue?limit=100',
      'deep page': '/targets?offset=40000&limit=20',
      // Issue 17: one target as a supervisor opens it (PostgreSQL only; ?live=true would query its workflow).
      'target by id': `/targets/E${Math.floor(N / 2).toString(16).padStart(24, '0')}`,
      'target by id, two cases': `/targets/E${(Math.floor(N / 20) * 10).toString(16).padStart(24, '0')}`,
    };
    const time = async () => {
      const out: Record<string, { p50: number; p95: number; total: number }> = {};
      const runs = [...Object.entries(queries).map(([name, url]) => [name, url, headers] as const),
        ...Object.entries(regionalQueries).map(([name, url]) => [name, url, regional] as const),
        ...Object.entries(provincialQueries).map(([name, url]) => [name, url, provincial] as const)];
      for (const [name, url, who] of runs) {
        const ms: number[] = [];
        let total = 0;
        for (let i = 0; i < REPEAT; i++) {
          const s = performance.now();
          const res = await app.inject({ method: 'GET', url, headers: who });
          ms.push(performance.now() - s);
          if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
          total = res.json().total;
        }
        out[name] = { p50: pct(ms, 50), p95: pct(ms, 95), total };
      }
      return out;
    };
    const withIndexes = await time();
    await dbh.sql.unsafe(INDEXES.map((i) => `drop index if exists ${i};`).join('\n'));
    const withoutIndexes = await time();
    const [{ size }] = await dbh.sql`select pg_size_pretty(pg_database_size(current_database())) as size`;

    const result = {
      benchmark: 'search',
      at: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      targets: N,
      cases: (await dbh.sql`select count(*)::int as n from cases`)[0].n,
      openOverdue: (await dbh.sql`select count(*)::int as n from steps where done_at is null and overdue_at is not null`)[0].n,
      databaseSize: size,
      seedMs: Math.round(seedMs),
      repeat: REPEAT,
      latencyMs: { withIndexes, withoutIndexes },
    };
    const out = JSON.stringify(result, null, 2);
    process.stdout.write(`${out}\n`);
    const resultsDir = new URL('../bench/results/', import.meta.url);
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(new URL(`search-${result.at.replace(/[:.]/g, '-')}.json`, resultsDir), out);
    await app.close();
    await connection.close();
    await dbh.close();
  } finally {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
