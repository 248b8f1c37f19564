// A target as supervisors and agencies read it: its identity, its cases with what was done on
// them, and its steps (the PostgreSQL projection; the workflow's live state is added by the route).
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { caseImplementers, caseMeasures, casePersons, cases, steps, targets } from '../schema';

export async function targetWithCases(db: Db, targetId: string) {
  const [target] = await db.select().from(targets).where(eq(targets.id, targetId));
  if (!target) return null;
  const caseRows = await db.select().from(cases).where(eq(cases.targetId, target.id)).orderBy(asc(cases.createdAt));
  return { target, caseRows };
}

/**
 * Whether an agency outside the overseeing roles may read the target: a case of it is addressed to
 * this AUTHORITY, was filed by this agency, was pushed to this implementer (R5), or a step of it
 * was addressed to this agency (R4 an upper level, R2/R3 a consultation, R11 a complaint).
 */
export async function agencyStandsToTarget(db: Db, targetId: string, agencyId: string): Promise<boolean> {
  const [row] = await db.execute<{ stands: boolean }>(sql`
    select exists (select 1 from cases c where c.target_id = ${targetId} and (c.authority_id = ${agencyId} or c.pushed_by = ${agencyId}))
        or exists (select 1 from case_implementers ci join cases c on c.id = ci.case_id where c.target_id = ${targetId} and ci.agency_id = ${agencyId})
        or exists (select 1 from steps s where s.target_id = ${targetId} and s.agency_id = ${agencyId})
        as stands`);
  return Boolean(row?.stands);
}

/** What was done on each case: its implementers, its measures as carried out, its persons (R13). */
export async function caseDetails(db: Db, caseIds: string[]) {
  if (caseIds.length === 0) return { pushed: [], measures: [], persons: [] };
  const [pushed, measures, persons] = await Promise.all([
    db.select().from(caseImplementers).where(inArray(caseImplementers.caseId, caseIds)),
    db.select().from(caseMeasures).where(inArray(caseMeasures.caseId, caseIds)),
    db.select().from(casePersons).where(inArray(casePersons.caseId, caseIds)),
  ]);
  return { pushed, measures, persons };
}

/** The target's steps still open, as PostgreSQL holds them (used when the engine does not answer). */
export async function openStepRows(db: Db, targetId: string) {
  return db.select().from(steps).where(and(eq(steps.targetId, targetId), isNull(steps.doneAt))).orderBy(asc(steps.dueAt));
}
