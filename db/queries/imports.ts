// Issue 17, bulk import: the imports and their accepted rows (db/tables/imports.ts), as the
// import routes and the runner that files the rows read and write them.
import { and, asc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { caseNumbers, importRows, imports, type ImportRefusal } from '../schema';

export type ImportRow = typeof imports.$inferSelect;

export async function findImport(db: Db, id: string): Promise<ImportRow | null> {
  const [row] = await db.select().from(imports).where(eq(imports.id, id));
  return row ?? null;
}

/** Writes a new import with its accepted rows; false when the same import was written first (the same file again). */
export async function createImport(db: Db, row: typeof imports.$inferInsert, accepted: { row: number; payload: Record<string, unknown> }[]): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [made] = await tx.insert(imports).values(row).onConflictDoNothing().returning({ id: imports.id });
    if (!made) return false;
    for (let i = 0; i < accepted.length; i += 500) {
      await tx.insert(importRows).values(accepted.slice(i, i + 500).map((r) => ({ importId: row.id, ...r })));
    }
    return true;
  });
}

/** R2/R3: who already holds these document numbers (normalized), and against which target. */
export async function numberHolders(db: Db, numbers: string[]): Promise<Map<string, { filedBy: string; targetId: string }>> {
  const held = new Map<string, { filedBy: string; targetId: string }>();
  for (let i = 0; i < numbers.length; i += 1000) {
    const rows = await db.select({ number: caseNumbers.number, filedBy: caseNumbers.filedBy, targetId: caseNumbers.targetId })
      .from(caseNumbers).where(inArray(caseNumbers.number, numbers.slice(i, i + 1000)));
    for (const r of rows) held.set(r.number, { filedBy: r.filedBy, targetId: r.targetId });
  }
  return held;
}

/** Takes (or renews) the right to file an import's rows until `until`; false while another instance holds it. */
export async function leaseImport(db: Db, id: string, holder: string, now: Date, until: Date): Promise<boolean> {
  const taken = await db.update(imports).set({ leaseHolder: holder, leaseUntil: until })
    .where(and(eq(imports.id, id), eq(imports.status, 'running'),
      or(isNull(imports.leaseUntil), lt(imports.leaseUntil, now), eq(imports.leaseHolder, holder))))
    .returning({ id: imports.id });
  return taken.length > 0;
}

export async function releaseLease(db: Db, id: string, holder: string): Promise<void> {
  await db.update(imports).set({ leaseHolder: null, leaseUntil: null }).where(and(eq(imports.id, id), eq(imports.leaseHolder, holder)));
}

/** Imports with rows still to file that no instance holds (a restart, or an instance that died). */
export async function orphanedImports(db: Db, now: Date): Promise<string[]> {
  const rows = await db.select({ id: imports.id }).from(imports)
    .where(and(eq(imports.status, 'running'), or(isNull(imports.leaseUntil), lt(imports.leaseUntil, now))));
  return rows.map((r) => r.id);
}

/** The import's next pending rows in the file's order, after row `after` (rows count from 1). */
export async function pendingRows(db: Db, id: string, limit: number, after = 0): Promise<{ row: number; payload: Record<string, unknown> }[]> {
  return db.select({ row: importRows.row, payload: importRows.payload }).from(importRows)
    .where(and(eq(importRows.importId, id), eq(importRows.state, 'pending'), gt(importRows.row, after))).orderBy(asc(importRows.row)).limit(limit);
}

export async function rowFiled(db: Db, id: string, row: number, caseId: string, targetId: string): Promise<void> {
  await db.update(importRows).set({ state: 'filed', caseId, targetId }).where(and(eq(importRows.importId, id), eq(importRows.row, row)));
}

/** A row refused only when filed (a document number another agency claimed meanwhile): it joins the refused rows. */
export async function rowRefused(db: Db, id: string, refusal: ImportRefusal, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const changed = await tx.update(importRows).set({ state: 'refused' })
      .where(and(eq(importRows.importId, id), eq(importRows.row, refusal.row), eq(importRows.state, 'pending'))).returning();
    if (changed.length === 0) return;
    await tx.update(imports).set({
      accepted: sql`${imports.accepted} - 1`, refused: sql`${imports.refused} + 1`, updatedAt: now,
      refusedRows: sql`(select coalesce(jsonb_agg(r order by (r->>'row')::int), '[]'::jsonb) from jsonb_array_elements(${imports.refusedRows} || ${JSON.stringify([refusal])}::jsonb) r)`,
    }).where(eq(imports.id, id));
  });
}

/**
 * Counts the rows filed; with none pending the import is done. Both counts in one statement, so
 * from one snapshot: rows are filed while this runs (api/imports/pages.ts), and a row filed between
 * two statements would be neither counted nor pending, and the import done short of it.
 */
export async function settleCounts(db: Db, id: string, now: Date): Promise<ImportRow | null> {
  const [c] = await db.select({
    filed: sql<number>`(count(*) filter (where ${importRows.state} = 'filed'))::int`,
    pending: sql<number>`(count(*) filter (where ${importRows.state} = 'pending'))::int`,
  }).from(importRows).where(eq(importRows.importId, id));
  const over = c.pending === 0 ? { status: 'done' as const, finishedAt: now, leaseHolder: null, leaseUntil: null } : {};
  const [row] = await db.update(imports).set({ done: c.filed, updatedAt: now, ...over })
    .where(and(eq(imports.id, id), eq(imports.status, 'running'))).returning();
  return row ?? await findImport(db, id);
}
