// R1 What the list-change routes read and write: the proposed changes to the two lists. Their
// review (status, both decisions) is the workflow's to write (activities/measures.ts).
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../client';
import { measureChanges } from '../schema';

export type MeasureChange = typeof measureChanges.$inferSelect;
export type MeasureChangeStatus = MeasureChange['status'];

/** R1: the change of this measure still under review, if any; a measure has one open change at a time. */
export async function openChangeOf(db: Db, code: string): Promise<{ id: string } | null> {
  const [row] = await db.select({ id: measureChanges.id }).from(measureChanges)
    .where(and(eq(measureChanges.code, code), eq(measureChanges.status, 'under_review')));
  return row ?? null;
}

/** R1: writes a proposed change as under review, before its review workflow starts. */
export async function recordProposedChange(db: Db, change: Omit<typeof measureChanges.$inferInsert, 'status'>): Promise<void> {
  await db.insert(measureChanges).values({ ...change, status: 'under_review' });
}

/** R1: the latest 200 proposed changes, newest first, of one status or measure when asked. */
export async function measureChangesWhere(db: Db, filter: { status?: MeasureChangeStatus; code?: string }): Promise<MeasureChange[]> {
  return db.select().from(measureChanges)
    .where(and(filter.status ? eq(measureChanges.status, filter.status) : undefined, filter.code ? eq(measureChanges.code, filter.code) : undefined))
    .orderBy(desc(measureChanges.createdAt)).limit(200);
}

/** R1: one proposed change with both decisions, or null. */
export async function measureChangeById(db: Db, changeId: string): Promise<MeasureChange | null> {
  const [row] = await db.select().from(measureChanges).where(eq(measureChanges.id, changeId));
  return row ?? null;
}
