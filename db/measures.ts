// R1 The two lists in PostgreSQL: seeded from db/measures/catalog.json, read as of a date (the
// version in effect then), changed only through a reviewed change (workflows/measure-review.ts).
// R3 The matching rules that propose measures for an external document, seeded beside them.
import { readFileSync } from 'node:fs';
import { and, asc, desc, eq, lte, or, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from './client';
import { matchingRules, measureVersions, type LegalBasis, type MeasureList, type PeriodRule } from './schema';

export type MeasureVersion = typeof measureVersions.$inferSelect;

export interface CatalogEntry {
  code: string;
  list: MeasureList;
  category: 'R6' | 'R7' | 'R8';
  nameZh: string;
  nameEn: string;
  legalBasis: LegalBasis | null;
  source: { seed: string; where: string } | null;
  targetKinds: ('enterprise' | 'person')[];
  period: PeriodRule;
  legalMinimum: { years: number } | { months: number } | null;
  implementerKind: string;
  mandatory: boolean;
  feedbackSet: boolean;
  outsideLocalAuthority: boolean;
  /** R8: the platforms it is published on while in force (domain/publicity.ts CHANNELS). */
  publicityChannels?: string[];
}

export const CATALOG_FIELDS = [
  'list', 'category', 'nameZh', 'nameEn', 'legalBasis', 'source', 'targetKinds', 'period', 'legalMinimum',
  'implementerKind', 'mandatory', 'feedbackSet', 'outsideLocalAuthority', 'publicityChannels',
] as const;

export function shippedCatalog(): CatalogEntry[] {
  return JSON.parse(readFileSync(new URL('./measures/catalog.json', import.meta.url), 'utf8')) as CatalogEntry[];
}

/** Version 1 of every shipped measure the database does not know yet, in effect from `from`. */
export async function seedMeasures(db: Db, from: string): Promise<number> {
  const known = new Set((await db.selectDistinct({ code: measureVersions.code }).from(measureVersions)).map((r) => r.code));
  const fresh = shippedCatalog().filter((m) => !known.has(m.code));
  if (fresh.length > 0) {
    await db.insert(measureVersions).values(fresh.map((m) => ({
      ...pick(m), code: m.code, version: 1, status: 'active' as const, effectiveFrom: from, changeId: null,
    }))).onConflictDoNothing();
  }
  const rules = JSON.parse(readFileSync(new URL('./measures/matching-rules.json', import.meta.url), 'utf8')) as
    (typeof matchingRules.$inferInsert)[];
  if (rules.length > 0) await db.insert(matchingRules).values(rules).onConflictDoNothing();
  return fresh.length;
}

export function pick(m: Partial<CatalogEntry>) {
  return Object.fromEntries(CATALOG_FIELDS.map((f) => [f, m[f]])) as Omit<CatalogEntry, 'code'>;
}

/** The version of each measure in effect on `onDate` (retired ones included; check status). */
export async function measuresInEffect(db: DbOrTx, onDate: string): Promise<MeasureVersion[]> {
  return db.selectDistinctOn([measureVersions.code]).from(measureVersions)
    .where(lte(measureVersions.effectiveFrom, onDate))
    .orderBy(asc(measureVersions.code), desc(measureVersions.version));
}

export async function measureInEffect(db: DbOrTx, code: string, onDate: string): Promise<MeasureVersion | null> {
  const [row] = await db.select().from(measureVersions)
    .where(and(eq(measureVersions.code, code), lte(measureVersions.effectiveFrom, onDate)))
    .orderBy(desc(measureVersions.version)).limit(1);
  return row ?? null;
}

export async function versionsOf(db: DbOrTx, code: string): Promise<MeasureVersion[]> {
  return db.select().from(measureVersions).where(eq(measureVersions.code, code)).orderBy(asc(measureVersions.version));
}

export async function nextVersion(db: DbOrTx, code: string): Promise<number> {
  const [row] = await db.select({ max: sql<number>`coalesce(max(${measureVersions.version}), 0)` })
    .from(measureVersions).where(eq(measureVersions.code, code));
  return Number(row.max) + 1;
}

export type MatchingRule = typeof matchingRules.$inferSelect;

/**
 * R3: the matching rules for a kind of external document, by id: those of its field and those
 * for any field (field null); without a field, only the latter.
 */
export async function matchingRulesFor(db: DbOrTx, documentKind: string, field?: string): Promise<MatchingRule[]> {
  const anyField = sql`${matchingRules.field} is null`;
  return db.select().from(matchingRules)
    .where(and(eq(matchingRules.documentKind, documentKind), field ? or(eq(matchingRules.field, field), anyField) : anyField))
    .orderBy(asc(matchingRules.id));
}

/** R3: every kind of external document some matching rule knows. */
export async function documentKindsWithRules(db: DbOrTx): Promise<string[]> {
  return (await db.selectDistinct({ k: matchingRules.documentKind }).from(matchingRules)).map((r) => r.k);
}
