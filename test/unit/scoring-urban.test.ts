// R15 Tiered lists by score, urban-management regime (002 篇十三/十四 城市管理领域失信行为联合惩戒
// 实施办法(试行) 第五至八条), evaluated from policies/urban-management-credit.json.
import { describe, expect, it } from 'vitest';
import { type ScoringPolicy, scoreAt, tierChanges } from '../../domain/scoring';
import { act, sameDay, times, urbanManagement } from '../support/scoring';

const policy = urbanManagement();
const G = 'general';
const S = 'serious';

/** The same policy with one part changed, as an operator would edit the file. */
function variant(change: (p: ScoringPolicy) => void): ScoringPolicy {
  const copy = structuredClone(policy);
  change(copy);
  return copy;
}

describe('R15 urban management (002 篇十三 第五至八条)', () => {
  it.each([
    { rule: '第六条(一)', what: 'one general act deducts 2 points and lists nothing', classes: [G], score: 2, tier: null },
    { rule: '第六条(一)', what: 'two general acts deduct 4 points: the general list', classes: [G, G], score: 4, tier: 'general' },
    { rule: '第六条(一)', what: 'three general acts deduct 6 points: still the general list', classes: times(3, G), score: 6, tier: 'general' },
    { rule: '第六条(一)', what: 'four general acts deduct 8 points: the yellow list (较重)', classes: times(4, G), score: 8, tier: 'yellow' },
    { rule: '第六条(一)', what: 'five general acts deduct 10 points: still the yellow list', classes: times(5, G), score: 10, tier: 'yellow' },
    { rule: '第六条(一)', what: 'six general acts deduct 12 points: the black list (严重)', classes: times(6, G), score: 12, tier: 'black' },
    { rule: '第六条(三)', what: 'any serious item deducts 12 points: the black list', classes: [S], score: 12, tier: 'black' },
  ])('R15: urban management $rule — $what', ({ classes, score, tier }) => {
    const r = scoreAt(policy, sameDay('a', '2025-04-01', classes), '2025-04-01');
    expect(r.score).toBe(score);
    expect(r.capped).toBe(false);
    expect(r.tier?.code ?? null).toBe(tier);
  });

  it('R15: urban management 第六条 — the total is 12 points: a seventh general act deducts nothing more', () => {
    const r = scoreAt(policy, sameDay('a', '2025-04-01', times(7, G)), '2025-04-01');
    expect(r).toMatchObject({ score: 12, rawScore: 14, capped: true, tier: { code: 'black' } });
  });

  it('R15: urban management 第六条(三) — a serious item lists black on its day whatever else counted, with its rule in the explanation', () => {
    const acts = [act('g', G, '2025-02-01'), act('s', S, '2025-03-01', { item: 'S-13' })];
    const r = scoreAt(policy, acts, '2025-03-01');
    expect(r).toMatchObject({ score: 12, rawScore: 14, tier: { code: 'black', from: '2025-03-01', cause: { kind: 'points', actIds: ['s'] } } });
    expect(r.acts.find((a) => a.id === 's')).toMatchObject({ points: 12, ruleId: 'UM-6(3)-serious-item', source: '002 篇十三 第六条(三)' });
  });

  it('R15: urban management 第六条(二) — three penalties for the same general item count 12: the black list', () => {
    const acts = [act('p1', G, '2025-02-01', { item: 'G-10' }), act('p2', G, '2025-03-01', { item: 'G-10' }), act('p3', G, '2025-04-01', { item: 'G-10' })];
    expect(scoreAt(policy, acts, '2025-03-01')).toMatchObject({ score: 4, tier: { code: 'general' } });
    const r = scoreAt(policy, acts, '2025-04-01');
    expect(r).toMatchObject({ score: 12, capped: false, tier: { code: 'black', from: '2025-04-01' } });
    expect(r.acts.map((a) => [a.id, a.points, a.ruleId])).toEqual([
      ['p1', 2, 'UM-6(1)-general'],
      ['p2', 2, 'UM-6(1)-general'],
      ['p3', 8, 'UM-6(2)-three-penalties'],
    ]);
    expect(r.acts[2].note).toBe('penalty 3 of 3 for item G-10: the group counts 12 (UM-6(2)-three-penalties)');
  });

  it('R15: urban management 第六条(二) — two penalties for one item and one for another are 6 points, not 12', () => {
    const acts = [act('p1', G, '2025-02-01', { item: 'G-10' }), act('p2', G, '2025-03-01', { item: 'G-10' }), act('q', G, '2025-04-01', { item: 'G-11' })];
    expect(scoreAt(policy, acts, '2025-04-01')).toMatchObject({ score: 6, tier: { code: 'general' } });
  });

  it('R15: urban management 第六条(二) — one penalty decision citing the item twice is one penalty (满3次 counts decisions)', () => {
    const acts = [
      act('p1', G, '2025-02-01', { item: 'G-10', sourceDocument: '城管罚〔2025〕1号' }),
      act('p1b', G, '2025-02-01', { item: 'G-10', sourceDocument: '城管罚〔2025〕1号' }),
      act('p2', G, '2025-03-01', { item: 'G-10', sourceDocument: '城管罚〔2025〕2号' }),
    ];
    expect(scoreAt(policy, acts, '2025-03-01').score).toBe(6);
  });

  it('R15: urban management 第六条 — the cycle is the natural year: an act of 31 December does not count on 1 January', () => {
    const acts = [act('d', G, '2024-12-31'), act('j', G, '2025-01-01')];
    expect(scoreAt(policy, acts, '2024-12-31')).toMatchObject({ score: 2, window: { from: '2024-01-01' } });
    const r = scoreAt(policy, acts, '2025-01-01');
    expect(r).toMatchObject({ score: 2, tier: null, opening: null, window: { kind: 'naturalYear', from: '2025-01-01' } });
    expect(r.acts[0]).toMatchObject({ id: 'd', counted: false, countsThrough: '2024-12-31' });
  });

  it('R15: urban management 第六条(二) — the three penalties must fall in one cycle', () => {
    const acts = [act('p1', G, '2024-11-01', { item: 'G-10' }), act('p2', G, '2024-12-01', { item: 'G-10' }), act('p3', G, '2025-01-15', { item: 'G-10' })];
    const r = scoreAt(policy, acts, '2025-01-15');
    expect(r.acts[2]).toMatchObject({ points: 2, ruleId: 'UM-6(1)-general' });
    expect(r.score).toBe(6); // 4 carried from the listed 2024 cycle + 2
    expect(r.tier?.code).toBe('general');
  });

  it('R15: urban management 第六条(四) — points below the general list are cleared at the end of the cycle', () => {
    const acts = [act('old', G, '2024-06-01'), ...sameDay('n', '2025-03-01', times(3, G))];
    expect(scoreAt(policy, acts, '2024-12-31')).toMatchObject({ score: 2, tier: null });
    expect(scoreAt(policy, acts, '2025-03-01')).toMatchObject({ score: 6, opening: null, tier: { code: 'general' } });
  });

  it('R15: urban management 第六条(四) — a party listed on 31 December keeps its points into the next cycle (our reading)', () => {
    const acts = [...sameDay('a', '2024-06-01', [G, G]), act('b1', G, '2025-02-01'), act('b2', G, '2025-03-01')];
    const r = scoreAt(policy, acts, '2025-03-01');
    expect(r).toMatchObject({ score: 8, opening: { points: 4, fromCycle: 2024, source: '002 篇十三 第六条(四)' }, tier: { code: 'yellow', from: '2025-03-01' } });
    // The other reading is one field of the file, not code.
    const reset = variant((p) => { if (p.window.kind === 'naturalYear') p.window.cycleEnd.withListing = 'reset'; });
    expect(scoreAt(reset, acts, '2025-03-01')).toMatchObject({ score: 4, opening: null, tier: { code: 'general', from: '2024-06-01' } });
  });

  it('R15: urban management 第十六条 — a listing lasts five years; the carried points end with it', () => {
    const acts = sameDay('a', '2024-06-01', [G, G]);
    expect(scoreAt(policy, acts, '2029-06-01')).toMatchObject({ score: 4, tier: { code: 'general', from: '2024-06-01', until: '2029-06-01' } });
    expect(scoreAt(policy, acts, '2029-06-02')).toMatchObject({ score: 0, opening: null, tier: null });
    expect(tierChanges(policy, acts, '2030-12-31').changes.map((c) => [c.on, c.from, c.to])).toEqual([
      ['2024-06-01', null, 'general'],
      ['2029-06-02', 'general', null],
    ]);
  });

  it('R15: urban management 第七条(三) — a general-list party that does not correct by the deadline is moved to the yellow list', () => {
    const acts = [
      act('a', G, '2025-03-01', { correctionDueOn: '2025-03-20' }),
      act('b', G, '2025-03-05', { correctionDueOn: '2025-03-20', correctedOn: '2025-03-10' }),
    ];
    expect(scoreAt(policy, acts, '2025-03-20').tier?.code).toBe('general');
    const r = scoreAt(policy, acts, '2025-03-21');
    expect(r.score).toBe(4);
    expect(r.tier).toMatchObject({
      code: 'yellow', from: '2025-03-21', until: '2030-03-21',
      cause: { kind: 'escalation', escalationId: 'UM-7(3)-not-corrected', source: '002 篇十三 第七条(三)', fromTier: 'general', actId: 'a', reason: 'act a not corrected by 2025-03-20' },
    });
  });

  it('R15: urban management 第七条(三) — corrected on the deadline day, the party stays on the general list', () => {
    const acts = [act('a', G, '2025-03-01', { correctionDueOn: '2025-03-20', correctedOn: '2025-03-20' }), act('b', G, '2025-03-05')];
    expect(scoreAt(policy, acts, '2025-12-31').tier?.code).toBe('general');
  });

  it('R15: urban management 第七条(三) — corrected after the deadline, the party was already moved to yellow', () => {
    const acts = [act('a', G, '2025-03-01', { correctionDueOn: '2025-03-20', correctedOn: '2025-03-25' }), act('b', G, '2025-03-05')];
    expect(scoreAt(policy, acts, '2025-12-31').tier).toMatchObject({ code: 'yellow', from: '2025-03-21' });
  });

  it('R15: urban management 第七条(三) — a deadline before the notice counts from the listing day (接到通知书后)', () => {
    const acts = [act('a', G, '2025-03-01', { correctionDueOn: '2025-03-02' }), act('b', G, '2025-03-05')];
    expect(scoreAt(policy, acts, '2025-03-05').tier?.code).toBe('general');
    expect(scoreAt(policy, acts, '2025-03-06').tier).toMatchObject({ code: 'yellow', from: '2025-03-06' });
  });

  it('R15: urban management 第七条(三) — an act without a correction deadline cannot move the party up', () => {
    expect(scoreAt(policy, sameDay('a', '2025-03-01', [G, G]), '2025-12-31').tier?.code).toBe('general');
  });

  it('R15: urban management 第七条(三) — a new general act while on the yellow list moves the party to black', () => {
    const acts = [...sameDay('y', '2025-05-01', times(4, G)), act('new', G, '2025-06-01')];
    const r = scoreAt(policy, acts, '2025-06-01');
    expect(r.score).toBe(10); // by points still yellow
    expect(r.tier).toMatchObject({ code: 'black', from: '2025-06-01', cause: { kind: 'escalation', escalationId: 'UM-7(3)-new-act', actId: 'new' } });
  });

  it('R15: urban management 第七条(三) — the acts of the yellow listing day are not a new act', () => {
    expect(scoreAt(policy, sameDay('y', '2025-05-01', times(5, G)), '2025-05-01')).toMatchObject({ score: 10, tier: { code: 'yellow' } });
  });

  it('R15: urban management 第七条(三) — not corrected, then a new act: general → yellow → black', () => {
    const acts = [act('a', G, '2025-03-01', { correctionDueOn: '2025-03-20' }), act('b', G, '2025-03-05'), act('c', G, '2025-06-01')];
    const changes = tierChanges(policy, acts, '2025-12-31').changes;
    expect(changes.map((c) => [c.on, c.from, c.to, c.started?.cause.kind])).toEqual([
      ['2025-03-05', null, 'general', 'points'],
      ['2025-03-21', 'general', 'yellow', 'escalation'],
      ['2025-06-01', 'yellow', 'black', 'escalation'],
    ]);
    expect(changes[1].ended?.ended).toEqual({ lastDay: '2025-03-20', reason: 'superseded' });
  });

  it('R15: urban management 第七条(二)(四)(五) — each list has its own notice', () => {
    const notice = (classes: string[]) => scoreAt(policy, sameDay('a', '2025-04-01', classes), '2025-04-01').tier?.notice?.document;
    expect(notice([G, G])).toBe('《一般失信行为通知书》');
    expect(notice(times(4, G))).toBe('《较重失信行为通知书》');
    expect(notice([S])).toBe('《严重失信行为通知书》');
  });

  it('R15: urban management 第八条 — each list carries its measures from the catalog', () => {
    const measures = (classes: string[]) => scoreAt(policy, sameDay('a', '2025-04-01', classes), '2025-04-01').tier?.measures.codes;
    expect(measures([G, G])).toEqual(['ES-R8-WARNING-INTERVIEW', 'ES-R8-CREDIT-WARNING']);
    expect(measures(times(4, G))).toContain('ES-R8-KEY-TARGET');
    expect(measures([S])).toEqual(['DM-R8-CITY-WEBSITE-5Y']);
  });

  it('R15: urban management 第二十四条 — where a local scheme exists the score is converted in proportion', () => {
    expect(scoreAt(policy, [act('a', G, '2025-04-01')], '2025-04-01').converted).toBeNull();
    const local = variant((p) => { p.scoreConversion!.localTotal = 100; });
    expect(scoreAt(local, [act('a', G, '2025-04-01')], '2025-04-01').converted).toEqual({ value: 16.67, basisTotal: 12, localTotal: 100, source: '002 篇十三 第二十四条' });
    expect(scoreAt(local, sameDay('a', '2025-04-01', times(3, G)), '2025-04-01')).toMatchObject({ converted: { value: 50 }, tier: { code: 'general' } });
  });
});
