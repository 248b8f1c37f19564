// Keys for an existing agency, under a two-person rule (README, "Security"): one ADMIN agency
// asks, another decides; the key exists only once the second approved, and is shown to it alone.
// Every step is on the audit trail, in the transaction that takes it.
import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, type SQL } from 'drizzle-orm';
import { appendAudit, type AuditEntry } from './audit';
import type { Db } from './client';
import { issueKey } from './agencies';
import { keyRequests } from './schema';

export type KeyRequest = typeof keyRequests.$inferSelect;

/** Who acts, as the audit trail records it (api/audit.ts auditEntry without its action). */
export type Actor = Omit<AuditEntry, 'action' | 'targetId' | 'subjectAgencyId' | 'detail'> & { actorAgencyId: string; actorKeyId: string };

export async function requestKey(db: Db, r: { agencyId: string; reason: string }, actor: Actor): Promise<KeyRequest> {
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(keyRequests).values({
      id: `KR${randomBytes(8).toString('hex')}`, agencyId: r.agencyId, reason: r.reason,
      requestedBy: actor.actorAgencyId, requestedByKey: actor.actorKeyId, requestedAt: actor.at,
    }).returning();
    await appendAudit(tx, { ...actor, action: 'key.requested', subjectAgencyId: r.agencyId, detail: { requestId: row.id, reason: r.reason } });
    return row;
  });
}

export type KeyDecision =
  | { approved: KeyRequest; keyId: string; apiKey: string }
  | { refused: KeyRequest }
  | { conflict: 'no_request' | 'decided' | 'same_agency'; request?: KeyRequest };

/**
 * Approves (issuing the key) or refuses a pending request. The deciding ADMIN agency must not be
 * the one that asked. The row is claimed with its status: of two decisions at once, one wins.
 */
export async function decideKeyRequest(db: Db, requestId: string, d: { approve: boolean; reason: string | null }, actor: Actor): Promise<KeyDecision> {
  return db.transaction(async (tx) => {
    const [request] = await tx.select().from(keyRequests).where(eq(keyRequests.id, requestId)).for('update');
    if (!request) return { conflict: 'no_request' as const };
    if (request.status !== 'pending') return { conflict: 'decided' as const, request };
    if (request.requestedBy === actor.actorAgencyId) return { conflict: 'same_agency' as const, request };
    const decided = { decidedBy: actor.actorAgencyId, decidedByKey: actor.actorKeyId, decidedAt: actor.at, decisionReason: d.reason };
    if (!d.approve) {
      const [refused] = await tx.update(keyRequests).set({ ...decided, status: 'refused' }).where(eq(keyRequests.id, requestId)).returning();
      await appendAudit(tx, { ...actor, action: 'key.refused', subjectAgencyId: request.agencyId, detail: { requestId, requestedBy: request.requestedBy, reason: d.reason } });
      return { refused };
    }
    // The transaction has the insert API issueKey uses: the key row commits with the approval.
    const key = await issueKey(tx as unknown as Db, request.agencyId);
    const [approved] = await tx.update(keyRequests).set({ ...decided, status: 'approved', keyId: key.keyId }).where(eq(keyRequests.id, requestId)).returning();
    await appendAudit(tx, {
      ...actor, action: 'key.issued', subjectAgencyId: request.agencyId,
      detail: { keyId: key.keyId, via: 'approved_request', requestId, requestedBy: request.requestedBy, requestedByKey: request.requestedByKey },
    });
    return { approved, ...key };
  });
}

export async function keyRequestsWhere(db: Db, q: { status?: string; agencyId?: string }): Promise<KeyRequest[]> {
  const where: SQL[] = [];
  if (q.status) where.push(eq(keyRequests.status, q.status));
  if (q.agencyId) where.push(eq(keyRequests.agencyId, q.agencyId));
  return db.select().from(keyRequests).where(where.length ? and(...where) : undefined)
    .orderBy(q.status === 'pending' ? asc(keyRequests.requestedAt) : desc(keyRequests.requestedAt)).limit(500);
}
