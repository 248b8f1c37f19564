// Agencies and their API keys (DOMAIN.md "Actors"), and what they are told.
import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';
import { ROLES, type Role } from '../../domain/roles';

// ---------------------------------------------------------------------------------------------
// Agencies and their API keys (DOMAIN.md "Actors"). Keys are stored as SHA-256 hashes only.

export { ROLES, type Role };

export const agencies = pgTable('agencies', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** R4: 区县 district, 市 city, 省 province or 国家 national, and the AUTHORITY at the level above. */
  level: text('level').notNull().default('city'),
  parentId: text('parent_id'),
  field: text('field'),
  roles: text('roles').array().$type<Role[]>().notNull(),
  /** For IMPLEMENTER: approval_agency, other_department, industry_association, market_entity. */
  implementerKind: text('implementer_kind'),
  /**
   * 行政区划代码 (GB/T 2260): 330000 a province, 330100 a city, 330106 a district. ENFORCEMENT,
   * CREDIT, LEGAL and SUPERVISOR read the cases of this region and the regions below it
   * (domain/regions.ts); null: only the cases the agency stands to itself.
   */
  region: text('region'),
  /** Reads every region: granted explicitly by an ADMIN, never implied by a region code. */
  nationalScope: boolean('national_scope').notNull().default(false),
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
