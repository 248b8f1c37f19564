// Issue 17, bulk import: one row per import (its id the hash of the agency and the file, so the
// same file imported again is the same import), and one per accepted case row, filed into its
// target's workflow by the API's import runner (api/imports/runner.ts), which any API instance
// resumes from here after a restart: nothing accepted is lost.
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

export interface ImportRefusal {
  row: number;
  field: string | null;
  reason: string;
}

export const imports = pgTable('imports', {
  id: text('id').primaryKey(),
  /** The importing agency (ADMIN or CREDIT): it and the supervisors read the import. */
  agencyId: text('agency_id').notNull(),
  format: text('format', { enum: ['csv', 'xlsx', 'jsonl'] }).notNull(),
  fileName: text('file_name'),
  /** running: accepted rows still being filed; done: every accepted row filed (or refused when filed). */
  status: text('status', { enum: ['running', 'done'] }).notNull(),
  total: integer('total').notNull(),
  accepted: integer('accepted').notNull(),
  refused: integer('refused').notNull(),
  done: integer('done').notNull().default(0),
  refusedRows: jsonb('refused_rows').$type<ImportRefusal[]>().notNull().default(sql`'[]'::jsonb`),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  /** The API instance filing its rows holds it until then, renewing it as it goes. */
  leaseUntil: timestamp('lease_until', { withTimezone: true }),
  leaseHolder: text('lease_holder'),
}, (t) => [index('imports_status_idx').on(t.status)]);

export const importRows = pgTable('import_rows', {
  importId: text('import_id').notNull().references(() => imports.id),
  /** The row number in the file. */
  row: integer('row').notNull(),
  /** The case as intake checked it (api/imports/check.ts AcceptedRow). */
  payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  state: text('state', { enum: ['pending', 'filed', 'refused'] }).notNull().default('pending'),
  caseId: text('case_id'),
  targetId: text('target_id'),
}, (t) => [primaryKey({ columns: [t.importId, t.row] }), index('import_rows_pending_idx').on(t.importId, t.state, t.row)]);
