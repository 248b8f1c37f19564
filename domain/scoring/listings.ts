// R15: listings over time. A listing starts when the score reaches a tier above the one in
// force, or when an escalation moves the party up (e.g. 一般→较重 when not corrected); it ends
// when its validity runs out, when a higher listing supersedes it, or (validity
// whileScoreQualifies) when the score falls below what caused it. On expiry a score that
// still qualifies lists the party anew. The evaluator steps from one event day to the next.
// Pure: no engine, no database, no clock.
import { addDays, type IsoDate, yearOf } from '../dates';
import { periodEnd } from '../periods';
import { firstDayNotCounted } from './acts';
import { type Count, countAt, type Opening, tierIndexForScore } from './points';
import type { Act, Escalation, ScoringPolicy } from './policy';

export type ListingCause =
  | { kind: 'points'; score: number; threshold: number; thresholdSource: string; actIds: string[] }
  | { kind: 'escalation'; escalationId: string; source: string; fromTier: string; actId: string; reason: string };

export type ListingEnd = 'expired' | 'superseded' | 'scoreDropped';

export interface Listing {
  tier: string;
  from: IsoDate;
  /** The last day in force by the tier's validity; null when it lasts while the score qualifies. */
  until: IsoDate | null;
  /** Set once it has ended: the last day it was in force, and why. */
  ended: { lastDay: IsoDate; reason: ListingEnd } | null;
  cause: ListingCause;
  /** The score it needs under whileScoreQualifies: its own threshold, or, when escalated, that of the listing it came from. */
  qualifyingPoints: number;
  /** The acts counted on its first day (相关失信行为 for a notCorrected escalation). */
  basisActIds: string[];
}

/** The tier in force changes on `on` (its first day): the listing that ended the day before and the one that starts. */
export interface TierChange {
  on: IsoDate;
  from: string | null;
  to: string | null;
  ended: Listing | null;
  started: Listing | null;
}

export interface Simulation {
  listings: Listing[];
  changes: TierChange[];
  /** The listing in force on `through`. */
  current: Listing | null;
  /** The carried points in force on `through`. */
  opening: Opening | null;
}

interface Firing { escalation: Escalation; actId: string; reason: string }

/** Every listing from the first act through `through`, from acts sorted by compareActs. */
export function simulate(policy: ScoringPolicy, acts: readonly Act[], through: IsoDate): Simulation {
  const tierIndex = new Map(policy.tiers.map((t, i) => [t.code, i]));
  const sim: Simulation = { listings: [], changes: [], current: null, opening: null };
  let previous: IsoDate | null = null;
  let day: IsoDate | null = acts.length > 0 ? acts[0].date : null;

  while (day !== null && day <= through) {
    const before = sim.current;
    let ended: Listing | null = null;
    const end = (lastDay: IsoDate, reason: ListingEnd) => {
      sim.current!.ended = { lastDay, reason };
      ended = sim.current;
      sim.current = null;
      sim.opening = null; // carried points last while a listing is in force
    };

    if (policy.window.kind === 'naturalYear' && previous !== null && yearOf(day) > yearOf(previous)) {
      sim.opening = closeCycle(policy, acts, yearOf(day) - 1, sim);
    }
    if (sim.current?.until != null && sim.current.until < day) end(sim.current.until, 'expired');
    let count = countAt(policy, acts, day, sim.opening);
    const validity = sim.current ? policy.tiers[tierIndex.get(sim.current.tier)!].validity : null;
    if (validity?.kind === 'whileScoreQualifies' && count.total < sim.current!.qualifyingPoints) {
      end(addDays(day, -1), 'scoreDropped');
      count = countAt(policy, acts, day, sim.opening);
    }

    const byScore = tierIndexForScore(policy, count.total);
    const firing = sim.current ? firingEscalation(policy, acts, sim.current, day, tierIndex) : null;
    const byEscalation = firing ? tierIndex.get(firing.escalation.to)! : -1;
    const inForce = sim.current ? tierIndex.get(sim.current.tier)! : -1;
    let started: Listing | null = null;
    // Points win a tie: the score alone already lists the party there.
    if (byScore > inForce && byScore >= byEscalation) {
      const tier = policy.tiers[byScore];
      const actIds = count.counted.filter((c) => c.act.date === day).map((c) => c.act.id);
      const cause: ListingCause = { kind: 'points', score: count.total, threshold: tier.minPoints, thresholdSource: tier.thresholdSource, actIds };
      started = { tier: tier.code, from: day, until: null, ended: null, cause, qualifyingPoints: tier.minPoints, basisActIds: [] };
    } else if (byEscalation > inForce && firing) {
      const { escalation, actId, reason } = firing;
      const cause: ListingCause = { kind: 'escalation', escalationId: escalation.id, source: escalation.source, fromTier: escalation.from, actId, reason };
      started = { tier: escalation.to, from: day, until: null, ended: null, cause, qualifyingPoints: sim.current!.qualifyingPoints, basisActIds: [] };
    }
    if (started) {
      if (sim.current) {
        const carried = sim.opening;
        end(addDays(day, -1), 'superseded');
        sim.opening = carried; // a higher listing keeps the party listed
      }
      const v = policy.tiers[tierIndex.get(started.tier)!].validity;
      started.until = v.kind === 'fixed' ? periodEnd(day, v.length) : null;
      started.basisActIds = count.counted.map((c) => c.act.id);
      sim.listings.push(started);
      sim.current = started;
    }
    if (before !== sim.current) {
      sim.changes.push({ on: day, from: before?.tier ?? null, to: sim.current?.tier ?? null, ended, started });
    }
    previous = day;
    day = nextEventDay(policy, acts, day, sim.current);
  }
  return sim;
}

/** 第六条(四)-style cycle end: what the closing cycle leaves to the next one. */
function closeCycle(policy: ScoringPolicy, acts: readonly Act[], closingYear: number, sim: Simulation): Opening | null {
  if (policy.window.kind !== 'naturalYear') return null;
  const { cycleEnd } = policy.window;
  if (sim.current === null || cycleEnd.withListing === 'reset') return null;
  const closing: Count = countAt(policy, acts, `${closingYear}-12-31`, sim.opening);
  return { points: closing.total, fromCycle: closingYear, source: cycleEnd.source };
}

/** The escalation that fires on `day` for the listing in force, the highest target first. */
function firingEscalation(policy: ScoringPolicy, acts: readonly Act[], listing: Listing, day: IsoDate, tierIndex: Map<string, number>): Firing | null {
  let best: Firing | null = null;
  for (const escalation of policy.escalations ?? []) {
    if (escalation.from !== listing.tier) continue;
    const firing = fires(escalation, acts, listing, day);
    if (firing && (!best || tierIndex.get(escalation.to)! > tierIndex.get(best.escalation.to)!)) best = firing;
  }
  return best;
}

function fires(escalation: Escalation, acts: readonly Act[], listing: Listing, day: IsoDate): Firing | null {
  const { trigger } = escalation;
  if (trigger.kind === 'newActDuringTier') {
    // The listing in force was started on an earlier day: the acts that listed the party are not new.
    const act = acts.find((a) => a.date === day && trigger.classes.includes(a.class));
    return act ? { escalation, actId: act.id, reason: `new ${act.class} act ${act.id} on ${day}, while listed since ${listing.from}` } : null;
  }
  for (const act of relevantActs(acts, listing, day, trigger.classes)) {
    const deadline = correctionDeadline(escalation, act, listing);
    if (deadline === null) continue;
    if (addDays(deadline, 1) <= day && !(act.correctedOn != null && act.correctedOn <= deadline)) {
      return { escalation, actId: act.id, reason: `act ${act.id} not corrected by ${deadline}` };
    }
  }
  return null;
}

/**
 * The day by which an act behind the listing must be corrected. The non-correction counts only
 * after the listing's notice (接到通知书后无故不纠正): a deadline before the listing moves to it.
 */
export function correctionDeadline(escalation: Escalation, act: Act, listing: Listing): IsoDate | null {
  if (escalation.trigger.kind !== 'notCorrected') return null;
  const { deadline } = escalation.trigger;
  const due = deadline.kind === 'actCorrectionDue' ? act.correctionDueOn ?? null : periodEnd(listing.from, deadline.length);
  if (due === null) return null;
  return due < listing.from ? listing.from : due;
}

/** The acts behind a listing: those counted on its first day, and those of the classes since. */
function relevantActs(acts: readonly Act[], listing: Listing, day: IsoDate, classes: string[]): Act[] {
  const basis = new Set(listing.basisActIds);
  return acts.filter((a) => classes.includes(a.class) && a.date <= day && (basis.has(a.id) || a.date > listing.from));
}

/** The next day something can change: an act, an act leaving the window, a cycle, an expiry, a correction deadline. */
function nextEventDay(policy: ScoringPolicy, acts: readonly Act[], day: IsoDate, current: Listing | null): IsoDate | null {
  const candidates: IsoDate[] = [];
  const nextAct = acts.find((a) => a.date > day);
  if (nextAct) candidates.push(nextAct.date);
  if (policy.window.kind === 'naturalYear') candidates.push(`${yearOf(day) + 1}-01-01`);
  else for (const a of acts) if (a.date <= day) candidates.push(firstDayNotCounted(policy.window, a.date));
  if (current?.until != null) candidates.push(addDays(current.until, 1));
  if (current) {
    for (const escalation of policy.escalations ?? []) {
      if (escalation.from !== current.tier || escalation.trigger.kind !== 'notCorrected') continue;
      for (const act of relevantActs(acts, current, day, escalation.trigger.classes)) {
        const deadline = correctionDeadline(escalation, act, current);
        if (deadline !== null) candidates.push(addDays(deadline, 1));
      }
    }
  }
  const later = candidates.filter((c) => c > day).sort();
  return later.length > 0 ? later[0] : null;
}
