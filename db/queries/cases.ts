// What the case routes read and write in PostgreSQL: who stands how to a case (scope, never
// state: the workflow judges state), the owner of a document number, the target's identity.
import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { caseNumbers, casePersons, targets } from '../schema';

export interface CaseScope {
  caseId: string;
  targetId: string;
  workflowId: string;
  /** The filing agency (R2, R3). */
  originatorId: string | null;
  authorityId: string | null;
  /** The implementers the case was pushed to (R5). */
  implementerIds: string[];
  /**
   * The agencies a step of the case is or was addressed to (R4 levels, R2/R3 consultations, R11
   * complaints, R8 platforms): done ones too, so that a retried action finds its first answer;
   * the workflow judges whether the step is still theirs to do.
   */
  addresseeIds: string[];
}

/** A case, its target's workflow and the agencies that stand to it; null when there is no such case. */
export async function caseScope(db: Db, caseId: string): Promise<CaseScope | null> {
  const [row] = await db.execute<{
    id: string; target_id: string; workflow_id: string; pushed_by: string | null; authority_id: string | null; implementers: string[] | null;
    addressees: string[] | null;
  }>(sql`
    select c.id, c.target_id, t.workflow_id, c.pushed_by, c.authority_id,
           (select array_agg(ci.agency_id) from case_implementers ci where ci.case_id = c.id) as implementers,
           (select array_agg(distinct s.agency_id) from steps s where s.case_id = c.id) as addressees
    from cases c join targets t on t.id = c.target_id where c.id = ${caseId}`);
  if (!row) return null;
  return {
    caseId: row.id, targetId: row.target_id, workflowId: row.workflow_id, originatorId: row.pushed_by,
    authorityId: row.authority_id, implementerIds: row.implementers ?? [], addresseeIds: row.addressees ?? [],
  };
}

/** A target's workflow and whether this agency carries out a measure of it (R9: who reports on it). */
export async function targetForImplementer(db: Db, targetId: string, agencyId: string): Promise<{ workflowId: string; implements: boolean } | null> {
  const [row] = await db.execute<{ workflow_id: string; implements: boolean }>(sql`
    select t.workflow_id, exists (
      select 1 from case_implementers ci join cases c on c.id = ci.case_id where c.target_id = t.id and ci.agency_id = ${agencyId}
    ) as implements
    from targets t where t.id = ${targetId}`);
  return row ? { workflowId: row.workflow_id, implements: row.implements } : null;
}

export type Claim =
  | { caseId: string; fresh: boolean; answer: Record<string, unknown> | null }
  | { conflict: 'another_agency' | 'another_target' };

/**
 * R2, R3: a document number belongs to the agency that filed it first. The same agency filing
 * it against the same target gets its case back; against another target, or by another agency,
 * it is refused. A race between two agencies is decided by the primary key.
 */
export async function claimCaseNumber(db: Db, claim: { number: string; filedBy: string; targetId: string }): Promise<Claim> {
  const caseId = `C${randomBytes(12).toString('hex')}`;
  const [fresh] = await db.insert(caseNumbers).values({ ...claim, caseId }).onConflictDoNothing().returning();
  if (fresh) return { caseId, fresh: true, answer: null };
  const [held] = await db.select().from(caseNumbers).where(eq(caseNumbers.number, claim.number));
  if (held.filedBy !== claim.filedBy) return { conflict: 'another_agency' };
  if (held.targetId !== claim.targetId) return { conflict: 'another_target' };
  return { caseId: held.caseId, fresh: false, answer: held.answer };
}

/** R12: the target has an earlier serious or especially serious case (the one filed now is a repeat). */
export async function hasEarlierSeriousCase(db: Db, targetId: string, caseId: string): Promise<boolean> {
  const [row] = await db.execute<{ found: boolean }>(sql`
    select exists (select 1 from cases where target_id = ${targetId} and id <> ${caseId} and seriousness <> 'general') as found`);
  return Boolean(row?.found);
}

/** What the workflow answered at intake, kept for the filing agency's repeats. */
export async function saveIntakeAnswer(db: Db, caseId: string, answer: Record<string, unknown>): Promise<void> {
  await db.update(caseNumbers).set({ answer }).where(and(eq(caseNumbers.caseId, caseId), sql`${caseNumbers.answer} is null`));
}

/** The target's identity, kept in PostgreSQL only (identity numbers never enter workflow histories). */
export async function recordTarget(db: Db, t: typeof targets.$inferInsert): Promise<void> {
  await db.insert(targets).values(t).onConflictDoNothing();
}

/** R13: the persons of an enterprise's case, under ids that are keyed hashes. */
export async function recordPersons(db: Db, rows: (typeof casePersons.$inferInsert)[]): Promise<void> {
  if (rows.length > 0) await db.insert(casePersons).values(rows).onConflictDoNothing();
}
