// The audit trail of privileged and personal actions (append-only, like the journal): who did
// what, when, with which key, from where. Read by supervisors (GET /audit).
import { sql } from 'drizzle-orm';
import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { agencies } from './agencies';

export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  /** What happened: agency.registered, key.issued, target.read, stats.exported … (db/audit.ts AUDIT_ACTIONS). */
  action: text('action').notNull(),
  /** The agency of the key that acted; null when no key was involved (the bootstrap, a failed key). */
  actorAgencyId: text('actor_agency_id'),
  /** The key that acted (its id, never the key). */
  actorKeyId: text('actor_key_id'),
  /** The client address the API saw. */
  clientIp: text('client_ip'),
  /** The target read or acted on, when there is one. */
  targetId: text('target_id'),
  /** The agency acted on (registered, given a key, changed). */
  subjectAgencyId: text('subject_agency_id'),
  detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  requestId: text('request_id'),
}, (t) => [
  index('audit_log_at_idx').on(t.at),
  index('audit_log_action_idx').on(t.action, t.at),
  index('audit_log_actor_idx').on(t.actorAgencyId, t.at),
  index('audit_log_target_idx').on(t.targetId, t.at),
  index('audit_log_subject_idx').on(t.subjectAgencyId, t.at),
]);

/**
 * A key for an existing agency is issued only when a second ADMIN agency approves the request of
 * the first (two-person rule): no single ADMIN mints a key for another agency and acts as it.
 */
export const keyRequests = pgTable('key_requests', {
  id: text('id').primaryKey(),
  agencyId: text('agency_id').notNull().references(() => agencies.id),
  reason: text('reason').notNull(),
  requestedBy: text('requested_by').notNull().references(() => agencies.id),
  requestedByKey: text('requested_by_key').notNull(),
  requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
  /** pending, approved or refused. */
  status: text('status').notNull().default('pending'),
  decidedBy: text('decided_by').references(() => agencies.id),
  decidedByKey: text('decided_by_key'),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  decisionReason: text('decision_reason'),
  /** The key issued on approval (its id; the key itself was shown once, to the approver). */
  keyId: text('key_id'),
}, (t) => [index('key_requests_status_idx').on(t.status, t.requestedAt)]);
