// The journal of everything that happened to a target (append-only).
import { sql } from 'drizzle-orm';
import {
  bigserial, index, jsonb, pgTable, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';

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
