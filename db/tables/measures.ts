// R1 The two lists (两张清单) in versions, their reviewed changes, and the R3 matching rules.
import { sql } from 'drizzle-orm';
import {
  boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp,
} from 'drizzle-orm/pg-core';
import { agencies } from './agencies';

// ---------------------------------------------------------------------------------------------
// R1 The two lists (两张清单): every measure in versions. A version takes effect on its date;
// cases keep the version they were matched against.

export type MeasureList = 'discipline' | 'enhanced_supervision';
export type PeriodRule =
  | { rule: 'fixed'; length: { years: number } | { months: number } | { days: number } }
  | { rule: 'by_decision' }
  | { rule: 'permanent' };
export interface LegalBasis { document: string; article: string | null }

export const measureVersions = pgTable('measure_versions', {
  code: text('code').notNull(),
  version: integer('version').notNull(),
  list: text('list').$type<MeasureList>().notNull(),
  category: text('category').$type<'R6' | 'R7' | 'R8'>().notNull(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  /** null: the sources do not give the basis ("basis to be confirmed"). */
  legalBasis: jsonb('legal_basis').$type<LegalBasis | null>(),
  source: jsonb('source').$type<{ seed: string; where: string } | null>(),
  targetKinds: text('target_kinds').array().$type<('enterprise' | 'person')[]>().notNull(),
  period: jsonb('period').$type<PeriodRule>().notNull(),
  /** R12: a period set by law that credit repair cannot shorten. */
  legalMinimum: jsonb('legal_minimum').$type<{ years: number } | { months: number } | null>(),
  implementerKind: text('implementer_kind').notNull(),
  mandatory: boolean('mandatory').notNull(),
  /** R9: reported on in the monthly feedback. */
  feedbackSet: boolean('feedback_set').notNull(),
  /** R4: executed by a body outside the local system; recorded and reported upward. */
  outsideLocalAuthority: boolean('outside_local_authority').notNull().default(false),
  /** R8: the platforms (domain/publicity.ts CHANNELS) it is published on while in force. */
  publicityChannels: text('publicity_channels').array().notNull().default(sql`'{}'::text[]`),
  status: text('status', { enum: ['active', 'retired'] }).notNull(),
  effectiveFrom: date('effective_from').notNull(),
  changeId: text('change_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.code, t.version] }), index('measure_versions_effective_idx').on(t.code, t.effectiveFrom)]);

export interface ReviewDecision { agencyId: string; agencyName: string; approve: boolean; reason: string | null; at: string }

/** R1: a proposed addition, amendment or retirement, reviewed by CREDIT together with LEGAL. */
export const measureChanges = pgTable('measure_changes', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: ['add', 'amend', 'retire'] }).notNull(),
  code: text('code').notNull(),
  proposedBy: text('proposed_by').notNull().references(() => agencies.id),
  reason: text('reason').notNull(),
  /** The measure as it will read (add, amend); null for retire. */
  proposal: jsonb('proposal').$type<Record<string, unknown> | null>(),
  effectiveFrom: date('effective_from'),
  status: text('status', { enum: ['under_review', 'approved', 'rejected', 'effective'] }).notNull(),
  creditDecision: jsonb('credit_decision').$type<ReviewDecision | null>(),
  legalDecision: jsonb('legal_decision').$type<ReviewDecision | null>(),
  reviewDueAt: timestamp('review_due_at', { withTimezone: true }),
  workflowId: text('workflow_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  closedAt: timestamp('closed_at', { withTimezone: true }),
});

/** R3: rules as data that propose measures for a kind of external document and field. */
export const matchingRules = pgTable('matching_rules', {
  id: text('id').primaryKey(),
  documentKind: text('document_kind').notNull(),
  field: text('field'),
  targetKinds: text('target_kinds').array().$type<('enterprise' | 'person')[]>().notNull(),
  measureCodes: text('measure_codes').array().notNull(),
  note: text('note'),
});
