// A target, its cases and what was done on them: the PostgreSQL projection of each target's
// workflow (written by its activities), plus the identities the workflows never hold.
import { sql } from 'drizzle-orm';
import {
  boolean, date, index, integer, jsonb, numeric, pgTable, primaryKey, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { PinnedMeasure } from '../../domain/measures';
import { PERSON_ROLES } from '../../domain/persons';
import { agencies } from './agencies';

/** A disciplinary target (惩戒对象). The id is a keyed hash, never an identity number. */
export const targets = pgTable('targets', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: ['enterprise', 'person'] }).notNull(),
  name: text('name').notNull(),
  /** 统一社会信用代码 of an enterprise (public information). */
  creditCode: text('credit_code'),
  /** Resident identity number of a person: kept only here, masked in every response. */
  idNumber: text('id_number'),
  workflowId: text('workflow_id').notNull(),
  /** open: in the loop; closed: every measure released and no report owed (R10). */
  status: text('status', { enum: ['open', 'closed'] }).notNull().default('open'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  // Supervision search: "name contains", credit code prefix, status (measured in the README).
  index('targets_name_trgm_idx').using('gin', sql`${t.name} gin_trgm_ops`),
  index('targets_credit_code_idx').on(t.creditCode.op('text_pattern_ops')),
  // ?status= in the default order, whole for the same reason as the index below (issue 17).
  index('targets_status_updated_id_idx').on(t.status, t.updatedAt.desc().nullsFirst(), t.id),
  // The default order of the search, whole: the latest change first, then the id. An import gives
  // a batch one instant, so 100 000 targets held 289 instants, and on the instant alone PostgreSQL
  // sorted the rows of each: 65 ms for a first page, 0.3 ms with the id in the index (issue 17).
  index('targets_updated_id_idx').on(t.updatedAt.desc().nullsFirst(), t.id),
]);

export type { PinnedMeasure };

/** One cause (a penalty decision or an external document) against a target (R2, R3). */
export const cases = pgTable('cases', {
  id: text('id').primaryKey(),
  targetId: text('target_id').notNull().references(() => targets.id),
  /** R15 score_tier: filed by the system when the target's score lists it in a tier. */
  source: text('source', { enum: ['penalty_decision', 'external_document', 'score_tier'] }).notNull(),
  documentNumber: text('document_number').notNull(),
  documentIssuer: text('document_issuer').notNull(),
  /** R3: the kind of external document (domain/document-kinds.ts); null for a penalty decision. */
  documentKind: text('document_kind'),
  issuedOn: date('issued_on').notNull(),
  /** R3: the day CREDIT received the external document; its 3 working days count from it. */
  receivedOn: date('received_on'),
  consultation: boolean('consultation').notNull().default(false),
  /** R8/004: the penalty's kind (domain/publicity.ts), the fine in yuan and the field; null when not given. */
  penaltyType: text('penalty_type'),
  penaltyAmount: numeric('penalty_amount', { precision: 16, scale: 2, mode: 'number' }),
  penaltyField: text('penalty_field'),
  /** The measures with the catalog version each was matched against (R1: cases keep it). */
  measures: jsonb('measures').$type<PinnedMeasure[]>().notNull().default(sql`'[]'::jsonb`),
  /** The receiving AUTHORITY chosen at intake (R2, R3). */
  authorityId: text('authority_id'),
  /** R12: how serious the case is, and whether it repeats an earlier one (limits on repair). */
  seriousness: text('seriousness', { enum: ['general', 'serious', 'especially_serious'] }).notNull().default('general'),
  repeated: boolean('repeated').notNull().default(false),
  /** R2/R3: the push limit and whether the push came after it, as answered at intake. */
  pushDueOn: date('push_due_on'),
  late: boolean('late').notNull().default(false),
  /** R2/R3: who pushed it and when (the step's completion, counted in statistics, R14). */
  pushedBy: text('pushed_by'),
  pushedAt: timestamp('pushed_at', { withTimezone: true }),
  status: text('status').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }),
  /** R13: a person's case derived from an enterprise's case (domain/persons.ts): that case's id. */
  derivedFrom: text('derived_from'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  // A target's cases with what its readers' scope tests (db/queries/scope.ts: filer, AUTHORITY, the
  // case id for its implementers and steps), so that the test reads the index alone. Testing 10 000
  // targets read 10 000 pages of cases: 20 ms when they were cached, 80 ms when the engine's tables
  // had pushed them out of PostgreSQL's buffers; 7 ms and 320 pages this way (issue 17, README).
  index('cases_target_scope_idx').on(t.targetId, t.id, t.pushedBy, t.authorityId),
  // An AUTHORITY's and a filer's cases with their targets (search by field and by agency,
  // db/queries/search.ts), read from the index alone: the field search at 100 000 targets took
  // p50 26–47 ms this way, 53 ms reading every case (bench:search, issue 17).
  index('cases_authority_target_idx').on(t.authorityId, t.targetId),
  index('cases_pushed_by_target_idx').on(t.pushedBy, t.targetId),
  index('cases_derived_from_idx').on(t.derivedFrom),
]);

/**
 * The owner of a document number (R2, R3): a case belongs to the agency that filed it. The same
 * agency filing the number again gets the same case; another agency is refused. The answer the
 * workflow gave is kept so that a repeated filing answers the same without a second intake.
 */
export const caseNumbers = pgTable('case_numbers', {
  /** The document number as filed, normalized (domain/identifiers.ts documentNumberKey). */
  number: text('number').primaryKey(),
  caseId: text('case_id').notNull(),
  filedBy: text('filed_by').notNull(),
  targetId: text('target_id').notNull(),
  claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull().defaultNow(),
  answer: jsonb('answer').$type<Record<string, unknown> | null>(),
}, (t) => [uniqueIndex('case_numbers_case_uq').on(t.caseId)]);

/** R5: the implementers an AUTHORITY pushed a case to, with the measures each carries out. */
export const caseImplementers = pgTable('case_implementers', {
  caseId: text('case_id').notNull().references(() => cases.id),
  agencyId: text('agency_id').notNull().references(() => agencies.id),
  measures: jsonb('measures').$type<string[]>().notNull(),
  pushedAt: timestamp('pushed_at', { withTimezone: true }).notNull(),
  acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
}, (t) => [primaryKey({ columns: [t.caseId, t.agencyId] }), index('case_implementers_agency_idx').on(t.agencyId)]);

/** R6–R8, R10: each measure of a case as carried out by its implementer, from acknowledgement to release. */
export const caseMeasures = pgTable('case_measures', {
  caseId: text('case_id').notNull().references(() => cases.id),
  code: text('code').notNull(),
  version: integer('version').notNull(),
  implementerId: text('implementer_id').notNull(),
  status: text('status', { enum: ['active', 'suspended', 'released'] }).notNull(),
  activeFrom: date('active_from').notNull(),
  /** The last day of the period (R10); null for a permanent measure or one whose period the decision has not set. */
  periodEnd: date('period_end'),
  releasedAt: timestamp('released_at', { withTimezone: true }),
  releaseReason: text('release_reason', { enum: ['period_end', 'objection', 'repair', 'adjustment', 'tier_ended'] }),
  /** R9: in the monthly feedback set (copied from the pinned version). */
  feedbackSet: boolean('feedback_set').notNull().default(false),
  /** R12: the end of the legal minimum period, before which repair cannot release it. */
  minimumEnd: date('minimum_end'),
}, (t) => [
  primaryKey({ columns: [t.caseId, t.code] }),
  index('case_measures_status_idx').on(t.status, t.periodEnd),
  index('case_measures_code_idx').on(t.code),
]);

/** R9: an implementer's monthly report on a target's measures (before the 7th of the next month). */
export const feedbackReports = pgTable('feedback_reports', {
  targetId: text('target_id').notNull().references(() => targets.id),
  implementerId: text('implementer_id').notNull().references(() => agencies.id),
  /** The month reported on, YYYY-MM. */
  month: text('month').notNull(),
  summary: text('summary').notNull(),
  reportedAt: timestamp('reported_at', { withTimezone: true }).notNull(),
}, (t) => [primaryKey({ columns: [t.targetId, t.implementerId, t.month] })]);

/** R11: an objection to a case's cause: measures suspended while it is verified. */
export const objections = pgTable('objections', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull().references(() => cases.id),
  filedBy: text('filed_by').notNull(),
  /** The party (recorded by the agency that filed the case), or an implementer that found the information wrong. */
  raisedBy: text('raised_by', { enum: ['party', 'implementer'] }).notNull().default('party'),
  reason: text('reason').notNull(),
  filedAt: timestamp('filed_at', { withTimezone: true }).notNull(),
  outcome: text('outcome', { enum: ['rejected', 'upheld'] }),
  decidedBy: text('decided_by'),
  decisionReason: text('decision_reason'),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  releasedAt: timestamp('released_at', { withTimezone: true }),
}, (t) => [index('objections_case_idx').on(t.caseId)]);

/** R11: a complaint to the joint-conference office (联席会议办公室) after an objection's answer. */
export const complaints = pgTable('complaints', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull().references(() => cases.id),
  /** The CREDIT agency acting as the office: it records the complaint and decides it. */
  officeId: text('office_id').notNull(),
  reason: text('reason').notNull(),
  filedAt: timestamp('filed_at', { withTimezone: true }).notNull(),
  outcome: text('outcome', { enum: ['rejected', 'upheld'] }),
  decisionReason: text('decision_reason'),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  releasedAt: timestamp('released_at', { withTimezone: true }),
}, (t) => [index('complaints_case_idx').on(t.caseId)]);

/** R12: a credit-repair application on a case, reviewed within 15 working days. */
export const repairs = pgTable('repairs', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull().references(() => cases.id),
  filedBy: text('filed_by').notNull(),
  filedAt: timestamp('filed_at', { withTimezone: true }).notNull(),
  /** 容缺受理: secondary materials missing, promised by a date. */
  commitment: jsonb('commitment').$type<{ materials: string; dueOn: string } | null>(),
  outcome: text('outcome', { enum: ['approved', 'rejected'] }),
  decidedBy: text('decided_by'),
  decisionReason: text('decision_reason'),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  commitmentFulfilledAt: timestamp('commitment_fulfilled_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
}, (t) => [index('repairs_case_idx').on(t.caseId)]);

/**
 * R13: the persons recorded against an enterprise's case (法定代表人, 主要负责人, 直接责任人员 …).
 * Written by the API at intake, so identity numbers never enter workflow histories; the enterprise's
 * workflow reads them here to give each person its derived case (activities/persons.ts), whose
 * target row holds the identity number from then on.
 */
export const casePersons = pgTable('case_persons', {
  caseId: text('case_id').notNull(),
  personTargetId: text('person_target_id').notNull(),
  role: text('role', { enum: PERSON_ROLES }).notNull(),
  name: text('name').notNull(),
  idNumber: text('id_number').notNull(),
}, (t) => [primaryKey({ columns: [t.caseId, t.personTargetId] }), index('case_persons_person_idx').on(t.personTargetId)]);
