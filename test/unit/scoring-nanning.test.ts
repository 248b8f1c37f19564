// R15 Tiered lists by score, Nanning regime (002 篇四 南宁市城市管理领域失信联合惩戒办法(试行)),
// evaluated from policies/nanning-urban-credit.json.
import { describe, expect, it } from 'vitest';
import { scoreAt, tierChanges } from '../../domain/scoring';
import { act, nanning, sameDay, times } from '../support/scoring';

const policy = nanning();
const S = 'serious';
const H = 'heavier';
const M = 'minor';

describe('R15 Nanning (002 篇四)', () => {
  it.each([
    { rule: '第七条', what: 'a 轻微 act counts 1 point', classes: [M], score: 1, tier: null },
    { rule: '第七条', what: 'a 较重 act counts 3 points', classes: [H], score: 3, tier: null },
    { rule: '第七条', what: 'a 严重 act counts 6 points', classes: [S], score: 6, tier: null },
    { rule: '第九条', what: '9 points within one year is no list', classes: [S, H], score: 9, tier: null },
    { rule: '第九条', what: '10 points within one year is the yellow list', classes: [S, H, M], score: 10, tier: 'yellow' },
    { rule: '第九条', what: '19 points within one year is still the yellow list', classes: [S, S, S, M], score: 19, tier: 'yellow' },
    { rule: '第九条', what: '20 points within one year is the red list', classes: [S, S, S, M, M], score: 20, tier: 'red' },
    { rule: '第九条', what: '29 points within one year is still the red list', classes: [S, S, S, S, H, M, M], score: 29, tier: 'red' },
    { rule: '第九条', what: '30 points within one year is the black list', classes: times(5, S), score: 30, tier: 'black' },
    { rule: '第九条', what: 'points above 30 have no ceiling and stay black (30分及以上)', classes: times(10, S), score: 60, tier: 'black' },
  ])('R15: Nanning $rule — $what', ({ classes, score, tier }) => {
    const r = scoreAt(policy, sameDay('a', '2025-04-01', classes), '2025-04-01');
    expect(r.score).toBe(score);
    expect(r.capped).toBe(false);
    expect(r.tier?.code ?? null).toBe(tier);
    expect(r.thresholds.filter((t) => t.crossed).map((t) => t.tier)).toEqual(
      ['yellow', 'red', 'black'].slice(0, ['yellow', 'red', 'black'].indexOf(tier ?? '') + 1),
    );
  });

  it('R15: Nanning 第七条 — the explanation gives each act its points and the class rule', () => {
    const r = scoreAt(policy, [act('s', S, '2025-01-02'), act('h', H, '2025-01-03'), act('m', M, '2025-01-04')], '2025-01-04');
    expect(r.acts.map((a) => [a.id, a.points, a.ruleId, a.source])).toEqual([
      ['s', 6, 'NN-7-serious', '002 篇四 第七条'],
      ['h', 3, 'NN-7-heavier', '002 篇四 第七条'],
      ['m', 1, 'NN-7-minor', '002 篇四 第七条'],
    ]);
  });

  it('R15: Nanning 第九条 — an act counts through the same date one year later (1年内), not the day after', () => {
    const old = act('old', S, '2024-03-15');
    const onAnniversary = [old, ...sameDay('n', '2025-03-15', [H, M])];
    const dayAfter = [old, ...sameDay('n', '2025-03-16', [H, M])];
    expect(scoreAt(policy, onAnniversary, '2025-03-15')).toMatchObject({ score: 10, tier: { code: 'yellow', from: '2025-03-15' } });
    expect(scoreAt(policy, onAnniversary, '2025-03-15').window.from).toBe('2024-03-15');
    const r = scoreAt(policy, dayAfter, '2025-03-16');
    expect(r.score).toBe(4);
    expect(r.tier).toBeNull();
    expect(r.acts.find((a) => a.id === 'old')).toMatchObject({ counted: false, points: 0, countsThrough: '2025-03-15' });
  });

  it('R15: Nanning 第九条 — an act of 29 February counts through 28 February of the next year', () => {
    const acts = [act('leap', S, '2024-02-29'), ...sameDay('n', '2025-02-28', [H, M])];
    expect(scoreAt(policy, acts, '2025-02-28').score).toBe(10);
    const next = scoreAt(policy, acts, '2025-03-01');
    expect(next.score).toBe(4);
    expect(next.acts.find((a) => a.id === 'leap')).toMatchObject({ counted: false, countsThrough: '2025-02-28' });
  });

  it('R15: Nanning 第九条 — the year is rolling: 31 December and 1 January add up, nothing resets', () => {
    const acts = [...sameDay('d', '2024-12-31', [S, H]), act('j', M, '2025-01-01')];
    expect(scoreAt(policy, acts, '2024-12-31')).toMatchObject({ score: 9, tier: null });
    expect(scoreAt(policy, acts, '2025-01-01')).toMatchObject({ score: 10, tier: { code: 'yellow', from: '2025-01-01' } });
  });

  it('R15: Nanning 第十四条 — a listing is valid one year from its day even after its acts leave the year', () => {
    const acts = [act('a', S, '2024-01-10'), ...sameDay('b', '2024-06-01', [H, M])];
    expect(scoreAt(policy, acts, '2024-06-01').tier).toMatchObject({ code: 'yellow', from: '2024-06-01', until: '2025-06-01', validitySource: '002 篇四 第十四条' });
    expect(scoreAt(policy, acts, '2025-02-01')).toMatchObject({ score: 4, tier: { code: 'yellow', until: '2025-06-01' } });
    expect(scoreAt(policy, acts, '2025-06-01').tier?.code).toBe('yellow');
    expect(scoreAt(policy, acts, '2025-06-02')).toMatchObject({ score: 0, tier: null });
    const history = tierChanges(policy, acts, '2026-01-01');
    expect(history.changes.map((c) => [c.on, c.from, c.to, c.ended?.ended?.reason ?? null])).toEqual([
      ['2024-06-01', null, 'yellow', null],
      ['2025-06-02', 'yellow', null, 'expired'],
    ]);
    expect(history.listings[0].ended).toEqual({ lastDay: '2025-06-01', reason: 'expired' });
  });

  it('R15: Nanning 第九条 — reaching 20 supersedes the yellow listing with a red one valid a year from its own day', () => {
    const acts = [...sameDay('y', '2024-01-10', [S, H, M]), ...sameDay('r', '2024-05-01', [S, H, M])];
    const history = tierChanges(policy, acts, '2025-12-31');
    expect(history.changes.map((c) => [c.on, c.from, c.to])).toEqual([
      ['2024-01-10', null, 'yellow'],
      ['2024-05-01', 'yellow', 'red'],
      ['2025-05-02', 'red', null],
    ]);
    expect(history.listings.map((l) => [l.tier, l.from, l.until, l.ended])).toEqual([
      ['yellow', '2024-01-10', '2025-01-10', { lastDay: '2024-04-30', reason: 'superseded' }],
      ['red', '2024-05-01', '2025-05-01', { lastDay: '2025-05-01', reason: 'expired' }],
    ]);
    expect(history.listings[1].cause).toEqual({ kind: 'points', score: 20, threshold: 20, thresholdSource: '002 篇四 第九条', actIds: ['r1', 'r2', 'r3'] });
    // The red listing outlives the acts of January, which leave the year after 2025-01-10.
    expect(scoreAt(policy, acts, '2025-01-11')).toMatchObject({ score: 10, tier: { code: 'red' } });
  });

  it('R15: Nanning 第九条/第十四条 — when a black listing ends, the last year decides anew: still 30 is black again', () => {
    const acts = [...sameDay('a', '2024-01-10', times(5, S)), ...sameDay('b', '2024-09-01', times(5, S))];
    const history = tierChanges(policy, acts, '2025-01-11');
    expect(history.changes.map((c) => [c.on, c.from, c.to])).toEqual([
      ['2024-01-10', null, 'black'],
      ['2025-01-11', 'black', 'black'],
    ]);
    expect(history.listings[1]).toMatchObject({ from: '2025-01-11', until: '2026-01-11', cause: { kind: 'points', score: 30 } });
  });

  it('R15: Nanning 第九条/第十四条 — when a black listing ends with 10 points in the last year, the party is yellow', () => {
    const acts = [...sameDay('a', '2024-01-10', times(5, S)), ...sameDay('b', '2024-12-01', [S, H, M])];
    expect(scoreAt(policy, acts, '2025-01-10').tier?.code).toBe('black');
    expect(scoreAt(policy, acts, '2025-01-11')).toMatchObject({ score: 10, tier: { code: 'yellow', from: '2025-01-11', until: '2026-01-11' } });
  });

  it('R15: Nanning 第十二条/第十五条 — every tier carries the written reminder and its measures, annex measures left to the operator', () => {
    const r = scoreAt(policy, sameDay('a', '2025-04-01', times(5, S)), '2025-04-01');
    expect(r.tier?.notice?.source).toBe('002 篇四 第十二条');
    expect(r.tier?.measures.codes).toEqual(['ES-R8-KEY-TARGET']);
    expect(r.tier?.measures.comment).toMatch(/annexes 3 and 4/i);
  });

  it('R15: Nanning — acts dated after the evaluation day are shown but not counted', () => {
    const r = scoreAt(policy, [act('now', S, '2025-04-01'), act('later', S, '2025-04-02')], '2025-04-01');
    expect(r.score).toBe(6);
    expect(r.acts.find((a) => a.id === 'later')).toMatchObject({ counted: false, note: 'dated after 2025-04-01' });
  });
});
