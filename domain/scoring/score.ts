// R15 Tiered lists by score: what a party's acts come to on a day, with the reasons, and the
// tier changes over time that start and end the tier's measures through the normal loop.
// Deterministic for Temporal workflow code: no Node, no clock, no randomness.
// Pure: no engine, no database, no clock.
import { type IsoDate, parseIsoDate } from '../dates';
import { checkActs, countsThrough } from './acts';
import { type Listing, simulate, type TierChange } from './listings';
import { countAt, type Opening } from './points';
import type { Act, ScoringPolicy, Tier } from './policy';

export interface ActExplanation {
  id: string;
  class: string;
  item: string;
  date: IsoDate;
  sourceDocument: string;
  counted: boolean;
  /** What it counts on the evaluation day (0 when not counted). */
  points: number;
  /** The rule behind the points: the class rule, or a repeat rule the act completed. */
  ruleId: string | null;
  source: string | null;
  /** The last day it counts in the window. */
  countsThrough: IsoDate;
  note: string;
}

export interface TierInForce {
  code: string;
  label: string;
  from: IsoDate;
  /** Null when the tier lasts while the score qualifies. */
  until: IsoDate | null;
  validitySource: string;
  cause: Listing['cause'];
  notice: Tier['notice'];
  measures: Tier['measures'];
}

export interface ScoreResult {
  policyId: string;
  at: IsoDate;
  score: number;
  /** The sum before the ceiling (maxPoints), with the carried opening. */
  rawScore: number;
  capped: boolean;
  /** The score in the local scheme's points (按比例换算), when the policy has one. */
  converted: { value: number; basisTotal: number; localTotal: number; source: string } | null;
  window: { kind: ScoringPolicy['window']['kind']; from: IsoDate; to: IsoDate; source: string };
  opening: Opening | null;
  tier: TierInForce | null;
  acts: ActExplanation[];
  /** Every threshold with whether the score reaches it. */
  thresholds: { tier: string; label: string; minPoints: number; source: string; crossed: boolean }[];
}

/** The score, the tier in force with its validity, and why, on `at`. */
export function scoreAt(policy: ScoringPolicy, acts: readonly Act[], at: IsoDate): ScoreResult {
  requireDate(at, 'at');
  const sorted = checkActs(policy, acts);
  const sim = simulate(policy, sorted, at);
  const count = countAt(policy, sorted, at, sim.opening);
  const byId = new Map(count.counted.map((c) => [c.act.id, c]));
  const explained = sorted.map((act): ActExplanation => {
    const c = byId.get(act.id);
    const through = countsThrough(policy.window, act.date);
    const base = { id: act.id, class: act.class, item: act.item, date: act.date, sourceDocument: act.sourceDocument, countsThrough: through };
    if (!c) {
      const note = act.date > at ? `dated after ${at}` : `outside the window: counted through ${through}`;
      return { ...base, counted: false, points: 0, ruleId: null, source: null, note };
    }
    let note = `${c.points} points (${c.ruleId})`;
    if (c.repeat?.completesGroup && c.ruleId === c.repeat.ruleId) {
      note = `penalty ${c.repeat.penalty} of ${c.repeat.of} for item ${act.item}: the group counts ${c.repeat.groupTotal} (${c.repeat.ruleId})`;
    } else if (c.repeat) {
      note += `; penalty ${c.repeat.penalty} of ${c.repeat.of} for item ${act.item} under ${c.repeat.ruleId}`;
    }
    return { ...base, counted: true, points: c.points, ruleId: c.ruleId, source: c.source, note };
  });
  const conversion = policy.scoreConversion;
  const converted = conversion && conversion.localTotal !== null
    ? { value: round(count.total * conversion.localTotal / conversion.basisTotal, conversion.decimals), basisTotal: conversion.basisTotal, localTotal: conversion.localTotal, source: conversion.source }
    : null;
  return {
    policyId: policy.id,
    at,
    score: count.total,
    rawScore: count.raw,
    capped: count.capped,
    converted,
    window: { kind: policy.window.kind, from: count.windowFrom, to: at, source: policy.window.source },
    opening: count.opening,
    tier: sim.current ? tierInForce(policy, sim.current) : null,
    acts: explained,
    thresholds: policy.tiers.map((t) => ({ tier: t.code, label: t.label, minPoints: t.minPoints, source: t.thresholdSource, crossed: count.total >= t.minPoints })),
  };
}

export interface TierHistory {
  policyId: string;
  through: IsoDate;
  /** Every listing, in order; `ended` is null for one still in force on `through`. */
  listings: Listing[];
  /** Each day the tier in force changed (or a listing was renewed in the same tier). */
  changes: TierChange[];
}

/** Which tier starts and ends on which day, from the first act through `through`. */
export function tierChanges(policy: ScoringPolicy, acts: readonly Act[], through: IsoDate): TierHistory {
  requireDate(through, 'through');
  const sim = simulate(policy, checkActs(policy, acts), through);
  return { policyId: policy.id, through, listings: sim.listings, changes: sim.changes };
}

function tierInForce(policy: ScoringPolicy, listing: Listing): TierInForce {
  const tier = policy.tiers.find((t) => t.code === listing.tier)!;
  return {
    code: tier.code, label: tier.label, from: listing.from, until: listing.until, validitySource: tier.validity.source,
    cause: listing.cause, notice: tier.notice, measures: tier.measures,
  };
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

function requireDate(value: string, name: string): void {
  if (parseIsoDate(value) === null) throw new RangeError(`${name} must be a YYYY-MM-DD date, got "${value}"`);
}
