// R15 What the scoring routes and activities read and write: policy versions and their review,
// the version a target is scored under, its acts, and its score on a day (the pure evaluator,
// domain/scoring/, on the acts as PostgreSQL holds them).
import { and, asc, desc, eq, inArray, lte, ne, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../client';
import { agencies, journal, scoringActs, scoringPolicies, targetScoring, type ScoringPolicyStatus } from '../schema';
import type { ActStanding } from '../../domain/regions';
import { scoreAt, scoringVersion, tierChanges, type Act, type ScoringPolicy } from '../../domain/scoring';

export type PolicyRow = typeof scoringPolicies.$inferSelect;
export type ActRow = typeof scoringActs.$inferSelect;

const IN_FORCE: ScoringPolicyStatus[] = ['approved', 'effective'];

/** The highest approved version of a policy in force on `onDate`, or null. */
export async function policyInForce(db: DbOrTx, policyId: string, onDate: string): Promise<PolicyRow | null> {
  const [row] = await db.select().from(scoringPolicies)
    .where(and(eq(scoringPolicies.policyId, policyId), inArray(scoringPolicies.status, IN_FORCE), lte(scoringPolicies.effectiveFrom, onDate)))
    .orderBy(desc(scoringPolicies.version)).limit(1);
  return row ?? null;
}

export async function policyChange(db: DbOrTx, changeId: string): Promise<PolicyRow | null> {
  const [row] = await db.select().from(scoringPolicies).where(eq(scoringPolicies.id, changeId));
  return row ?? null;
}

export async function policyChanges(db: Db, where: { policyId?: string; status?: ScoringPolicyStatus }): Promise<PolicyRow[]> {
  return db.select().from(scoringPolicies).where(and(
    where.policyId ? eq(scoringPolicies.policyId, where.policyId) : undefined,
    where.status ? eq(scoringPolicies.status, where.status) : undefined,
  )).orderBy(asc(scoringPolicies.policyId), asc(scoringPolicies.version));
}

/** The highest version number of a policy that is taken (under review, approved or in force), 0 if none. */
export async function highestVersionTaken(db: Db, policyId: string): Promise<number> {
  const [row] = await db.select({ max: sql<number>`coalesce(max(${scoringPolicies.version}), 0)` }).from(scoringPolicies)
    .where(and(eq(scoringPolicies.policyId, policyId), ne(scoringPolicies.status, 'rejected')));
  return Number(row.max);
}

export async function recordProposedPolicy(db: Db, row: typeof scoringPolicies.$inferInsert): Promise<void> {
  await db.insert(scoringPolicies).values(row);
}

export interface TargetPolicy {
  row: PolicyRow;
  /** The version the target was first scored under (recorded), and when. */
  pinnedVersion: number;
  since: Date;
  /** A later version in force that rescores every target of the policy (versioning.existingTargets: rescore). */
  rescored: boolean;
}

/** R15: the version that scores the target on `onDate`: the one it was first scored under, unless a later one says otherwise. */
export async function policyForTarget(db: DbOrTx, targetId: string, onDate: string): Promise<TargetPolicy | null> {
  const [pin] = await db.select().from(targetScoring).where(eq(targetScoring.targetId, targetId));
  if (!pin) return null;
  const [pinned] = await db.select().from(scoringPolicies)
    .where(and(eq(scoringPolicies.policyId, pin.policyId), eq(scoringPolicies.version, pin.version), inArray(scoringPolicies.status, IN_FORCE)));
  const newest = await policyInForce(db, pin.policyId, onDate);
  if (newest && scoringVersion(pin.version, newest).rescored) return { row: newest, pinnedVersion: pin.version, since: pin.since, rescored: true };
  return pinned ? { row: pinned, pinnedVersion: pin.version, since: pin.since, rescored: false } : null;
}

export async function actsOf(db: DbOrTx, targetId: string): Promise<ActRow[]> {
  return db.select().from(scoringActs).where(eq(scoringActs.targetId, targetId)).orderBy(asc(scoringActs.date), asc(scoringActs.id));
}

/** R15: who recorded each act of the target, and in which region (domain/regions.ts scoreVisible). */
export async function actStandings(db: DbOrTx, targetId: string): Promise<ActStanding[]> {
  return db.select({ recordedBy: scoringActs.recordedBy, region: agencies.region }).from(scoringActs)
    .innerJoin(agencies, eq(agencies.id, scoringActs.recordedBy)).where(eq(scoringActs.targetId, targetId));
}

/** An act as the evaluator reads it: its source document is the normalized number (repeat rules count decisions by it). */
export function evaluatorAct(r: ActRow): Act {
  return {
    id: r.id, class: r.class, item: r.item, date: r.date, sourceDocument: r.documentKey,
    correctedOn: r.correctedOn, correctionDueOn: r.correctionDueOn,
  };
}

/** The target's score on `at`, with each act explained; null when no act was recorded against it. */
export async function scoreOf(db: DbOrTx, targetId: string, at: string) {
  const policy = await policyForTarget(db, targetId, at);
  if (!policy) return null;
  const rows = await actsOf(db, targetId);
  const result = scoreAt(policy.row.document, rows.filter((r) => r.policyId === policy.row.policyId).map(evaluatorAct), at);
  return { policy, rows, result };
}

/** The listings of the target's acts from the first act through `through` (domain/scoring tierChanges). */
export function listingsOf(policy: ScoringPolicy, rows: ActRow[], through: string) {
  return tierChanges(policy, rows.filter((r) => r.policyId === policy.id).map(evaluatorAct), through);
}

export type ActClaim =
  | { act: ActRow; fresh: boolean }
  | { conflict: 'another_agency' | 'another_target' | 'another_act' | 'key_reused' | 'another_policy' };

class Refused extends Error {
  constructor(readonly claim: ActClaim) {
    super('act refused');
  }
}

/**
 * R15: records an act, idempotently: the same Idempotency-Key (within the agency) or the same
 * document and item from the same agency answer the act recorded first; a document and item
 * another agency recorded, or recorded against another target, is refused. The first act of a
 * target pins the policy version it is scored under; an act of another policy is refused.
 */
export async function claimAct(db: Db, act: typeof scoringActs.$inferInsert, pin: { policyId: string; version: number }): Promise<ActClaim> {
  const same = (held: ActRow, byKey: boolean): ActClaim => {
    if (held.recordedBy !== act.recordedBy) return { conflict: 'another_agency' };
    if (held.targetId !== act.targetId) return { conflict: 'another_target' };
    if (held.fingerprint === act.fingerprint) return { act: held, fresh: false };
    return { conflict: byKey ? 'key_reused' : 'another_act' };
  };
  const held = async (tx: DbOrTx): Promise<ActClaim | null> => {
    const [byKey] = act.idempotencyKey ? await tx.select().from(scoringActs).where(eq(scoringActs.idempotencyKey, act.idempotencyKey)) : [];
    if (byKey) return same(byKey, true);
    const [byDocument] = await tx.select().from(scoringActs).where(and(eq(scoringActs.documentKey, act.documentKey), eq(scoringActs.item, act.item)));
    return byDocument ? same(byDocument, false) : null;
  };
  try {
    return await db.transaction(async (tx) => {
      const before = await held(tx);
      if (before) return before;
      const [inserted] = await tx.insert(scoringActs).values(act).onConflictDoNothing().returning();
      if (!inserted) throw new Refused((await held(tx)) ?? { conflict: 'another_act' });
      await tx.insert(targetScoring).values({ targetId: act.targetId, policyId: pin.policyId, version: pin.version, since: act.recordedAt })
        .onConflictDoNothing();
      const [scored] = await tx.select().from(targetScoring).where(eq(targetScoring.targetId, act.targetId));
      if (scored.policyId !== act.policyId) throw new Refused({ conflict: 'another_policy' });
      await tx.insert(journal).values({
        eventKey: `act/${inserted.id}`, targetId: act.targetId, kind: 'act_recorded', rule: 'R15', at: act.recordedAt, agencyId: act.recordedBy,
        detail: {
          actId: inserted.id, policyId: act.policyId, version: scored.version, class: act.class, item: act.item, date: act.date,
          document: { number: act.documentNumber, issuer: act.documentIssuer }, correctionDueOn: act.correctionDueOn ?? null, correctedOn: act.correctedOn ?? null,
        },
      }).onConflictDoNothing();
      return { act: inserted, fresh: true };
    });
  } catch (err) {
    if (err instanceof Refused) return err.claim;
    throw err;
  }
}

export async function actById(db: DbOrTx, actId: string): Promise<ActRow | null> {
  const [row] = await db.select().from(scoringActs).where(eq(scoringActs.id, actId));
  return row ?? null;
}

/** R15: the act was corrected (纠正) on a day; recorded once, with its journal line. Null when it was already corrected. */
export async function correctAct(db: Db, act: ActRow, correctedOn: string, by: string, at: Date): Promise<ActRow | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.update(scoringActs).set({ correctedOn })
      .where(and(eq(scoringActs.id, act.id), sql`${scoringActs.correctedOn} is null`)).returning();
    if (!row) return null;
    await tx.insert(journal).values({
      eventKey: `act/${act.id}/corrected`, targetId: act.targetId, kind: 'act_corrected', rule: 'R15', at, agencyId: by,
      detail: { actId: act.id, item: act.item, date: act.date, correctedOn },
    }).onConflictDoNothing();
    return row;
  });
}
