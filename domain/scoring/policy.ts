// R15 Tiered lists by score (分级名单): the shape of a scoring policy, mirroring
// policies/scoring-policy.schema.json. A regime is data; nothing here knows a regime by name.
// Pure: no engine, no database, no clock.
import type { IsoDate } from '../dates';
import type { PeriodLength } from '../periods';

/** An article reference, e.g. "002 篇四 第九条". */
export type Source = string;

export interface RollingWindow {
  kind: 'rolling';
  /** An act counts from its date through periodEnd(date, length) (e.g. 1年内). */
  length: PeriodLength;
  source: Source;
  comment?: string;
}

export interface NaturalYearWindow {
  kind: 'naturalYear';
  /** What the cycle (1 January–31 December, 自然年度) leaves to the next one. */
  cycleEnd: {
    /** No listing in force on 31 December: the points are cleared (积分清零). */
    withoutListing: 'reset';
    /** A listing in force on 31 December: clear, or carry the closing score while a listing stays in force. */
    withListing: 'reset' | 'carry';
    source: Source;
    comment?: string;
  };
  source: Source;
  comment?: string;
}

export type ScoringWindow = RollingWindow | NaturalYearWindow;

export interface ActClass {
  code: string;
  label: string;
  /** Points for each act of the class ("any act of class Y counts X" is a class worth X). */
  points: number;
  ruleId: string;
  source: Source;
  comment?: string;
}

export interface RepeatRule {
  id: string;
  classes: string[];
  /** The Nth penalty for the same item (满N次) completes a group. */
  count: number;
  /** One repeat is one act, or one distinct source document (one penalty decision). */
  distinctBy: 'act' | 'sourceDocument';
  /** What a completed group counts in total. */
  groupPoints: number;
  source: Source;
  comment?: string;
}

export type TierValidity =
  | { kind: 'fixed'; length: PeriodLength; source: Source; comment?: string }
  | { kind: 'whileScoreQualifies'; source: Source; comment?: string };

export interface Tier {
  code: string;
  label: string;
  /** The tier applies from this score up to the next tier's minPoints (exclusive). */
  minPoints: number;
  thresholdSource: Source;
  validity: TierValidity;
  notice: { document: string; source: Source; comment?: string } | null;
  /** Measure codes of db/measures/catalog.json; the comment says what the operator must add. */
  measures: { codes: string[]; source: Source; comment?: string };
  comment?: string;
}

export type CorrectionDeadline =
  | { kind: 'actCorrectionDue' }
  | { kind: 'afterTierStart'; length: PeriodLength };

export type EscalationTrigger =
  | { kind: 'notCorrected'; classes: string[]; deadline: CorrectionDeadline }
  | { kind: 'newActDuringTier'; classes: string[] };

export interface Escalation {
  id: string;
  from: string;
  to: string;
  trigger: EscalationTrigger;
  source: Source;
  comment?: string;
}

export interface ScoreConversion {
  basisTotal: number;
  /** The local scheme's total; null while no local scheme exists. */
  localTotal: number | null;
  decimals: number;
  source: Source;
  comment?: string;
}

export interface ScoringPolicy {
  $schema?: string;
  id: string;
  title: string;
  version: number;
  comment?: string;
  /** Absent or keep: a target keeps the version it was first scored under; rescore: this version scores every target of the policy once in force. */
  versioning?: { existingTargets: 'keep' | 'rescore'; comment?: string };
  sources: { ref: string; title: string; comment?: string }[];
  window: ScoringWindow;
  maxPoints?: { value: number; source: Source; comment?: string };
  actClasses: ActClass[];
  repeatRules?: RepeatRule[];
  /** Lowest first, minPoints strictly increasing (the loader checks it). */
  tiers: Tier[];
  escalations?: Escalation[];
  scoreConversion?: ScoreConversion;
}

/** One untrustworthy act of the target (失信行为), as recorded from its source document. */
export interface Act {
  id: string;
  /** An actClasses code of the policy. */
  class: string;
  /** The catalog item (目录清单项目) the act falls under; repeat rules group by it. */
  item: string;
  date: IsoDate;
  sourceDocument: string;
  /** The day the act was corrected (纠正), if it was. */
  correctedOn?: IsoDate | null;
  /** The deadline the order to correct set (责令限期改正), if any. */
  correctionDueOn?: IsoDate | null;
}
