// Every step of the loop an agency owes (domain/steps.ts), open or done: the projection of the
// workflows' open steps, written by their activities, that the overdue board and the monthly
// statistics read (R14). One row per step; its deadline moves when a holiday year is loaded (R16).
import { sql } from 'drizzle-orm';
import {
  boolean, index, integer, pgTable, text, timestamp,
} from 'drizzle-orm/pg-core';

export const steps = pgTable('steps', {
  /** `${targetId}/${key}` for a target's step (domain/steps.ts stepKey), `change/${changeId}` for an R1 review. */
  id: text('id').primaryKey(),
  kind: text('kind').notNull(),
  rule: text('rule').notNull(),
  targetId: text('target_id'),
  caseId: text('case_id'),
  /** R1: the list change under review. */
  changeId: text('change_id'),
  /** The agency responsible (null: a role's, e.g. the R1 reviewers). */
  agencyId: text('agency_id'),
  /** R9: the month reported on. */
  month: text('month'),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
  /** The end (24:00 Asia/Shanghai) of the last day it may be done on. */
  dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
  provisional: boolean('provisional').notNull().default(false),
  doneAt: timestamp('done_at', { withTimezone: true }),
  doneBy: text('done_by'),
  /** done: completed by the action the registry names; superseded: no longer owed (e.g. the case was released). */
  outcome: text('outcome', { enum: ['done', 'superseded'] }),
  /** R14: when the overdue record was made, and the reminders sent since. */
  overdueAt: timestamp('overdue_at', { withTimezone: true }),
  reminders: integer('reminders').notNull().default(0),
  lastRemindedAt: timestamp('last_reminded_at', { withTimezone: true }),
}, (t) => [
  // The overdue board and "overdue only" search read the open overdue steps.
  index('steps_open_overdue_idx').on(t.dueAt).where(sql`${t.doneAt} is null and ${t.overdueAt} is not null`),
  index('steps_target_idx').on(t.targetId),
  index('steps_case_idx').on(t.caseId),
  index('steps_agency_due_idx').on(t.agencyId, t.dueAt),
  // Statistics count steps by the month they fall due.
  index('steps_due_idx').on(t.dueAt),
]);
