// R15 Tier listings through the loop: what the target's policy says about its tier (evaluated by
// an activity from the acts in PostgreSQL) against the listings the workflow has carried out. A
// listing in force that the loop has not carried out yet files a case (source score_tier) with
// the tier's measures, the tier's validity as their period; a listing that ended ends its case:
// superseded by a higher tier or ended by a falling score, its measures are released at once
// (名单等级变更); run out, its measures end with their period (R10). Pure.
import type { IsoDate } from '../dates';
import { pinMeasure, type CatalogVersion, type PinnedMeasure } from '../measures';
import type { PeriodLength } from '../periods';
import { syncFeedbackMonth } from './feedback';
import type { TargetBook } from './book';
import { caseDone } from './case';
import { releaseAll } from './measures';
import type { CaseState, ScoringState, TierListingState } from './state';

export type ListingEnd = 'expired' | 'superseded' | 'scoreDropped';

/** The case a tier listing files into the loop: its measures pinned from the lists on the filing day (R1). */
export interface TierFiling {
  caseId: string;
  /** The agency that recorded the act that listed the target: it produced the information (谁决定、谁负责). */
  actor: string;
  authorityId: string;
  document: { number: string; issuedOn: IsoDate; issuer: string; kind: null };
  measures: PinnedMeasure[];
  /** Tier measures left out, with why (retired, not for this kind of target). */
  skipped: { code: string; reason: string }[];
  /** The tier's written notice (the policy's tiers[].notice.document), or null when the tier has none. */
  notice: string | null;
  /** Filed already (a case of this listing exists: an earlier run carried it out). */
  alreadyFiled: boolean;
}

export interface TierListingView {
  key: string;
  tier: string;
  label: string;
  from: IsoDate;
  until: IsoDate | null;
  /** Why it started, in one sentence (points reached a threshold, or an escalation). */
  cause: string;
}

/** What the policy says on `through`, from the acts recorded now. */
export interface TierEvaluation {
  policy: { id: string; version: number; title: string } | null;
  through: IsoDate;
  score: number;
  /** The listing in force on `through`; with its filing when the workflow has not carried it out. */
  current: (TierListingView & { filing: TierFiling | null }) | null;
  /** Every listing that has ended by `through`. */
  ended: { key: string; tier: string; label: string; from: IsoDate; lastDay: IsoDate; reason: ListingEnd }[];
  /** The next day the tier changes by what is recorded now (an expiry, acts leaving the window, a missed correction). */
  nextChangeOn: IsoDate | null;
}

export interface TierPlan {
  /** Listings the loop carried out that are no longer in force, with how they ended. */
  end: { listing: TierListingState; label: string; lastDay: IsoDate; reason: ListingEnd }[];
  start: (TierListingView & { filing: TierFiling | null }) | null;
}

/**
 * The listings to end and the one to start. A listing that is gone from the evaluation without
 * an end (the acts behind it changed) ends the day before `through` as superseded.
 */
export function planTiers(scoring: ScoringState, evaluation: TierEvaluation): TierPlan {
  const end: TierPlan['end'] = [];
  for (const listing of scoring.listings) {
    if (listing.ended || listing.key === evaluation.current?.key) continue;
    const known = evaluation.ended.find((e) => e.key === listing.key);
    end.push({ listing, label: known?.label ?? listing.tier, lastDay: known?.lastDay ?? evaluation.through, reason: known?.reason ?? 'superseded' });
  }
  const current = evaluation.current;
  const start = current && !scoring.listings.some((l) => l.key === current.key) ? current : null;
  return { end, start };
}

/**
 * Ends the case of a listing. Expired: measures in force end with their period (R10, the
 * period-end timer releases them on the listing's last day); what is still owed on a case not
 * fully carried out is no longer owed. Superseded or score dropped: every measure is released now.
 */
export function endTierCase(book: TargetBook, c: CaseState, reason: ListingEnd, on: IsoDate): TierCaseEnd {
  if (c.status === 'released' || (reason === 'expired' && caseDone(c))) return { caseReleased: false, released: [], superseded: [] };
  c.status = 'released';
  const released = releaseAll(c, reason === 'expired' ? 'period_end' : 'tier_ended', on);
  const superseded = book.closeSteps((s) => s.caseId === c.caseId).map((s) => s.key);
  syncFeedbackMonth(book, on.slice(0, 7));
  return { caseReleased: true, released, superseded };
}

export interface TierCaseEnd {
  /** The workflow released the case now (false: it had come to its end already). */
  caseReleased: boolean;
  released: string[];
  /** Its steps no longer owed. */
  superseded: string[];
}

/** A measure of the lists as a tier's case may pin it: its version in effect, or null when on neither list. */
export interface TierCatalogEntry extends CatalogVersion {
  status: string;
  targetKinds: string[];
}

/**
 * R15: a tier's measure as its case pins it (R1: the version in effect on the listing's filing
 * day), or why it is left out. The listing is the decision: the tier's validity is the measure's
 * period (a tier valid while the score qualifies gives none, the loop releases it when the score
 * falls), and the measure ends with the listing, not a period counted from its acknowledgement
 * (`tier.until`). No legal minimum outlasts the listing.
 */
export function pinTierMeasure(
  code: string, entry: TierCatalogEntry | null, targetKind: 'enterprise' | 'person', validity: PeriodLength | null, until: IsoDate | null,
): { pinned: PinnedMeasure } | { skipped: { code: string; reason: string } } {
  if (!entry) return { skipped: { code, reason: 'not on either list' } };
  if (entry.status === 'retired') return { skipped: { code, reason: 'retired from the list' } };
  if (!entry.targetKinds.includes(targetKind)) {
    return { skipped: { code, reason: `does not apply to ${targetKind === 'person' ? 'a person' : 'an enterprise'}` } };
  }
  const pinned = pinMeasure(entry, validity ?? { years: 1 })!;
  const legalMinimum = entry.period.rule === 'permanent' ? null : pinned.legalMinimum;
  return { pinned: { ...pinned, period: validity ?? 'permanent', legalMinimum, tier: { until } } };
}
