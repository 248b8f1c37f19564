// Issue 17: a paged list counts its matches up to a bound (db/queries/totals.ts) and says when it
// stopped counting, so a province's SUPERVISOR's first page does not check every target against its
// region just to say how many there are. Seeded with five targets more than the bound, each with a
// Hangzhou case and an overdue receipt.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { totalText } from '../../api/dashboard/js/dom.js';
import type { DbHandle } from '../../db/client';
import { TOTAL_COUNTED_UP_TO } from '../../db/queries/totals';
import { agencyWithKey } from '../support/agencies';
import { appWithoutEngine } from '../support/apps';
import { freshDatabase } from '../support/fresh-db';

const N = TOTAL_COUNTED_UP_TO + 5;
let dbh: DbHandle;
let app: FastifyInstance;
let close: () => Promise<void>;
type Agency = Awaited<ReturnType<typeof agencyWithKey>>;
let province: Agency;
let county: Agency;

beforeAll(async () => {
  dbh = await freshDatabase(inject('databaseUrl'));
  ({ app, close } = await appWithoutEngine(dbh, { now: () => new Date('2026-11-23T10:00:00+08:00') }));
  province = await agencyWithKey(dbh.db, ['SUPERVISOR'], '浙江督查室', { region: '330000' });
  county = await agencyWithKey(dbh.db, ['SUPERVISOR'], '西湖区督查室', { region: '330106' });
  const filer = await agencyWithKey(dbh.db, ['ENFORCEMENT'], '杭州执法', { region: '330100' });
  const authority = await agencyWithKey(dbh.db, ['AUTHORITY'], '杭州主管', { region: '330100' });
  // Target g changed g minutes before the 23rd, so the newest is 1; the last five are closed.
  await dbh.sql.unsafe(`
    insert into targets (id, kind, name, credit_code, workflow_id, status, updated_at)
    select 'E' || lpad(to_hex(g), 24, '0'), 'enterprise', '杭州对象' || g || '有限公司', null, 'target-' || g,
           case when g > ${TOTAL_COUNTED_UP_TO} then 'closed' else 'open' end,
           timestamptz '2026-11-23 00:00+08' - (g || ' minutes')::interval
    from generate_series(1, ${N}) g;
    insert into cases (id, target_id, source, document_number, document_issuer, issued_on, measures, authority_id, status, pushed_by, pushed_at)
    select 'c' || g, 'E' || lpad(to_hex(g), 24, '0'), 'penalty_decision', '罚' || g, '杭州市市场监督管理局', date '2026-11-02', '[]',
           '${authority.id}', 'pushed', '${filer.id}', timestamptz '2026-11-03 10:00+08'
    from generate_series(1, ${N}) g;
    insert into steps (id, kind, rule, target_id, case_id, agency_id, opened_at, due_at, overdue_at)
    select target_id || '/receipt/' || id, 'receipt', 'R5', target_id, id, authority_id, pushed_at,
           timestamptz '2026-11-10 00:00+08' + (substr(id, 2)::int || ' seconds')::interval, timestamptz '2026-11-10 00:00+08'
    from cases;
    analyze;`);
}, 60_000);

afterAll(async () => {
  await close?.();
  await dbh?.close();
});

const get = async (url: string, who: Agency = province) => {
  const res = await app.inject({ method: 'GET', url, headers: who.headers });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};

describe('issue 17: totals counted up to a bound', () => {
  it('R14: a province SUPERVISOR\'s first page says "at least" the bound, and a next page exists', async () => {
    const page = await get('/targets');
    expect(page).toMatchObject({ total: TOTAL_COUNTED_UP_TO, totalExact: false, limit: 20, offset: 0 });
    expect(page.items).toHaveLength(20);
    expect(page.items[0].name).toBe('杭州对象1有限公司');
  });

  it('R14: a page past the bound counts on to the end, exactly', async () => {
    const last = await get(`/targets?offset=${TOTAL_COUNTED_UP_TO}&limit=20`);
    expect(last).toMatchObject({ total: N, totalExact: true });
    expect(last.items.map((t: { name: string }) => t.name)).toEqual([1, 2, 3, 4, 5].map((i) => `杭州对象${TOTAL_COUNTED_UP_TO + i}有限公司`));
    // A page that ends one short of the last row counts one past itself: the pager learns that one more follows.
    const before = await get(`/targets?offset=${N - 21}&limit=20`);
    expect(before).toMatchObject({ total: N, totalExact: false });
    expect(before.items).toHaveLength(20);
    expect(before.offset + before.limit).toBeLessThan(before.total);
  });

  it('R14: a search with fewer matches than the bound is counted exactly', async () => {
    expect(await get('/targets?status=closed')).toMatchObject({ total: 5, totalExact: true });
    expect(await get(`/targets?q=${encodeURIComponent('杭州对象1000')}`)).toMatchObject({ total: 7, totalExact: true });
  });

  it('R14: exactly as many matches as the bound read as "at least" the bound: counting stopped there', async () => {
    expect(await get('/targets?status=open')).toMatchObject({ total: TOTAL_COUNTED_UP_TO, totalExact: false });
  });

  it('R14: a reader whose region holds none of them counts none, exactly', async () => {
    expect(await get('/targets', county)).toMatchObject({ total: 0, totalExact: true, items: [] });
    expect(await get('/overdue', county)).toMatchObject({ total: 0, totalExact: true, items: [] });
  });

  it('R14: the overdue board counts the same way, and its page is the earliest due, named', async () => {
    const board = await get('/overdue?limit=3');
    expect(board).toMatchObject({ total: TOTAL_COUNTED_UP_TO, totalExact: false, limit: 3 });
    expect(board.items.map((o: { documentNumber: string; targetName: string; agency: string }) => [o.documentNumber, o.targetName, o.agency]))
      .toEqual([1, 2, 3].map((i) => [`罚${i}`, `杭州对象${i}有限公司`, '杭州主管']));
    const tail = await get(`/overdue?offset=${N - 2}&limit=3`);
    expect(tail).toMatchObject({ total: N, totalExact: true });
    expect(tail.items.map((o: { documentNumber: string }) => o.documentNumber)).toEqual([`罚${N - 1}`, `罚${N}`]);
  });

  it('R14: the workbench shows a total it stopped counting as "at least"', () => {
    expect(totalText({ total: TOTAL_COUNTED_UP_TO, totalExact: false })).toBe(`至少 ${TOTAL_COUNTED_UP_TO}`);
    expect(totalText({ total: 5, totalExact: true })).toBe('5');
    // The task list counts exactly and says nothing of it.
    expect(totalText({ total: 7 })).toBe('7');
  });
});
