// The role × route matrix by region (domain/regions.ts): ENFORCEMENT, CREDIT, LEGAL and
// SUPERVISOR read the targets of their region and the regions below it, plus the cases they
// filed; national scope is explicit; an AUTHORITY or IMPLEMENTER reads only what it stands to.
// A reader sees a shared target through its own cases only: nothing tells of the others.
//   T1  Hangzhou: filed by HZ ENFORCEMENT, addressed to the HZ AUTHORITY
//   T2  Ningbo: filed by NB ENFORCEMENT, addressed to the NB AUTHORITY
//   T3  Xihu district: filed by the Xihu ENFORCEMENT (330106), addressed to the HZ AUTHORITY
//   T4  a person with a Hangzhou case (h4) and a Ningbo case (n4)
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DbHandle } from '../../db/client';
import { cases, journal, steps, targets } from '../../db/schema';
import type { Role } from '../../domain/roles';
import { agencyWithKey } from '../support/agencies';
import { appWithoutEngine } from '../support/apps';
import { freshDatabase } from '../support/fresh-db';

let dbh: DbHandle;
let app: FastifyInstance;
let closeApp: () => Promise<void>;
type Agency = Awaited<ReturnType<typeof agencyWithKey>>;
const filers = {} as Record<'hzEnf' | 'nbEnf' | 'xhEnf' | 'hzAuth' | 'nbAuth', Agency>;
const T = { T1: 'E000000000000000000000a01', T2: 'E000000000000000000000a02', T3: 'E000000000000000000000a03', T4: 'P000000000000000000000a04' };
const NOW = new Date('2026-11-23T10:00:00+08:00');

beforeAll(async () => {
  dbh = await freshDatabase(inject('databaseUrl'));
  // The engine is down on purpose: a target is read from PostgreSQL after a short wait for it.
  ({ app, close: closeApp } = await appWithoutEngine(dbh, { targetIdKey: 'regions', now: () => NOW, engineDeadlineMs: 250 }));
  filers.hzEnf = await agencyWithKey(dbh.db, ['ENFORCEMENT'], '杭州执法', { region: '330100' });
  filers.nbEnf = await agencyWithKey(dbh.db, ['ENFORCEMENT'], '宁波执法', { region: '330200' });
  filers.xhEnf = await agencyWithKey(dbh.db, ['ENFORCEMENT'], '西湖区执法', { region: '330106' });
  filers.hzAuth = await agencyWithKey(dbh.db, ['AUTHORITY'], '杭州主管', { region: '330100' });
  filers.nbAuth = await agencyWithKey(dbh.db, ['AUTHORITY'], '宁波主管', { region: '330200' });
  await dbh.db.insert(targets).values(Object.entries(T).map(([name, id]) => ({ id, kind: id.startsWith('P') ? 'person' as const : 'enterprise' as const, name, workflowId: `target-${id}` })));
  const kase = (id: string, targetId: string, by: Agency, to: Agency) => ({
    id, targetId, source: 'penalty_decision' as const, documentNumber: `罚${id}`, documentIssuer: by.name, issuedOn: '2026-11-02',
    measures: [], status: 'pushed' as const, authorityId: to.id, pushedBy: by.id,
  });
  await dbh.db.insert(cases).values([
    kase('c1', T.T1, filers.hzEnf, filers.hzAuth), kase('c2', T.T2, filers.nbEnf, filers.nbAuth), kase('c3', T.T3, filers.xhEnf, filers.hzAuth),
    kase('h4', T.T4, filers.hzEnf, filers.hzAuth), kase('n4', T.T4, filers.nbEnf, filers.nbAuth),
  ]);
  // Every case has an overdue receipt owed by its AUTHORITY, and a journal line.
  const due = new Date('2026-11-06T00:00:00+08:00');
  await dbh.db.insert(steps).values(['c1', 'c2', 'c3', 'h4', 'n4'].map((c) => {
    const row = { c1: [T.T1, 'hzAuth'], c2: [T.T2, 'nbAuth'], c3: [T.T3, 'hzAuth'], h4: [T.T4, 'hzAuth'], n4: [T.T4, 'nbAuth'] }[c]!;
    return { id: `${row[0]}/receipt/${c}`, kind: 'receipt', rule: 'R5', targetId: row[0], caseId: c, agencyId: filers[row[1] as 'hzAuth'].id, openedAt: due, dueAt: due, overdueAt: due };
  }));
  await dbh.db.insert(journal).values(['h4', 'n4'].map((c) => ({ eventKey: `scope/${c}`, targetId: T.T4, caseId: c, kind: 'case_pushed', rule: 'R2', at: due, detail: {} })));
});

afterAll(async () => {
  await closeApp?.();
  await dbh?.close();
});

const all = Object.values(T);
const readers: [string, Role, { region?: string | null; nationalScope?: boolean }, string[]][] = [
  ['Zhejiang (330000)', 'SUPERVISOR', { region: '330000' }, all],
  ['Hangzhou (330100)', 'SUPERVISOR', { region: '330100' }, [T.T1, T.T3, T.T4]],
  ['Xihu district (330106)', 'SUPERVISOR', { region: '330106' }, [T.T3]],
  ['Ningbo (330200)', 'SUPERVISOR', { region: '330200' }, [T.T2, T.T4]],
  ['Jiangsu (320000)', 'SUPERVISOR', { region: '320000' }, []],
  ['Jiangsu with national scope', 'SUPERVISOR', { region: '320000', nationalScope: true }, all],
  ['no region', 'SUPERVISOR', { region: null }, []],
  ...(['ENFORCEMENT', 'CREDIT', 'LEGAL'] as const).flatMap((role) => [
    [`Hangzhou (330100)`, role, { region: '330100' }, [T.T1, T.T3, T.T4]],
    [`Ningbo (330200)`, role, { region: '330200' }, [T.T2, T.T4]],
    [`Shanghai (310000)`, role, { region: '310000' }, []],
  ] as [string, Role, { region?: string | null }, string[]][]),
  ['Zhejiang (330000), not reading by region', 'AUTHORITY', { region: '330000' }, []],
  ['Zhejiang (330000), not reading by region', 'IMPLEMENTER', { region: '330000' }, []],
];

describe('who reads which target, by region', () => {
  it.each(readers)('%s %s reads exactly its targets (GET /targets/:id, search, overdue board)', async (_where, role, place, expected) => {
    const reader = await agencyWithKey(dbh.db, [role], `${role} ${_where}`, place);
    for (const id of all) {
      const res = await app.inject({ method: 'GET', url: `/targets/${id}`, headers: reader.headers });
      expect(res.statusCode, `${id}: ${res.body}`).toBe(expected.includes(id) ? 200 : 403);
    }
    const search = (await app.inject({ method: 'GET', url: '/targets?limit=50', headers: reader.headers })).json();
    expect(search.items.map((i: { targetId: string }) => i.targetId).sort()).toEqual([...expected].sort());
    expect(search.total).toBe(expected.length);
    const board = (await app.inject({ method: 'GET', url: '/overdue', headers: reader.headers })).json();
    expect([...new Set(board.items.map((i: { targetId: string }) => i.targetId))].sort()).toEqual([...expected].sort());
  });

  it('an AUTHORITY reads the targets of the cases addressed to it, wherever its region is', async () => {
    const res = (await app.inject({ method: 'GET', url: '/targets?limit=50', headers: filers.hzAuth.headers })).json();
    expect(res.items.map((i: { targetId: string }) => i.targetId).sort()).toEqual([T.T1, T.T3, T.T4].sort());
  });
});

describe('a target shared across regions', () => {
  it('each filer reads its own case of it and nothing of the other: cases, steps, counts, history', async () => {
    for (const [who, mine, theirs] of [[filers.nbEnf, 'n4', 'h4'], [filers.hzEnf, 'h4', 'n4']] as const) {
      const target = (await app.inject({ method: 'GET', url: `/targets/${T.T4}`, headers: who.headers })).json();
      expect(target.cases.map((c: { id: string }) => c.id)).toEqual([mine]);
      expect(target.openSteps.map((s: { caseId: string }) => s.caseId)).toEqual([mine]);
      expect(JSON.stringify(target)).not.toContain(`罚${theirs}`);
      const found = (await app.inject({ method: 'GET', url: `/targets?q=T4`, headers: who.headers })).json();
      expect(found.items).toEqual([expect.objectContaining({ targetId: T.T4, cases: 1, openOverdue: 1 })]);
      const story = (await app.inject({ method: 'GET', url: `/targets/${T.T4}/history`, headers: who.headers })).json();
      expect(story.items.map((i: { caseId: string }) => i.caseId)).toEqual([mine]);
    }
  });

  it('a supervisor of the province reads both cases', async () => {
    const zhejiang = await agencyWithKey(dbh.db, ['SUPERVISOR'], '省督查', { region: '330000' });
    const target = (await app.inject({ method: 'GET', url: `/targets/${T.T4}`, headers: zhejiang.headers })).json();
    expect(target.cases.map((c: { id: string }) => c.id).sort()).toEqual(['h4', 'n4']);
    const found = (await app.inject({ method: 'GET', url: `/targets?q=T4`, headers: zhejiang.headers })).json();
    expect(found.items[0]).toMatchObject({ cases: 2, openOverdue: 2 });
  });

  it('a filter never tells of a case outside the scope (agencyId of the other filer finds nothing)', async () => {
    const res = (await app.inject({ method: 'GET', url: `/targets?agencyId=${filers.hzEnf.id}`, headers: filers.nbEnf.headers })).json();
    expect(res.total).toBe(0);
  });
});

describe('statistics by region', () => {
  it('a regional supervisor counts the agencies of its region; national scope counts every one', async () => {
    const count = async (place: { region: string; nationalScope?: boolean }) => {
      const s = await agencyWithKey(dbh.db, ['SUPERVISOR'], '督查', place);
      const stats = (await app.inject({ method: 'GET', url: '/stats?month=2026-11', headers: s.headers })).json();
      return stats.steps.map((r: { agencyId: string; due: number }) => [r.agencyId, r.due]).sort();
    };
    expect(await count({ region: '330100' })).toEqual([[filers.hzAuth.id, 3]]);
    expect(await count({ region: '330200' })).toEqual([[filers.nbAuth.id, 2]]);
    expect(await count({ region: '110000', nationalScope: true })).toEqual([[filers.hzAuth.id, 3], [filers.nbAuth.id, 2]].sort());
  });
});
