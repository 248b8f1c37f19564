// R15: a policy is configuration, not code. A regime invented for the test, added as a file
// (test/fixtures/scoring/made-up-regime.json), is loaded and evaluated with no code change.
import { describe, expect, it } from 'vitest';
import { loadScoringPolicy } from '../../db/scoring-policies';
import { scoreAt, tierChanges } from '../../domain/scoring';
import { act, fixtureUrl } from '../support/scoring';

const policy = loadScoringPolicy(fixtureUrl('made-up-regime.json'));
const LATE = 'late-filing';
const UNSAFE = 'unsafe-mooring';

describe('R15 a made-up regime from a file', () => {
  it('R15: made-up — two late filings of the same item count 12 together, the watch list', () => {
    const acts = [act('l1', LATE, '2025-01-10', { item: 'berth-7' }), act('l2', LATE, '2025-01-20', { item: 'berth-7' })];
    const r = scoreAt(policy, acts, '2025-01-20');
    expect(r.acts.map((a) => [a.points, a.ruleId])).toEqual([[5, 'MU-3-late'], [7, 'MU-4-twice']]);
    expect(r).toMatchObject({ score: 12, tier: { code: 'watch', from: '2025-01-20', until: null }, converted: { value: 30, localTotal: 100 } });
  });

  it('R15: made-up — a six-month rolling window and a watch listing that ends when the score falls below 10', () => {
    const acts = [act('u', UNSAFE, '2025-01-31')];
    expect(scoreAt(policy, acts, '2025-07-31')).toMatchObject({ score: 15, tier: { code: 'watch' }, window: { from: '2025-01-31' } });
    expect(scoreAt(policy, acts, '2025-08-01')).toMatchObject({ score: 0, tier: null });
    expect(tierChanges(policy, acts, '2025-12-31').listings).toEqual([expect.objectContaining({
      tier: 'watch', from: '2025-01-31', until: null, ended: { lastDay: '2025-07-31', reason: 'scoreDropped' },
    })]);
  });

  it('R15: made-up — a late filing not corrected within 30 days of the watch listing moves the party to restricted for 90 days', () => {
    const acts = [act('l1', LATE, '2025-03-01'), act('l2', LATE, '2025-03-01', { correctedOn: '2025-03-05' })];
    expect(scoreAt(policy, acts, '2025-03-31').tier?.code).toBe('watch');
    const r = scoreAt(policy, acts, '2025-04-01');
    expect(r.tier).toMatchObject({ code: 'restricted', from: '2025-04-01', until: '2025-06-30', cause: { escalationId: 'MU-9-uncorrected', actId: 'l1' } });
    expect(r.tier?.notice?.document).toBe('restriction notice');
    // After 90 days the restriction ends; the score (10, through 2025-09-01) lists the party on watch again.
    expect(scoreAt(policy, acts, '2025-07-01').tier).toMatchObject({ code: 'watch', from: '2025-07-01' });
  });

  it('R15: made-up — corrected within the 30 days, the party stays on watch', () => {
    const acts = [act('l1', LATE, '2025-03-01', { correctedOn: '2025-03-31' }), act('l2', LATE, '2025-03-01', { correctedOn: '2025-03-05' })];
    expect(scoreAt(policy, acts, '2025-04-01').tier?.code).toBe('watch');
  });

  it('R15: made-up — the ceiling holds the score at 40, the barred list', () => {
    const acts = [act('u1', UNSAFE, '2025-01-01'), act('l', LATE, '2025-01-01'), act('u2', UNSAFE, '2025-01-02'), act('u3', UNSAFE, '2025-01-03')];
    expect(scoreAt(policy, acts, '2025-01-01').tier?.code).toBe('watch');
    expect(scoreAt(policy, acts, '2025-01-02').tier).toMatchObject({ code: 'restricted', until: '2025-04-02', cause: { kind: 'points', score: 35 } });
    const r = scoreAt(policy, acts, '2025-01-03');
    expect(r).toMatchObject({ score: 40, rawScore: 50, capped: true, tier: { code: 'barred', until: '2027-01-03', cause: { kind: 'points' } } });
    expect(r.converted?.value).toBe(100);
  });

  it('R15: made-up — a new act while restricted bars the party: by points when it reaches 40, else by the escalation', () => {
    const restricted = [act('u1', UNSAFE, '2025-01-01'), act('l1', LATE, '2025-01-01'), act('l2', LATE, '2025-01-02')];
    expect(scoreAt(policy, restricted, '2025-01-02')).toMatchObject({ score: 25, tier: { code: 'restricted' } });
    const byPoints = scoreAt(policy, [...restricted, act('u2', UNSAFE, '2025-02-01')], '2025-02-01');
    expect(byPoints).toMatchObject({ score: 40, tier: { code: 'barred', cause: { kind: 'points', score: 40 } } });
    const history = tierChanges(policy, [...restricted, act('l3', LATE, '2025-02-01')], '2025-02-01');
    expect(history.changes.map((c) => [c.on, c.from, c.to])).toEqual([['2025-01-01', null, 'watch'], ['2025-01-02', 'watch', 'restricted'], ['2025-02-01', 'restricted', 'barred']]);
    expect(history.changes[2].started?.cause).toMatchObject({ kind: 'escalation', escalationId: 'MU-9-any-new-act', actId: 'l3' });
  });
});
