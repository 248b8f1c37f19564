// Notices: what an agency is told, written in the same transaction as the fact they report.
// The outbox (worker/outbox.ts) delivers them to agencies with a webhook; all read GET /inbox.
import { or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { agencies, notices, type Role } from '../db/schema';

export async function agenciesWithRoles(tx: DbOrTx, roles: Role[]): Promise<string[]> {
  const rows = await tx.select({ id: agencies.id }).from(agencies)
    .where(or(...roles.map((r) => sql`${r} = any(${agencies.roles})`)));
  return rows.map((r) => r.id);
}

/** One notice per agency; the same event key never notifies the same agency twice. */
export async function notify(tx: DbOrTx, n: {
  eventKey: string; agencyIds: string[]; kind: string; rule: string; subject: string;
  detail: Record<string, unknown>; at: string;
}): Promise<void> {
  const agencyIds = [...new Set(n.agencyIds)];
  if (agencyIds.length === 0) return;
  await tx.insert(notices).values(agencyIds.map((agencyId) => ({
    eventKey: n.eventKey, agencyId, kind: n.kind, rule: n.rule, subject: n.subject, detail: n.detail, createdAt: new Date(n.at),
  }))).onConflictDoNothing();
}
