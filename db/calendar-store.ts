// R16 The holiday schedule in PostgreSQL: read it, load or correct a year (journaled), and seed
// the years shipped in db/calendar/ that the database does not have yet. A seed never
// overwrites a year already present, so an administrator's correction survives restarts.
import { readdirSync, readFileSync } from 'node:fs';
import { asc, eq, sql } from 'drizzle-orm';
import { validateYearFile, type YearFile } from '../domain/calendar-file';
import type { NonWorkingDayRule } from '../domain/periods';
import { calendarOf, type WorkingCalendar, type YearSchedule } from '../domain/working-days';
import type { Db, DbOrTx } from './client';
import { calendarDays, calendarLoads, calendarYears, deadlineRules, escalationSettings, stepDeadlines, type CalendarChanges } from './schema';

const shippedDir = new URL('./calendar/', import.meta.url);

export function shippedYearFiles(): YearFile[] {
  return readdirSync(shippedDir)
    .filter((f) => /^\d{4}\.json$/.test(f))
    .sort()
    .map((f) => validateYearFile(JSON.parse(readFileSync(new URL(f, shippedDir), 'utf8')) as YearFile));
}

/** Every loaded year. Years without a row are counted Monday–Friday (provisional). */
export async function readCalendar(db: DbOrTx): Promise<WorkingCalendar> {
  const [years, days] = await Promise.all([
    db.select({ year: calendarYears.year }).from(calendarYears),
    db.select().from(calendarDays).orderBy(asc(calendarDays.date)),
  ]);
  const byYear = new Map<number, YearSchedule>(years.map(({ year }) => [year, {
    year, holidays: new Map<string, string>(), makeupWorkdays: new Set<string>(),
  }]));
  for (const day of days) {
    const schedule = byYear.get(day.year);
    if (!schedule) continue;
    if (day.kind === 'holiday') (schedule.holidays as Map<string, string>).set(day.date, day.name);
    else (schedule.makeupWorkdays as Set<string>).add(day.date);
  }
  return calendarOf(byYear.values());
}

export async function loadedYears(db: Db): Promise<number[]> {
  const rows = await db.select({ year: calendarYears.year }).from(calendarYears).orderBy(asc(calendarYears.year));
  return rows.map((r) => r.year);
}

export interface LoadResult {
  year: number;
  created: boolean;
  changes: CalendarChanges;
}

/** Loads (or replaces) one year in one transaction and journals who, when and what changed. */
export async function loadYear(db: Db, file: YearFile, by: { actor: string; via: 'seed' | 'api' | 'cli'; at?: Date }): Promise<LoadResult> {
  const valid = validateYearFile(file);
  const at = by.at ?? new Date();
  return db.transaction(async (tx) => {
    // Serialise loads of the same year.
    await tx.execute(sql`select pg_advisory_xact_lock(${16_000_000 + valid.year})`);
    const [existing] = await tx.select().from(calendarYears).where(eq(calendarYears.year, valid.year));
    const before = await tx.select().from(calendarDays).where(eq(calendarDays.year, valid.year));
    const after = daysOf(valid);
    const changes = diffDays(before, after);
    await tx.delete(calendarDays).where(eq(calendarDays.year, valid.year));
    if (after.length > 0) await tx.insert(calendarDays).values(after);
    const row = { notice: valid.notice, amendments: valid.amendments ?? [], loadedAt: at, loadedBy: by.actor };
    await tx.insert(calendarYears).values({ year: valid.year, ...row })
      .onConflictDoUpdate({ target: calendarYears.year, set: row });
    await tx.insert(calendarLoads).values({
      year: valid.year, loadedAt: at, loadedBy: by.actor, via: by.via, notice: valid.notice, changes,
    });
    return { year: valid.year, created: !existing, changes };
  });
}

/** What loading this year would change, written nowhere: the ADMIN sees it before loading (R16). */
export async function previewYear(db: Db, file: YearFile): Promise<LoadResult> {
  const valid = validateYearFile(file);
  const [existing] = await db.select().from(calendarYears).where(eq(calendarYears.year, valid.year));
  const before = await db.select().from(calendarDays).where(eq(calendarDays.year, valid.year));
  return { year: valid.year, created: !existing, changes: diffDays(before, daysOf(valid)) };
}

/** Every loaded year with the notice it comes from and when it was loaded. */
export async function loadedYearRows(db: Db) {
  return db.select({ year: calendarYears.year, notice: calendarYears.notice, loadedAt: calendarYears.loadedAt })
    .from(calendarYears).orderBy(asc(calendarYears.year));
}

function daysOf(valid: YearFile) {
  return [
    ...valid.holidays.map((d) => ({ date: d.date, year: valid.year, kind: 'holiday' as const, name: d.name })),
    ...valid.makeupWorkdays.map((d) => ({ date: d.date, year: valid.year, kind: 'makeup_workday' as const, name: d.name })),
  ];
}

/** Loads every shipped year the database does not have yet. */
export async function seedCalendar(db: Db): Promise<number[]> {
  const present = new Set(await loadedYears(db));
  const seeded: number[] = [];
  for (const file of shippedYearFiles()) {
    if (present.has(file.year)) continue;
    await loadYear(db, file, { actor: 'system (db/calendar seed)', via: 'seed' });
    seeded.push(file.year);
  }
  return seeded;
}

type Day = { date: string; kind: string; name: string };

function diffDays(before: Day[], after: Day[]): CalendarChanges {
  const old = new Map(before.map((d) => [d.date, d]));
  const now = new Map(after.map((d) => [d.date, d]));
  const pick = (d: Day) => ({ date: d.date, kind: d.kind, name: d.name });
  return {
    added: after.filter((d) => !old.has(d.date)).map(pick),
    removed: before.filter((d) => !now.has(d.date)).map(pick),
    changed: after.filter((d) => {
      const o = old.get(d.date);
      return o && (o.kind !== d.kind || o.name !== d.name);
    }).map((d) => ({ date: d.date, from: { kind: old.get(d.date)!.kind, name: old.get(d.date)!.name }, to: { kind: d.kind, name: d.name } })),
  };
}

/** Deadline kinds with a fixed due day, and their default when that day is not worked. */
export const FIXED_DAY_DEADLINES: Record<string, { rule: string; nonWorkingDay: NonWorkingDayRule }> = {
  monthly_feedback: { rule: 'R9', nonWorkingDay: 'next_working_day' },
};

export async function deadlineRule(db: DbOrTx, kind: string): Promise<NonWorkingDayRule> {
  return (await fixedDayRule(db, kind)).nonWorkingDay;
}

/** R9: the day of the month a fixed-day deadline falls on and what happens when it is not worked. */
export async function fixedDayRule(db: DbOrTx, kind: string): Promise<{ nonWorkingDay: NonWorkingDayRule; day: number }> {
  const [row] = await db.select().from(deadlineRules).where(eq(deadlineRules.kind, kind));
  return { nonWorkingDay: row?.nonWorkingDay ?? FIXED_DAY_DEADLINES[kind].nonWorkingDay, day: row?.dueDay ?? 7 };
}

/** The working days an ADMIN set for a step whose deadline the seeds do not fix, or null for the registry's. */
export async function stepDeadlineSetting(db: DbOrTx, kind: string): Promise<number | null> {
  const [row] = await db.select().from(stepDeadlines).where(eq(stepDeadlines.kind, kind));
  return row?.workingDays ?? null;
}

export async function setStepDeadline(db: Db, kind: string, workingDays: number, actor: string, at = new Date()): Promise<void> {
  await db.insert(stepDeadlines).values({ kind, workingDays, updatedBy: actor, updatedAt: at })
    .onConflictDoUpdate({ target: stepDeadlines.kind, set: { workingDays, updatedBy: actor, updatedAt: at } });
}

export async function setDeadlineRule(db: Db, kind: string, nonWorkingDay: NonWorkingDayRule, actor: string, at = new Date(), dueDay?: number): Promise<void> {
  const set = { nonWorkingDay, updatedBy: actor, updatedAt: at, ...(dueDay ? { dueDay } : {}) };
  await db.insert(deadlineRules).values({ kind, ...set }).onConflictDoUpdate({ target: deadlineRules.kind, set });
}

/** R14: default working days between reminders of an overdue step. */
export const DEFAULT_ESCALATION_INTERVAL = 2;

export async function escalationInterval(db: DbOrTx, step: string): Promise<number> {
  const [row] = await db.select().from(escalationSettings).where(eq(escalationSettings.step, step));
  return row?.intervalWorkingDays ?? DEFAULT_ESCALATION_INTERVAL;
}

export async function setEscalationInterval(db: Db, step: string, intervalWorkingDays: number, actor: string, at = new Date()): Promise<void> {
  await db.insert(escalationSettings).values({ step, intervalWorkingDays, updatedBy: actor, updatedAt: at })
    .onConflictDoUpdate({ target: escalationSettings.step, set: { intervalWorkingDays, updatedBy: actor, updatedAt: at } });
}
