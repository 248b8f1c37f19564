// R15 Tiered lists by score (分级名单): the scoring policies in reviewed versions, the version each
// target is scored under, and the acts recorded against targets. The policy files themselves are
// data (policies/*.json, docs/scoring-policy.md); the evaluator is domain/scoring/.
import { sql } from 'drizzle-orm';
import {
  date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { ScoringPolicy } from '../../domain/scoring/policy';
import { agencies } from './agencies';
import type { ReviewDecision } from './measures';
import { targets } from './targets';

export type ScoringPolicyStatus = 'under_review' | 'approved' | 'rejected' | 'effective';

/**
 * R15: one proposed version of a scoring policy (a file validated by the schema), reviewed by
 * CREDIT and LEGAL like a list change (R1). Approved, it is in force from its effective date;
 * versions are never edited, a change is a new version.
 */
export const scoringPolicies = pgTable('scoring_policies', {
  /** The change id (SP…), also the review workflow's. */
  id: text('id').primaryKey(),
  /** The policy file's `id` and `version`. */
  policyId: text('policy_id').notNull(),
  version: integer('version').notNull(),
  title: text('title').notNull(),
  document: jsonb('document').$type<ScoringPolicy>().notNull(),
  /** The AUTHORITY that receives the cases a tier change files (R5), reviewed with the file. */
  authorityId: text('authority_id').notNull().references(() => agencies.id),
  proposedBy: text('proposed_by').notNull().references(() => agencies.id),
  reason: text('reason').notNull(),
  status: text('status').$type<ScoringPolicyStatus>().notNull(),
  /** Asked for by the proposal (null: on approval); set to the day it takes effect once approved. */
  effectiveFrom: date('effective_from'),
  creditDecision: jsonb('credit_decision').$type<ReviewDecision | null>(),
  legalDecision: jsonb('legal_decision').$type<ReviewDecision | null>(),
  reviewDueAt: timestamp('review_due_at', { withTimezone: true }),
  workflowId: text('workflow_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  closedAt: timestamp('closed_at', { withTimezone: true }),
}, (t) => [
  // A version number is taken once (a rejected proposal frees it).
  uniqueIndex('scoring_policies_version_uq').on(t.policyId, t.version).where(sql`${t.status} <> 'rejected'`),
]);

/** R15: the policy version a target is scored under: the one in force when its first act was recorded. */
export const targetScoring = pgTable('target_scoring', {
  targetId: text('target_id').primaryKey().references(() => targets.id),
  policyId: text('policy_id').notNull(),
  version: integer('version').notNull(),
  since: timestamp('since', { withTimezone: true }).notNull(),
});

/**
 * R15: an untrustworthy act (失信行为) recorded against a target from its source document, with
 * the class the policy scores it by. The document number (normalized) and the catalog item
 * (目录清单项目) identify it: one document records one act per item, for the agency that recorded it.
 */
export const scoringActs = pgTable('scoring_acts', {
  id: text('id').primaryKey(),
  targetId: text('target_id').notNull().references(() => targets.id),
  policyId: text('policy_id').notNull(),
  class: text('class').notNull(),
  item: text('item').notNull(),
  date: date('date').notNull(),
  documentNumber: text('document_number').notNull(),
  /** domain/identifiers.ts documentNumberKey: the act's source document as repeat rules count it. */
  documentKey: text('document_key').notNull(),
  documentIssuer: text('document_issuer').notNull(),
  documentIssuedOn: date('document_issued_on'),
  /** 责令限期改正: the deadline the order to correct set, and the day it was corrected. */
  correctionDueOn: date('correction_due_on'),
  correctedOn: date('corrected_on'),
  recordedBy: text('recorded_by').notNull().references(() => agencies.id),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  /** `${agencyId}/${Idempotency-Key}` when one was sent, and the request's digest. */
  idempotencyKey: text('idempotency_key'),
  fingerprint: text('fingerprint').notNull(),
}, (t) => [
  uniqueIndex('scoring_acts_document_item_uq').on(t.documentKey, t.item),
  uniqueIndex('scoring_acts_idempotency_uq').on(t.idempotencyKey),
  index('scoring_acts_target_idx').on(t.targetId, t.date),
]);
