// What the notice routes read and write: an agency's inbox, and the outbox seen from above
// (R14, issue 16): the notices whose webhook attempts ran out, and an ADMIN's retry of one.
import { and, asc, count, desc, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { Db } from '../client';
import { agencies, noticeRetries, notices } from '../schema';

export type Notice = typeof notices.$inferSelect;
export type NoticeRetry = typeof noticeRetries.$inferSelect;

/** An agency's notices, newest first; `unread` keeps those it has not marked read. */
export async function inboxOf(db: Db, agencyId: string, opts: { unread?: boolean; limit: number }): Promise<Notice[]> {
  return db.select().from(notices)
    .where(and(eq(notices.agencyId, agencyId), opts.unread ? isNull(notices.readAt) : undefined))
    .orderBy(desc(notices.createdAt), desc(notices.id)).limit(opts.limit);
}

export interface ParkedNotice {
  notice: Notice;
  agencyName: string;
  notifyUrl: string | null;
  /** The ADMINs' past retries of it, oldest first. */
  retries: NoticeRetry[];
}

/**
 * R14: a page of the parked notices (of one agency, or of all), the latest parked first, with
 * their agency's name and endpoint and their past retries; `total` counts every page.
 */
export async function parkedNotices(db: Db, opts: { agencyId?: string; limit: number; offset: number }): Promise<{ total: number; rows: ParkedNotice[] }> {
  const where = and(isNotNull(notices.parkedAt), opts.agencyId ? eq(notices.agencyId, opts.agencyId) : undefined);
  const [{ total }] = await db.select({ total: count() }).from(notices).where(where);
  const rows = await db.select({ notice: notices, agencyName: agencies.name, notifyUrl: agencies.notifyUrl })
    .from(notices).innerJoin(agencies, eq(notices.agencyId, agencies.id)).where(where)
    .orderBy(desc(notices.parkedAt), desc(notices.id)).limit(opts.limit).offset(opts.offset);
  const retries = rows.length === 0 ? [] : await db.select().from(noticeRetries)
    .where(inArray(noticeRetries.noticeId, rows.map((r) => r.notice.id))).orderBy(asc(noticeRetries.at), asc(noticeRetries.id));
  return { total, rows: rows.map((r) => ({ ...r, retries: retries.filter((t) => t.noticeId === r.notice.id) })) };
}

export type NoticeRetryOutcome =
  | { retried: Notice }
  | { refused: 'no_notice' }
  | { refused: 'not_parked'; notice: Notice };

/**
 * R14: sends a parked notice back to the outbox at once with a fresh budget of attempts, and
 * records who asked. The row is locked: of two retries at once, the second finds it no longer
 * parked. A notice that is not parked (delivered, or still being tried) is left as it is.
 */
export async function retryParkedNotice(db: Db, r: { noticeId: number; retriedBy: string; by: string | null; at: Date }): Promise<NoticeRetryOutcome> {
  return db.transaction(async (tx) => {
    const [n] = await tx.select().from(notices).where(eq(notices.id, r.noticeId)).for('update');
    if (!n) return { refused: 'no_notice' as const };
    if (!n.parkedAt) return { refused: 'not_parked' as const, notice: n };
    await tx.insert(noticeRetries).values({ noticeId: n.id, retriedBy: r.retriedBy, by: r.by, at: r.at, attemptsBefore: n.attempts });
    await tx.update(notices).set({ parkedAt: null, nextAttemptAt: r.at, attemptsBeforeRetry: n.attempts }).where(eq(notices.id, n.id));
    return { retried: n };
  });
}
