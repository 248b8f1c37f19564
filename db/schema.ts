// PostgreSQL schema. camelCase keys in code, snake_case columns in the database.
// Every table an activity writes has a natural unique key so that a retried activity
// never duplicates a row.
import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, date, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';

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
  index('targets_status_idx').on(t.status, t.updatedAt),
  // The default order of the search: the latest change first.
  index('targets_updated_idx').on(t.updatedAt),
]);

export interface PinnedMeasure {
  code: string;
  version: number;
  /** For a measure whose period the decision sets (period rule by_decision). */
  period?: { years: number } | { months: number } | { days: number };
}

/** One cause (a penalty decision or an external document) against a target (R2, R3). */
export const cases = pgTable('cases', {
  id: text('id').primaryKey(),
  targetId: text('target_id').notNull().references(() => targets.id),
  source: text('source', { enum: ['penalty_decision', 'external_document'] }).notNull(),
  documentNumber: text('document_number').notNull(),
  documentIssuer: text('document_issuer').notNull(),
  issuedOn: date('issued_on').notNull(),
  consultation: boolean('consultation').notNull().default(false),
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
  receiptDueAt: timestamp('receipt_due_at', { withTimezone: true }),
  receivedAt: timestamp('received_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex('cases_document_uq').on(t.documentIssuer, t.documentNumber),
  index('cases_target_idx').on(t.targetId),
  index('cases_authority_idx').on(t.authorityId),
]);

/** An overdue step (R14): one row per case and step, closed when the step is done. */
export const overdueSteps = pgTable('overdue_steps', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** R9: a monthly report is owed by a target's implementer, not by a case. */
  targetId: text('target_id'),
  /** The case whose step is late, or (R1) the measure change whose review is late. */
  caseId: text('case_id').references(() => cases.id),
  changeId: text('change_id'),
  agencyId: text('agency_id'),
  step: text('step').notNull(),
  rule: text('rule').notNull(),
  dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
  detectedAt: timestamp('detected_at', { withTimezone: true }).notNull(),
  closedAt: timestamp('closed_at', { withTimezone: true }),
}, (t) => [
  uniqueIndex('overdue_steps_case_step_uq').on(t.caseId, t.step),
  uniqueIndex('overdue_steps_change_step_uq').on(t.changeId, t.step),
  uniqueIndex('overdue_steps_target_step_uq').on(t.targetId, t.step),
  // The overdue board and the "overdue only" search read the open records.
  index('overdue_steps_open_idx').on(t.dueAt).where(sql`${t.closedAt} is null`),
]);

/**
 * The journal of everything that happened to a target, in the words of DOMAIN.md.
 * `eventKey` is chosen by the writer (workflow id + event) so a retry is a no-op.
 */
export const journal = pgTable('journal', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  eventKey: text('event_key').notNull(),
  targetId: text('target_id').notNull(),
  caseId: text('case_id'),
  kind: text('kind').notNull(),
  rule: text('rule'),
  at: timestamp('at', { withTimezone: true }).notNull(),
  detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  /** The agency that acted (or, for an overdue step, the one responsible); null for the system. */
  agencyId: text('agency_id'),
  /** The workflow run and activity that wrote the line: its event in the Temporal UI. */
  runId: text('run_id'),
  activityId: text('activity_id'),
}, (t) => [
  uniqueIndex('journal_event_key_uq').on(t.eventKey),
  index('journal_target_idx').on(t.targetId, t.at),
]);

// ---------------------------------------------------------------------------------------------
// Agencies and their API keys (DOMAIN.md "Actors"). Keys are stored as SHA-256 hashes only.

export const ROLES = ['ENFORCEMENT', 'CREDIT', 'AUTHORITY', 'LEGAL', 'IMPLEMENTER', 'SUPERVISOR', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export const agencies = pgTable('agencies', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  level: text('level').notNull().default('city'),
  field: text('field'),
  roles: text('roles').array().$type<Role[]>().notNull(),
  /** For IMPLEMENTER: approval_agency, other_department, industry_association, market_entity. */
  implementerKind: text('implementer_kind'),
  notifyUrl: text('notify_url'),
  /** Standard Webhooks signing secret, `whsec_` + base64 of the HMAC key. */
  notifySecret: text('notify_secret'),
  /**
   * The secret was carried over from the pre-standard signature (its key bytes unchanged): the
   * outbox also sends the old X-JD-* headers until an ADMIN issues a new secret.
   */
  notifyLegacySignature: boolean('notify_legacy_signature').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const apiKeys = pgTable('api_keys', {
  id: text('id').primaryKey(),
  agencyId: text('agency_id').notNull().references(() => agencies.id),
  keyHash: text('key_hash').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
}, (t) => [uniqueIndex('api_keys_hash_uq').on(t.keyHash)]);

// ---------------------------------------------------------------------------------------------
// R16 The State Council holiday schedule, one year at a time, as data an administrator loads.

export const calendarYears = pgTable('calendar_years', {
  year: integer('year').primaryKey(),
  /** The notice the schedule comes from: { title, number?, publishedOn? }. */
  notice: jsonb('notice').$type<CalendarNotice>().notNull(),
  amendments: jsonb('amendments').$type<CalendarNotice[]>().notNull().default(sql`'[]'::jsonb`),
  loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull(),
  loadedBy: text('loaded_by').notNull(),
});

export const calendarDays = pgTable('calendar_days', {
  date: date('date').primaryKey(),
  year: integer('year').notNull(),
  kind: text('kind', { enum: ['holiday', 'makeup_workday'] }).notNull(),
  name: text('name').notNull(),
}, (t) => [index('calendar_days_year_idx').on(t.year)]);

/** Journal of every load of a year: who, when, how, and which days changed. */
export const calendarLoads = pgTable('calendar_loads', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  year: integer('year').notNull(),
  loadedAt: timestamp('loaded_at', { withTimezone: true }).notNull(),
  loadedBy: text('loaded_by').notNull(),
  via: text('via', { enum: ['seed', 'api', 'cli'] }).notNull(),
  notice: jsonb('notice').$type<CalendarNotice>().notNull(),
  changes: jsonb('changes').$type<CalendarChanges>().notNull(),
});

export interface CalendarNotice {
  title: string;
  number?: string | null;
  publishedOn?: string | null;
}

export interface CalendarChanges {
  added: { date: string; kind: string; name: string }[];
  removed: { date: string; kind: string; name: string }[];
  changed: { date: string; from: { kind: string; name: string }; to: { kind: string; name: string } }[];
}

/**
 * What happens when a fixed due day (R9: the 7th) is not a working day, per deadline kind:
 * 'next_working_day' (the default) or 'keep_date'. Data, so that it can change without a release.
 */
export const deadlineRules = pgTable('deadline_rules', {
  kind: text('kind').primaryKey(),
  nonWorkingDay: text('non_working_day', { enum: ['next_working_day', 'keep_date'] }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by').notNull(),
});

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

/** What an agency is told (reminders, escalations, retirement notices): its inbox over HTTP. */
export const notices = pgTable('notices', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  eventKey: text('event_key').notNull(),
  agencyId: text('agency_id').notNull().references(() => agencies.id),
  kind: text('kind').notNull(),
  rule: text('rule'),
  subject: text('subject').notNull(),
  detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  readAt: timestamp('read_at', { withTimezone: true }),
  /** Outbox: set when the agency's webhook answered 2xx (agencies without one read the inbox). */
  deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
  lastError: text('last_error'),
  /** Set when the attempts ran out: no more deliveries until an ADMIN retries it. */
  parkedAt: timestamp('parked_at', { withTimezone: true }),
  /** Attempts made before the last retry by an ADMIN: the budget and the backoff restart there. */
  attemptsBeforeRetry: integer('attempts_before_retry').notNull().default(0),
}, (t) => [
  uniqueIndex('notices_event_agency_uq').on(t.eventKey, t.agencyId),
  index('notices_agency_idx').on(t.agencyId, t.createdAt),
  index('notices_undelivered_idx').on(t.nextAttemptAt).where(sql`delivered_at is null and parked_at is null`),
  index('notices_parked_idx').on(t.parkedAt).where(sql`parked_at is not null`),
]);

/** An ADMIN sent a parked notice back to the outbox: who, when, after how many attempts. */
export const noticeRetries = pgTable('notice_retries', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  noticeId: bigint('notice_id', { mode: 'number' }).notNull().references(() => notices.id),
  /** The ADMIN agency whose key asked. */
  retriedBy: text('retried_by').notNull().references(() => agencies.id),
  /** The person, as the ADMIN named them (optional). */
  by: text('by'),
  at: timestamp('at', { withTimezone: true }).notNull(),
  attemptsBefore: integer('attempts_before').notNull(),
}, (t) => [index('notice_retries_notice_idx').on(t.noticeId)]);

/** Every webhook attempt, successful or not. */
export const noticeDeliveries = pgTable('notice_deliveries', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  noticeId: bigint('notice_id', { mode: 'number' }).notNull().references(() => notices.id),
  agencyId: text('agency_id').notNull(),
  url: text('url').notNull(),
  attempt: integer('attempt').notNull(),
  status: integer('status'),
  error: text('error'),
  at: timestamp('at', { withTimezone: true }).notNull(),
  durationMs: integer('duration_ms').notNull(),
}, (t) => [index('notice_deliveries_notice_idx').on(t.noticeId)]);

/** R3: rules as data that propose measures for a kind of external document and field. */
export const matchingRules = pgTable('matching_rules', {
  id: text('id').primaryKey(),
  documentKind: text('document_kind').notNull(),
  field: text('field'),
  targetKinds: text('target_kinds').array().$type<('enterprise' | 'person')[]>().notNull(),
  measureCodes: text('measure_codes').array().notNull(),
  note: text('note'),
});

/** R14: how many working days pass between reminders of a step still overdue, per step. */
export const escalationSettings = pgTable('escalation_settings', {
  step: text('step').primaryKey(),
  intervalWorkingDays: integer('interval_working_days').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by').notNull(),
});

/** R5: the implementers an AUTHORITY pushed a case to, with the measures each carries out. */
export const caseImplementers = pgTable('case_implementers', {
  caseId: text('case_id').notNull().references(() => cases.id),
  agencyId: text('agency_id').notNull().references(() => agencies.id),
  measures: jsonb('measures').$type<string[]>().notNull(),
  pushedAt: timestamp('pushed_at', { withTimezone: true }).notNull(),
  acknowledgeDueAt: timestamp('acknowledge_due_at', { withTimezone: true }).notNull(),
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
  releaseReason: text('release_reason', { enum: ['period_end', 'objection', 'repair'] }),
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
  /** When it was due (R9: the 7th of the next month, per the non-working-day rule): on time or late. */
  dueAt: timestamp('due_at', { withTimezone: true }),
}, (t) => [primaryKey({ columns: [t.targetId, t.implementerId, t.month] })]);

/** R11: an objection to a case's cause: measures suspended while it is verified. */
export const objections = pgTable('objections', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull().references(() => cases.id),
  filedBy: text('filed_by').notNull(),
  reason: text('reason').notNull(),
  filedAt: timestamp('filed_at', { withTimezone: true }).notNull(),
  verifyDueAt: timestamp('verify_due_at', { withTimezone: true }),
  outcome: text('outcome', { enum: ['rejected', 'upheld'] }),
  decidedBy: text('decided_by'),
  decisionReason: text('decision_reason'),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  releaseDueAt: timestamp('release_due_at', { withTimezone: true }),
  releasedAt: timestamp('released_at', { withTimezone: true }),
}, (t) => [index('objections_case_idx').on(t.caseId)]);

/** R12: a credit-repair application on a case, reviewed within 15 working days. */
export const repairs = pgTable('repairs', {
  id: text('id').primaryKey(),
  caseId: text('case_id').notNull().references(() => cases.id),
  filedBy: text('filed_by').notNull(),
  filedAt: timestamp('filed_at', { withTimezone: true }).notNull(),
  reviewDueAt: timestamp('review_due_at', { withTimezone: true }),
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
 * R13: the persons recorded against an enterprise's case (legal representative, principal,
 * directly responsible persons). Written by the API at intake, so identity numbers never enter
 * workflow histories; person-only measures of the case apply to them and follow the case.
 */
export const casePersons = pgTable('case_persons', {
  caseId: text('case_id').notNull(),
  personTargetId: text('person_target_id').notNull(),
  role: text('role', { enum: ['legal_representative', 'principal', 'responsible_person'] }).notNull(),
  name: text('name').notNull(),
  idNumber: text('id_number').notNull(),
}, (t) => [primaryKey({ columns: [t.caseId, t.personTargetId] }), index('case_persons_person_idx').on(t.personTargetId)]);
