// R9 The structured monthly report: one per implementer and month, covering all its targets,
// with what was carried out per category (000 §二(五)), the enhanced supervision and typical cases.
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { ReportCounts } from '../../domain/report-categories';
import { agencies } from './agencies';

export type { ReportCounts };

export const monthlyReports = pgTable('monthly_reports', {
  implementerId: text('implementer_id').notNull().references(() => agencies.id),
  /** The month reported on, YYYY-MM. */
  month: text('month').notNull(),
  counts: jsonb('counts').$type<ReportCounts>().notNull(),
  /** 强化监管情况 and 典型案例, in the implementer's words. */
  enhancedSupervision: text('enhanced_supervision').notNull(),
  typicalCases: text('typical_cases').notNull(),
  reportedAt: timestamp('reported_at', { withTimezone: true }).notNull(),
  filedBy: text('filed_by').notNull(),
  /** A digest of the report, so that the same report sent again is told from a different one. */
  fingerprint: text('fingerprint').notNull(),
  /** The targets the report reached (the fan-out is a workflow: reports/<implementer>/<month>). */
  delivered: integer('delivered'),
  deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  /** The targets that owed this report when it was made (their steps are closed by the fan-out). */
  targetsCount: integer('targets_count').notNull(),
}, (t) => [primaryKey({ columns: [t.implementerId, t.month] }), index('monthly_reports_month_idx').on(t.month)]);
