// A measure as a case carries it: the attributes of the catalog version it was matched against
// (R1: cases keep the version) that the loop needs to carry it out. Pure.
import type { PeriodLength } from './periods';
import type { Channel, PublicityTerms } from './publicity';

export type PeriodRule =
  | { rule: 'fixed'; length: PeriodLength }
  | { rule: 'by_decision' }
  | { rule: 'permanent' };

export interface PinnedMeasure {
  code: string;
  version: number;
  category: 'R6' | 'R7' | 'R8';
  /** Its period: a fixed length, the length the decision set (by_decision), or permanent (never ends). */
  period: PeriodLength | 'permanent';
  /** R12: a period set by law that credit repair cannot shorten; 'never' for a lifetime measure. */
  legalMinimum: PeriodLength | 'never' | null;
  /** R9: reported on every month. */
  feedbackSet: boolean;
  /** R4: executed outside the local system: recorded and reported upward, never pushed here. */
  outsideLocalAuthority: boolean;
  /** R5: the kind of implementer that carries it out (approval_agency, authority …). */
  implementerKind: string;
  /** R8: the platforms it is published on while in force; absent on cases filed before publicity records. */
  publicity?: Channel[];
  /**
   * R15: a measure of a tier listing lasts as the listing does: to its last day (`until`), or, for
   * a tier valid while the score qualifies (until null), until the loop releases it when the score falls.
   */
  tier?: { until: string | null };
  /**
   * R13: on an enterprise's case, a measure that applies to persons and not to enterprises: it
   * falls on the persons listed, each in a case of its own (domain/persons.ts), not on the enterprise.
   */
  onPersons?: boolean;
}

export interface CatalogVersion {
  code: string;
  version: number;
  category: string;
  period: PeriodRule;
  legalMinimum: PeriodLength | null;
  feedbackSet: boolean;
  outsideLocalAuthority: boolean;
  implementerKind: string;
  publicityChannels: string[];
}

/**
 * R6–R8, R10: every measure has an end. A by_decision measure takes the period the decision set
 * and none other; without it the measure cannot be pinned (null), and intake names the field.
 */
export function pinMeasure(v: CatalogVersion, decisionPeriod: PeriodLength | undefined, terms: PublicityTerms | null = null): PinnedMeasure | null {
  const stated = v.period.rule === 'fixed' ? v.period.length : v.period.rule === 'permanent' ? 'permanent' : decisionPeriod;
  if (!stated) return null;
  // 004: a circulated criticism or a small fine is published for a few months only.
  const period = terms?.minorMonths && v.publicityChannels.length > 0 ? { months: terms.minorMonths } : stated;
  return {
    code: v.code, version: v.version, category: v.category as PinnedMeasure['category'], period,
    legalMinimum: v.period.rule === 'permanent' ? 'never' : v.legalMinimum,
    feedbackSet: v.feedbackSet, outsideLocalAuthority: v.outsideLocalAuthority, implementerKind: v.implementerKind,
    publicity: v.publicityChannels as Channel[],
  };
}
