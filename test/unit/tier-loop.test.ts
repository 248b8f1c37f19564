// R15 tier listings through the loop (domain/loop/tiers.ts), without an engine: which listings the
// workflow ends and starts against what the policy says, how a tier's measures last, and how the
// case of an ended listing ends.
import { describe, expect, it } from 'vitest';
import { TargetBook } from '../../domain/loop/book';
import { activate, syncPeriodEnds } from '../../domain/loop/measures';
import type { CaseState, PinnedMeasure, ScoringState } from '../../domain/loop/state';
import { endTierCase, pinTierMeasure, planTiers, type TierCatalogEntry, type TierEvaluation } from '../../domain/loop/tiers';
import { scoringVersion } from '../../domain/scoring';

const tierPin = (code: string, until: string | null): PinnedMeasure => ({
  code, version: 1, category: 'R8', period: until ? { years: 1 } : 'permanent', legalMinimum: null, feedbackSet: true,
  outsideLocalAuthority: false, implementerKind: 'authority', tier: { until },
});

function tierCase(measures: PinnedMeasure[]): { book: TargetBook; c: CaseState } {
  const book = TargetBook.open('E1', 'enterprise');
  const c: CaseState = {
    caseId: 'S1', source: 'score_tier', documentNumber: '失信黄名单（计分，2026-03-02 起）', originatorId: 'enf', authorityId: 'auth', status: 'implementing',
    pushedAt: '2026-03-02T02:00:00.000Z', pushDueOn: null, pushDueProvisional: false, late: false, seriousness: 'general', repeated: false,
    measures, implementers: [{ agencyId: 'auth', measures: measures.map((m) => m.code), acknowledgedAt: '2026-03-04T02:00:00.000Z' }],
    notApplicable: [], inForce: [], objection: null, complaint: null, repair: null, upward: [], consultations: [], causeChange: null,
    decidedOn: '2026-03-02', penalty: null, terms: null, publicity: [], letters: [],
  };
  book.state.cases.push(c);
  return { book, c };
}

const listing = (key: string, tier: string, from: string) => ({ key, tier, from, until: null, caseId: `case-${tier}`, ended: null });
const evaluation = (over: Partial<TierEvaluation>): TierEvaluation => ({
  policy: { id: 'p', version: 1, title: 'P' }, through: '2026-06-01', score: 0, current: null, ended: [], nextChangeOn: null, ...over,
});
const view = (key: string, tier: string, from: string) => ({ key, tier, label: tier, from, until: null, cause: 'points', filing: null });

describe('R15 tier listings against the loop (domain/loop/tiers.ts)', () => {
  it('R15: a listing in force that the loop has not carried out starts; one carried out is not started again', () => {
    const scoring: ScoringState = { listings: [] };
    const now = evaluation({ current: view('p@1/yellow/2026-05-01', 'yellow', '2026-05-01') });
    expect(planTiers(scoring, now)).toEqual({ end: [], start: now.current });
    scoring.listings.push(listing('p@1/yellow/2026-05-01', 'yellow', '2026-05-01'));
    expect(planTiers(scoring, now)).toEqual({ end: [], start: null });
  });

  it('R15: a higher tier supersedes the one carried out: the old ends with the reason and last day the policy gives', () => {
    const scoring: ScoringState = { listings: [listing('p@1/yellow/2026-05-01', 'yellow', '2026-05-01')] };
    const plan = planTiers(scoring, evaluation({
      current: view('p@1/red/2026-05-20', 'red', '2026-05-20'),
      ended: [{ key: 'p@1/yellow/2026-05-01', tier: 'yellow', label: 'yellow', from: '2026-05-01', lastDay: '2026-05-19', reason: 'superseded' }],
    }));
    expect(plan.end).toEqual([{ listing: scoring.listings[0], label: 'yellow', lastDay: '2026-05-19', reason: 'superseded' }]);
    expect(plan.start?.tier).toBe('red');
  });

  it('R15: a listing already ended in the workflow is not ended twice', () => {
    const scoring: ScoringState = { listings: [{ ...listing('p@1/yellow/2026-05-01', 'yellow', '2026-05-01'), ended: { lastDay: '2026-05-19', reason: 'superseded' } }] };
    expect(planTiers(scoring, evaluation({})).end).toEqual([]);
  });

  it('R15: a tier measure ends on the listing\'s last day, whenever it was acknowledged; one valid while the score qualifies has no period end', () => {
    const { book, c } = tierCase([tierPin('ES-R8-KEY-TARGET', '2027-03-02'), tierPin('ES-R8-RANDOM-CHECK-UP', null)]);
    const [fixed, whileQualifies] = activate(c, 'auth', '2026-03-04');
    expect(fixed.periodEnd).toBe('2027-03-02');
    expect(whileQualifies.periodEnd).toBeNull();
    expect(whileQualifies.minimumEnd).toBeNull(); // not a lifetime measure: repair may release it (R12)
    syncPeriodEnds(book, c);
    expect(book.state.steps.map((s) => [s.kind, s.code, s.due.due])).toEqual([['period_end', 'ES-R8-KEY-TARGET', '2027-03-02']]);
  });

  it('R15: a superseded listing releases its measures now and its steps are no longer owed; an expired one leaves a carried-out case to R10', () => {
    const { book, c } = tierCase([tierPin('ES-R8-KEY-TARGET', '2027-03-02')]);
    c.inForce.push(...activate(c, 'auth', '2026-03-04'));
    syncPeriodEnds(book, c);
    const ended = endTierCase(book, c, 'superseded', '2026-05-20');
    expect(ended).toEqual({ caseReleased: true, released: ['ES-R8-KEY-TARGET'], superseded: ['period_end/S1/ES-R8-KEY-TARGET'] });
    expect(c.inForce[0]).toMatchObject({ status: 'released', releaseReason: 'tier_ended', releasedOn: '2026-05-20' });

    const done = tierCase([tierPin('ES-R8-KEY-TARGET', '2027-03-02')]);
    done.c.inForce.push(...activate(done.c, 'auth', '2026-03-04'));
    done.c.inForce[0].status = 'released'; // the R10 timer of its last day came first
    expect(endTierCase(done.book, done.c, 'expired', '2027-03-02')).toEqual({ caseReleased: false, released: [], superseded: [] });
    expect(done.c.status).toBe('implementing');
  });
});

describe('R15 what a tier case pins, and which version scores a target', () => {
  const entry = (over: Partial<TierCatalogEntry> = {}): TierCatalogEntry => ({
    code: 'ES-R8-KEY-TARGET', version: 3, category: 'R8', period: { rule: 'by_decision' }, legalMinimum: null, feedbackSet: true,
    outsideLocalAuthority: false, implementerKind: 'authority', publicityChannels: [], status: 'active', targetKinds: ['enterprise', 'person'], ...over,
  });

  it('R15: a tier measure takes the tier\'s validity as its period and ends on the listing\'s last day', () => {
    expect(pinTierMeasure('ES-R8-KEY-TARGET', entry(), 'enterprise', { years: 1 }, '2027-03-02')).toEqual({
      pinned: expect.objectContaining({ code: 'ES-R8-KEY-TARGET', version: 3, period: { years: 1 }, legalMinimum: null, tier: { until: '2027-03-02' } }),
    });
    // A tier valid while the score qualifies gives no period: the loop releases the measure when the score falls.
    expect(pinTierMeasure('ES-R8-KEY-TARGET', entry(), 'person', null, null)).toMatchObject({ pinned: { period: 'permanent', tier: { until: null } } });
  });

  it('R15: a measure permanent on the list lasts only as the listing does, with no legal minimum outlasting it', () => {
    const pinned = pinTierMeasure('DM-X', entry({ code: 'DM-X', period: { rule: 'permanent' } }), 'enterprise', { years: 5 }, '2031-01-01');
    expect(pinned).toMatchObject({ pinned: { period: { years: 5 }, legalMinimum: null, tier: { until: '2031-01-01' } } });
  });

  it('R15: a tier measure not on the lists, retired, or not for this kind of target is left out with why', () => {
    expect(pinTierMeasure('NOPE', null, 'enterprise', { years: 1 }, '2027-01-01')).toEqual({ skipped: { code: 'NOPE', reason: 'not on either list' } });
    expect(pinTierMeasure('ES-R8-KEY-TARGET', entry({ status: 'retired' }), 'enterprise', { years: 1 }, '2027-01-01'))
      .toEqual({ skipped: { code: 'ES-R8-KEY-TARGET', reason: 'retired from the list' } });
    expect(pinTierMeasure('ES-R8-KEY-TARGET', entry({ targetKinds: ['enterprise'] }), 'person', { years: 1 }, '2027-01-01'))
      .toEqual({ skipped: { code: 'ES-R8-KEY-TARGET', reason: 'does not apply to a person' } });
  });

  it('R15: a target keeps the version it was first scored under; a later version rescores it only if it says so', () => {
    expect(scoringVersion(1, null)).toEqual({ version: 1, rescored: false });
    expect(scoringVersion(1, { version: 1, document: {} })).toEqual({ version: 1, rescored: false });
    expect(scoringVersion(1, { version: 2, document: {} })).toEqual({ version: 1, rescored: false });
    expect(scoringVersion(1, { version: 2, document: { versioning: { existingTargets: 'keep' } } })).toEqual({ version: 1, rescored: false });
    expect(scoringVersion(1, { version: 2, document: { versioning: { existingTargets: 'rescore' } } })).toEqual({ version: 2, rescored: true });
    expect(scoringVersion(3, { version: 2, document: { versioning: { existingTargets: 'rescore' } } })).toEqual({ version: 3, rescored: false });
  });
});
