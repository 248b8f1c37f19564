// R16 The State Council holiday schedule as data, and the settings of deadlines and reminders.
import { sql } from 'drizzle-orm';
import {
  bigserial, date, index, integer, jsonb, pgTable, text, timestamp,
} from 'drizzle-orm/pg-core';

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
  /** R9: the day of the month the report is due (the 7th under 000; other regimes use the 3rd or the 10th). */
  dueDay: integer('due_day').notNull().default(7),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by').notNull(),
});

/** The working days of a step whose deadline the seeds do not fix (domain/steps.ts `configurable`), per kind. */
export const stepDeadlines = pgTable('step_deadlines', {
  kind: text('kind').primaryKey(),
  workingDays: integer('working_days').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by').notNull(),
});

/** R14: how many working days pass between reminders of a step still overdue, per step. */
export const escalationSettings = pgTable('escalation_settings', {
  step: text('step').primaryKey(),
  intervalWorkingDays: integer('interval_working_days').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: text('updated_by').notNull(),
});
