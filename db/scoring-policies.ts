// R15 scoring policies: a policy file is validated against policies/scoring-policy.schema.json
// (ajv), then for what a schema cannot say (known codes, increasing thresholds). Every error
// names the JSON path and why. Kept apart from domain/scoring/ so that ajv never reaches the
// workflow bundle; the evaluator takes the policy this returns.
import { readFileSync } from 'node:fs';
import Ajv, { type ErrorObject } from 'ajv';
import type { ScoringPolicy } from '../domain/scoring/policy';

export interface PolicyError {
  /** Where, as a JSON path: $.tiers[1].minPoints */
  path: string;
  message: string;
}

export type PolicyCheck = { ok: true; policy: ScoringPolicy } | { ok: false; errors: PolicyError[] };

export interface PolicyOptions {
  /** When given, every tier's measure code must be one of these (db/measures/catalog.json). */
  measureCodes?: ReadonlySet<string>;
}

export class ScoringPolicyError extends Error {
  constructor(readonly file: string, readonly errors: PolicyError[]) {
    super(`scoring policy ${file} refused:\n${errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`);
    this.name = 'ScoringPolicyError';
  }
}

export const SCORING_POLICY_SCHEMA: object = JSON.parse(
  readFileSync(new URL('../policies/scoring-policy.schema.json', import.meta.url), 'utf8'),
);

const ajv = new Ajv({ allErrors: true, discriminator: true, allowUnionTypes: true, verbose: true });
const validateSchema = ajv.compile(SCORING_POLICY_SCHEMA);

/** Validates a parsed policy: the schema first, then the references between its parts. */
export function validateScoringPolicy(value: unknown, options: PolicyOptions = {}): PolicyCheck {
  if (!validateSchema(value)) {
    return { ok: false, errors: (validateSchema.errors ?? []).filter((e) => e.keyword !== 'if').map(describe) };
  }
  const policy = value as unknown as ScoringPolicy;
  const errors = crossCheck(policy, options);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, policy };
}

/** Reads, parses and validates a policy file; throws ScoringPolicyError naming every problem. */
export function loadScoringPolicy(file: string | URL, options: PolicyOptions = {}): ScoringPolicy {
  const name = String(file);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ScoringPolicyError(name, [{ path: '$', message: `is not readable JSON: ${(e as Error).message}` }]);
  }
  const check = validateScoringPolicy(value, options);
  if (!check.ok) throw new ScoringPolicyError(name, check.errors);
  return check.policy;
}

function describe(e: ErrorObject): PolicyError {
  const at = toPath(e.instancePath);
  const got = e.data === undefined ? '' : ` (got ${JSON.stringify(e.data)})`;
  switch (e.keyword) {
    case 'required':
      return { path: `${at}.${e.params.missingProperty}`, message: 'is required' };
    case 'additionalProperties':
      return { path: `${at}.${e.params.additionalProperty}`, message: 'is not a field of the scoring-policy format' };
    case 'discriminator': {
      const tags = ((e.parentSchema as { oneOf?: { properties: Record<string, { const: string }> }[] })?.oneOf ?? [])
        .map((s) => s.properties[e.params.tag].const);
      return { path: `${at}.${e.params.tag}`, message: `must be one of ${tags.join(', ')} (got ${JSON.stringify(e.params.tagValue)})` };
    }
    case 'enum':
      return { path: at, message: `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}${got}` };
    case 'const':
      return { path: at, message: `must be ${JSON.stringify(e.params.allowedValue)}${got}` };
    default:
      return { path: at, message: `${e.message ?? e.keyword}${got}` };
  }
}

/** /tiers/1/minPoints → $.tiers[1].minPoints */
function toPath(pointer: string): string {
  return '$' + pointer.split('/').slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('');
}

function crossCheck(policy: ScoringPolicy, options: PolicyOptions): PolicyError[] {
  const errors: PolicyError[] = [];
  const err = (path: string, message: string) => errors.push({ path, message });
  const classes = new Set<string>();
  policy.actClasses.forEach((c, i) => {
    if (classes.has(c.code)) err(`$.actClasses[${i}].code`, `"${c.code}" is used twice`);
    classes.add(c.code);
  });
  const tiers = new Map<string, number>();
  policy.tiers.forEach((t, i) => {
    if (tiers.has(t.code)) err(`$.tiers[${i}].code`, `"${t.code}" is used twice`);
    tiers.set(t.code, i);
    const below = policy.tiers[i - 1];
    if (below && t.minPoints <= below.minPoints) {
      err(`$.tiers[${i}].minPoints`, `must be greater than the tier below (${below.code}: ${below.minPoints}); tiers go from the lowest up`);
    }
    if (policy.maxPoints && t.minPoints > policy.maxPoints.value) {
      err(`$.tiers[${i}].minPoints`, `${t.minPoints} can never be reached: maxPoints is ${policy.maxPoints.value}`);
    }
    t.measures.codes.forEach((code, j) => {
      if (options.measureCodes && !options.measureCodes.has(code)) err(`$.tiers[${i}].measures.codes[${j}]`, `"${code}" is not in the measure catalog`);
    });
  });
  const ruleIds = new Set<string>();
  const uniqueRule = (path: string, id: string) => {
    if (ruleIds.has(id)) err(path, `rule id "${id}" is used twice`);
    ruleIds.add(id);
  };
  const knownClasses = (path: string, list: string[]) => list.forEach((c, j) => {
    if (!classes.has(c)) err(`${path}[${j}]`, `"${c}" is not a class of actClasses`);
  });
  policy.actClasses.forEach((c, i) => uniqueRule(`$.actClasses[${i}].ruleId`, c.ruleId));
  const repeated = new Set<string>();
  (policy.repeatRules ?? []).forEach((r, i) => {
    uniqueRule(`$.repeatRules[${i}].id`, r.id);
    knownClasses(`$.repeatRules[${i}].classes`, r.classes);
    r.classes.forEach((c, j) => {
      if (repeated.has(c)) err(`$.repeatRules[${i}].classes[${j}]`, `"${c}" is already in an earlier repeat rule; a class takes one`);
      repeated.add(c);
    });
  });
  (policy.escalations ?? []).forEach((e, i) => {
    uniqueRule(`$.escalations[${i}].id`, e.id);
    for (const end of ['from', 'to'] as const) {
      if (!tiers.has(e[end])) err(`$.escalations[${i}].${end}`, `"${e[end]}" is not a tier code`);
    }
    if (tiers.has(e.from) && tiers.has(e.to) && tiers.get(e.to)! <= tiers.get(e.from)!) {
      err(`$.escalations[${i}].to`, `must be a higher tier than "${e.from}"`);
    }
    knownClasses(`$.escalations[${i}].trigger.classes`, e.trigger.classes);
  });
  return errors;
}
