// R15: the score on one day — which acts count, the points each counts and the rule that
// gave them (class points, repeat rules), the carried opening balance and the ceiling.
// Pure: no engine, no database, no clock.
import type { IsoDate } from '../dates';
import { countsOn, windowStart } from './acts';
import type { Act, RepeatRule, ScoringPolicy } from './policy';

export interface CountedAct {
  act: Act;
  /** What the act counts on this day. */
  points: number;
  /** The class's points, before any repeat rule. */
  basePoints: number;
  /** The rule that gave `points`: the class rule, or the repeat rule the act completed. */
  ruleId: string;
  source: string;
  /** Where the act stands in a repeat rule's group for its item (e.g. 2nd of 3 penalties). */
  repeat?: { ruleId: string; penalty: number; of: number; completesGroup: boolean; groupTotal?: number };
}

/** Points carried from a closed natural-year cycle while a listing stays in force. */
export interface Opening {
  points: number;
  /** The year whose cycle closed with these points. */
  fromCycle: number;
  source: string;
}

export interface Count {
  day: IsoDate;
  /** The earliest act date that counts on `day`. */
  windowFrom: IsoDate;
  counted: CountedAct[];
  opening: Opening | null;
  /** Opening plus the counted acts' points, before the ceiling. */
  raw: number;
  /** The score: raw, held to maxPoints when the policy has one. */
  total: number;
  capped: boolean;
}

/** The score on `day` from acts sorted by compareActs. */
export function countAt(policy: ScoringPolicy, sortedActs: readonly Act[], day: IsoDate, opening: Opening | null): Count {
  const classes = new Map(policy.actClasses.map((c) => [c.code, c]));
  const counted: CountedAct[] = sortedActs
    .filter((a) => countsOn(policy.window, a.date, day))
    .map((act) => {
      const cls = classes.get(act.class)!;
      return { act, points: cls.points, basePoints: cls.points, ruleId: cls.ruleId, source: cls.source };
    });
  for (const rule of policy.repeatRules ?? []) applyRepeatRule(rule, counted);
  const raw = (opening?.points ?? 0) + counted.reduce((sum, c) => sum + c.points, 0);
  const max = policy.maxPoints?.value;
  const total = max !== undefined && raw > max ? max : raw;
  return { day, windowFrom: windowStart(policy.window, day), counted, opening, raw, total, capped: total !== raw };
}

/**
 * N penalties for the same item count `groupPoints` together (e.g. 同一项目…被行政处罚满3次的,
 * 扣除12分): the act that completes a group counts what the group still lacks, and never less
 * than its own class points. Acts already placed by an earlier repeat rule are left to it.
 */
function applyRepeatRule(rule: RepeatRule, counted: CountedAct[]): void {
  const byItem = new Map<string, CountedAct[]>();
  for (const c of counted) {
    if (!rule.classes.includes(c.act.class) || c.repeat) continue;
    byItem.set(c.act.item, [...(byItem.get(c.act.item) ?? []), c]);
  }
  for (const group of byItem.values()) {
    let seen = new Set<string>();
    let members: CountedAct[] = [];
    for (const c of group) {
      seen.add(rule.distinctBy === 'act' ? c.act.id : c.act.sourceDocument);
      members.push(c);
      const completesGroup = seen.size === rule.count;
      c.repeat = { ruleId: rule.id, penalty: seen.size, of: rule.count, completesGroup };
      if (!completesGroup) continue;
      const before = members.slice(0, -1).reduce((sum, m) => sum + m.points, 0);
      if (rule.groupPoints - before > c.basePoints) {
        c.points = rule.groupPoints - before;
        c.ruleId = rule.id;
        c.source = rule.source;
      }
      c.repeat.groupTotal = before + c.points;
      seen = new Set();
      members = [];
    }
  }
}

/** The highest tier whose threshold the score reaches, as an index into policy.tiers (-1: none). */
export function tierIndexForScore(policy: ScoringPolicy, score: number): number {
  let index = -1;
  for (const [i, tier] of policy.tiers.entries()) if (score >= tier.minPoints) index = i;
  return index;
}
