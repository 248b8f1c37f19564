// R15: a scoring policy is refused, naming the JSON path and why, when a field is missing or
// wrong (policies/scoring-policy.schema.json), or when its parts do not refer to each other.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shippedCatalog } from '../../db/measures';
import { loadScoringPolicy, ScoringPolicyError, validateScoringPolicy, type PolicyError } from '../../db/scoring-policies';
import { scoreAt } from '../../domain/scoring';
import { act, fixtureUrl, nanning, policyUrl, urbanManagement } from '../support/scoring';

const catalog = new Set(shippedCatalog().map((m) => m.code));

/** The shipped urban-management policy as plain JSON, with one mistake made to it. */
function broken(change: (p: any) => void): PolicyError[] {
  const p = structuredClone(urbanManagement()) as any;
  change(p);
  const check = validateScoringPolicy(p, { measureCodes: catalog });
  if (check.ok) throw new Error('the broken policy was accepted');
  return check.errors;
}

describe('R15 scoring-policy schema and loader', () => {
  it.each(['nanning-urban-credit.json', 'urban-management-credit.json'])('R15: the shipped policy %s is valid and its measure codes are in the catalog', (file) => {
    const policy = loadScoringPolicy(policyUrl(file), { measureCodes: catalog });
    expect(policy.tiers.length).toBe(3);
  });

  it('R15: the example in docs/scoring-policy.md is a valid policy', () => {
    const md = readFileSync(new URL('../../docs/scoring-policy.md', import.meta.url), 'utf8');
    const example = JSON.parse(/```json\n([\s\S]*?)```/.exec(md)![1]);
    const check = validateScoringPolicy(example, { measureCodes: catalog });
    expect(check.ok && check.policy.tiers.map((t) => t.minPoints)).toEqual([10]);
  });

  it('R15: every rule and threshold of the shipped policies cites its seed article', () => {
    for (const p of [nanning(), urbanManagement()]) {
      const cited = [
        p.window.source, ...p.actClasses.map((c) => c.source), ...(p.repeatRules ?? []).map((r) => r.source),
        ...p.tiers.flatMap((t) => [t.thresholdSource, t.validity.source, t.measures.source]), ...(p.escalations ?? []).map((e) => e.source),
      ];
      for (const source of cited) expect(source).toMatch(/^002 篇(四|十三) 第.+条/);
    }
  });

  it.each<[string, (p: any) => void, PolicyError]>([
    ['a missing tier threshold', (p) => { delete p.tiers[1].minPoints; }, { path: '$.tiers[1].minPoints', message: 'is required' }],
    ['points written as text', (p) => { p.actClasses[0].points = 'two'; }, { path: '$.actClasses[0].points', message: 'must be number (got "two")' }],
    ['a negative threshold', (p) => { p.tiers[0].minPoints = -4; }, { path: '$.tiers[0].minPoints', message: 'must be > 0 (got -4)' }],
    ['an unknown window kind', (p) => { p.window.kind = 'fiscalYear'; }, { path: '$.window.kind', message: 'must be one of rolling, naturalYear (got "fiscalYear")' }],
    ['a natural-year window without its cycle end', (p) => { delete p.window.cycleEnd; }, { path: '$.window.cycleEnd', message: 'is required' }],
    ['a field the format does not have', (p) => { p.tiers[0].colour = 'orange'; }, { path: '$.tiers[0].colour', message: 'is not a field of the scoring-policy format' }],
    ['a repeat rule counting "penalty"', (p) => { p.repeatRules[0].distinctBy = 'penalty'; }, { path: '$.repeatRules[0].distinctBy', message: 'must be one of "act", "sourceDocument" (got "penalty")' }],
    ['a period in weeks', (p) => { p.tiers[2].validity.length = { weeks: 2 }; }, { path: '$.tiers[2].validity.length.weeks', message: 'is not a field of the scoring-policy format' }],
    ['a malformed measure code', (p) => { p.tiers[0].measures.codes = ['interview']; }, { path: '$.tiers[0].measures.codes[0]', message: 'must match pattern "^(DM|ES)-R[0-9]+-[A-Z0-9]+(-[A-Z0-9]+)*$" (got "interview")' }],
    ['an unknown deadline kind', (p) => { p.escalations[0].trigger.deadline = { kind: 'nextMonday' }; }, { path: '$.escalations[0].trigger.deadline.kind', message: 'must be one of actCorrectionDue, afterTierStart (got "nextMonday")' }],
  ])('R15: the schema refuses %s, naming the path', (_, change, expected) => {
    expect(broken(change)).toContainEqual(expected);
  });

  it.each<[string, (p: any) => void, PolicyError]>([
    ['thresholds that do not increase', (p) => { p.tiers[1].minPoints = 4; }, { path: '$.tiers[1].minPoints', message: 'must be greater than the tier below (general: 4); tiers go from the lowest up' }],
    ['a threshold above the ceiling', (p) => { p.tiers[2].minPoints = 13; }, { path: '$.tiers[2].minPoints', message: '13 can never be reached: maxPoints is 12' }],
    ['an escalation to an unknown tier', (p) => { p.escalations[0].to = 'orange'; }, { path: '$.escalations[0].to', message: '"orange" is not a tier code' }],
    ['an escalation downwards', (p) => { p.escalations[1].to = 'general'; }, { path: '$.escalations[1].to', message: 'must be a higher tier than "yellow"' }],
    ['a repeat rule on an unknown class', (p) => { p.repeatRules[0].classes = ['minor']; }, { path: '$.repeatRules[0].classes[0]', message: '"minor" is not a class of actClasses' }],
    ['a trigger on an unknown class', (p) => { p.escalations[1].trigger.classes = ['general', 'heavy']; }, { path: '$.escalations[1].trigger.classes[1]', message: '"heavy" is not a class of actClasses' }],
    ['a class code used twice', (p) => { p.actClasses.push({ ...p.actClasses[0], ruleId: 'UM-extra' }); }, { path: '$.actClasses[2].code', message: '"general" is used twice' }],
    ['a rule id used twice', (p) => { p.escalations[1].id = 'UM-7(3)-not-corrected'; }, { path: '$.escalations[1].id', message: 'rule id "UM-7(3)-not-corrected" is used twice' }],
    ['a measure code not in the catalog', (p) => { p.tiers[0].measures.codes = ['ES-R8-NOT-A-MEASURE']; }, { path: '$.tiers[0].measures.codes[0]', message: '"ES-R8-NOT-A-MEASURE" is not in the measure catalog' }],
  ])('R15: the loader refuses %s, naming the path', (_, change, expected) => {
    expect(broken(change)).toEqual([expected]);
  });

  it('R15: loading a broken file throws one error naming the file and each path', () => {
    let thrown: unknown;
    try { loadScoringPolicy(fixtureUrl('invalid-policy.json')); } catch (e) { thrown = e; }
    expect(thrown).toBeInstanceOf(ScoringPolicyError);
    const error = thrown as ScoringPolicyError;
    expect(error.errors).toEqual([
      { path: '$.actClasses[0].points', message: 'must be number (got "one")' },
      { path: '$.tiers[0].minPoints', message: 'is required' },
    ]);
    expect(error.message).toContain('invalid-policy.json');
    expect(error.message).toContain('$.tiers[0].minPoints: is required');
  });

  it('R15: a file that is not JSON is refused at $', () => {
    expect(() => loadScoringPolicy(fixtureUrl('../../unit/scoring-schema.test.ts'))).toThrow(/\$: is not readable JSON/);
  });

  it('R15: acts the policy cannot score are refused, each named', () => {
    const policy = nanning();
    expect(() => scoreAt(policy, [act('a', 'general', '2025-01-01')], '2025-01-01')).toThrow(/acts\[0\] \(a\): class "general" is not one of minor, heavier, serious/);
    expect(() => scoreAt(policy, [act('a', 'minor', '2025-02-30')], '2025-03-01')).toThrow(/date "2025-02-30" is not a YYYY-MM-DD date/);
    expect(() => scoreAt(policy, [act('a', 'minor', '2025-01-01'), act('a', 'minor', '2025-01-02')], '2025-03-01')).toThrow(/acts\[1\] \(a\): id is used twice/);
    expect(() => scoreAt(policy, [act('a', 'minor', '2025-01-05', { correctedOn: '2025-01-04' })], '2025-03-01')).toThrow(/correctedOn 2025-01-04 is before the act's date 2025-01-05/);
    expect(() => scoreAt(policy, [], '2025/03/01')).toThrow(/at must be a YYYY-MM-DD date/);
  });
});
