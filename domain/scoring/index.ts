// R15 Tiered lists by score: the pure evaluator of a scoring policy (policies/*.json).
// The loader that validates a policy file against its JSON Schema is db/scoring-policies.ts,
// kept out of here so that ajv never reaches the workflow bundle.
export type { Act, ScoringPolicy, Tier } from './policy';
export { checkActs } from './acts';
export type { Listing, ListingCause, TierChange } from './listings';
export { scoreAt, tierChanges, type ActExplanation, type ScoreResult, type TierHistory, type TierInForce } from './score';
export { scoringVersion, type VersionInForce } from './versions';
