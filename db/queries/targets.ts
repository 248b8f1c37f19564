// A target as supervisors and agencies read it: its identity, its cases with what was done on
// them, and its steps (the PostgreSQL projection; the workflow's live state is added by the route).
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client';
import type { CaseStanding } from '../../domain/regions';
import { caseImplementers, caseMeasures, casePersons, cases, steps, targets } from '../schema';

export async function targetWithCases(db: Db, targetId: string) {
  const [target] = await db.select().from(targets).where(eq(targets.id, targetId));
  if (!target) return null;
  const caseRows = await db.select().from(cases).where(eq(cases.targetId, target.id)).orderBy(asc(cases.createdAt));
  return { target, caseRows };
}

/**
 * Who stands to each case and where (domain/regions.ts CaseStanding): its filer, its AUTHORITY,
 * the implementers it was pushed to, the agencies a step of it is addressed to (R4 the level
 * above, R2/R3 a consultation, R11 a complaint), and the regions of the filer and the AUTHORITY.
 */
export async function caseStandings(db: Db, caseIds: string[]): Promise<Map<string, CaseStanding>> {
  if (caseIds.length === 0) return new Map();
  const rows = await db.execute<{
    id: string; pushed_by: string | null; authority_id: string | null; implementers: string[] | null; step_agencies: string[] | null;
    originator_region: string | null; authority_region: string | null;
  }>(sql`
    select c.id, c.pushed_by, c.authority_id,
           (select array_agg(ci.agency_id) from case_implementers ci where ci.case_id = c.id) as implementers,
           (select array_agg(distinct st.agency_id) from steps st where st.case_id = c.id) as step_agencies,
           (select a.region from agencies a where a.id = c.pushed_by) as originator_region,
           (select a.region from agencies a where a.id = c.authority_id) as authority_region
    from cases c where c.id in (${sql.join(caseIds.map((id) => sql`${id}`), sql`, `)})`);
  return new Map(rows.map((r) => [r.id, {
    originatorId: r.pushed_by, authorityId: r.authority_id, implementerIds: r.implementers ?? [], stepAgencyIds: r.step_agencies ?? [],
    regions: [r.originator_region, r.authority_region],
  }]));
}

/** What was done on each case: its implementers, its measures as carried out, its persons (R13). */
export async function caseDetails(db: Db, caseIds: string[]) {
  if (caseIds.length === 0) return { pushed: [], measures: [], persons: [], derived: [] };
  const [pushed, measures, persons, derived] = await Promise.all([
    db.select().from(caseImplementers).where(inArray(caseImplementers.caseId, caseIds)),
    db.select().from(caseMeasures).where(inArray(caseMeasures.caseId, caseIds)),
    db.select().from(casePersons).where(inArray(casePersons.caseId, caseIds)),
    // R13: the persons' cases derived from these (same filer and AUTHORITY, so in the same scope).
    db.select({ id: cases.id, targetId: cases.targetId, derivedFrom: cases.derivedFrom, status: cases.status }).from(cases).where(inArray(cases.derivedFrom, caseIds)),
  ]);
  return { pushed, measures, persons, derived };
}

/** R13: the target of each enterprise case a person's case was taken from, by case id. */
export async function caseSources(db: Db, caseIds: string[]): Promise<Map<string, string>> {
  if (caseIds.length === 0) return new Map();
  const rows = await db.select({ id: cases.id, targetId: cases.targetId }).from(cases).where(inArray(cases.id, caseIds));
  return new Map(rows.map((r) => [r.id, r.targetId]));
}

/** The target's steps still open, as PostgreSQL holds them (read unless the workflow's live state is asked for and answers). */
export async function openStepRows(db: Db, targetId: string) {
  return db.select().from(steps).where(and(eq(steps.targetId, targetId), isNull(steps.doneAt))).orderBy(asc(steps.dueAt));
}
