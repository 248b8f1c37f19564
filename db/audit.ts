// The audit trail (README, "Security"): every privileged and personal action, appended in the
// same transaction as what it records where there is one, never rewritten (migration 0021: no
// UPDATE, DELETE or TRUNCATE for the app's role, and a trigger refusing them to anyone).
import { and, count, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { DbOrTx } from './client';
import { auditLog } from './schema';

/** Every kind of line, with what a supervisor reads it as. */
export const AUDIT_ACTIONS = {
  'agency.registered': 'an ADMIN registered an agency (its first key issued with it)',
  'agency.changed': "an ADMIN changed an agency's region, national scope or notification endpoint",
  'agency.notify_secret_issued': "an ADMIN issued an agency's webhook signing secret",
  'key.requested': 'an ADMIN asked for a key for an existing agency',
  'key.issued': 'a key was issued (with a registration, or on a second ADMIN\'s approval)',
  'key.refused': 'a second ADMIN refused a key request',
  'key.revoked': 'an ADMIN revoked a key',
  'target.read': "an agency read a target's record",
  'target.history_read': "an agency read a target's history",
  'target.score_read': "an agency read a target's score with its acts (R15)",
  'targets.searched': 'an agency searched targets (what it asked, which targets it was shown)',
  'overdue.read': 'an agency read the overdue board (which targets it was shown)',
  'stats.exported': 'an agency exported the monthly statistics as CSV',
  'calendar.changed': 'an ADMIN loaded a holiday year or changed a deadline rule or reminder interval',
  'notice.retried': 'an ADMIN sent a parked notice back to the outbox',
  'letter.read': 'an agency read or downloaded a letter to the party (R17)',
  'policy.changed': "an ADMIN changed 004's publicity rules (R8)",
  'cases.imported': 'an ADMIN or CREDIT agency imported cases already in force, possibly for other agencies (filedBy; issue 17)',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export interface AuditEntry {
  action: AuditAction;
  at: Date;
  actorAgencyId: string | null;
  actorKeyId: string | null;
  clientIp?: string | null;
  targetId?: string | null;
  subjectAgencyId?: string | null;
  detail?: Record<string, unknown>;
  requestId?: string | null;
}

export async function appendAudit(tx: DbOrTx, entries: AuditEntry | AuditEntry[]): Promise<void> {
  const rows = Array.isArray(entries) ? entries : [entries];
  if (rows.length === 0) return;
  await tx.insert(auditLog).values(rows.map((e) => ({
    action: e.action, at: e.at, actorAgencyId: e.actorAgencyId, actorKeyId: e.actorKeyId, clientIp: e.clientIp ?? null,
    targetId: e.targetId ?? null, subjectAgencyId: e.subjectAgencyId ?? null, detail: e.detail ?? {}, requestId: e.requestId ?? null,
  })));
}

export interface AuditQuery {
  action?: AuditAction;
  actorAgencyId?: string;
  targetId?: string;
  subjectAgencyId?: string;
  /** From this instant on (inclusive). */
  from?: Date;
  /** Before this instant (exclusive). */
  to?: Date;
  limit: number;
  offset: number;
}

/** The lines matching every filter given, the latest first, with the count of all of them. */
export async function auditTrail(db: DbOrTx, q: AuditQuery) {
  const where: SQL[] = [];
  if (q.action) where.push(eq(auditLog.action, q.action));
  if (q.actorAgencyId) where.push(eq(auditLog.actorAgencyId, q.actorAgencyId));
  if (q.targetId) where.push(eq(auditLog.targetId, q.targetId));
  if (q.subjectAgencyId) where.push(eq(auditLog.subjectAgencyId, q.subjectAgencyId));
  if (q.from) where.push(gte(auditLog.at, q.from));
  if (q.to) where.push(lt(auditLog.at, q.to));
  const condition = where.length ? and(...where) : undefined;
  const [{ total }] = await db.select({ total: count() }).from(auditLog).where(condition);
  const rows = await db.select().from(auditLog).where(condition).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(q.limit).offset(q.offset);
  return { rows, total };
}
