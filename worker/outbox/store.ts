// The outbox's rows: claiming what is due (a lease, so that two workers never post the same
// notice at once, and never more than an agency's free slots), and recording each attempt
// with its outcome: delivered, due again after the backoff, or parked when the attempts ran out.
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { agencies, noticeDeliveries, notices } from '../../db/schema';
import type { AttemptResult } from './deliver';

const MAX_BACKOFF_MS = 3_600_000;

/** 1 s, 2 s, 4 s … up to an hour, counted from the last retry by an ADMIN. */
export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempts - 1));
}

export interface Claimed {
  notice: typeof notices.$inferSelect;
  url: string;
  secret: string;
  legacySignature: boolean;
}

/**
 * Claims up to `limit` due notices, at most `perAgency - busy[agency]` of any one agency,
 * oldest first, leased for `leaseMs`.
 */
export async function claimDue(db: Db, o: {
  now: Date; limit: number; perAgency: number; busy: ReadonlyMap<string, number>; leaseMs: number;
}): Promise<Claimed[]> {
  if (o.limit <= 0) return [];
  const busy = JSON.stringify(Object.fromEntries(o.busy));
  const now = o.now.toISOString();
  return db.transaction(async (tx) => {
    const due = await tx.execute<{ id: string }>(sql`
      select n.id from notices n
      where n.id in (
        select r.id from (
          select d.id, d.agency_id, row_number() over (partition by d.agency_id order by d.id) as rn
          from notices d join agencies a on a.id = d.agency_id
          where d.delivered_at is null and d.parked_at is null
            and a.notify_url is not null and a.notify_secret is not null
            and (d.next_attempt_at is null or d.next_attempt_at <= ${now}::timestamptz)
        ) r
        where r.rn <= ${o.perAgency}::int - coalesce((${busy}::jsonb ->> r.agency_id)::int, 0)
      )
        -- Again on n itself: a row another dispatcher leased and committed while this query ran is
        -- re-checked against these after its lock (the IN list above came from the older snapshot).
        and n.delivered_at is null and n.parked_at is null
        and (n.next_attempt_at is null or n.next_attempt_at <= ${now}::timestamptz)
      order by n.id limit ${o.limit}::int
      for update of n skip locked`);
    const ids = due.map((d) => Number(d.id));
    if (ids.length === 0) return [];
    await tx.update(notices).set({ nextAttemptAt: new Date(o.now.getTime() + o.leaseMs) }).where(inArray(notices.id, ids));
    const rows = await tx.select({
      notice: notices, url: agencies.notifyUrl, secret: agencies.notifySecret, legacySignature: agencies.notifyLegacySignature,
    }).from(notices).innerJoin(agencies, eq(notices.agencyId, agencies.id)).where(inArray(notices.id, ids)).orderBy(notices.id);
    return rows.map((r) => ({ ...r, url: r.url!, secret: r.secret! }));
  });
}

/** Logs the attempt and moves the notice on; true when it was delivered. */
export async function recordAttempt(db: Db, c: Claimed, result: AttemptResult, o: {
  at: Date; durationMs: number; maxAttempts: number;
}): Promise<boolean> {
  const attempt = c.notice.attempts + 1;
  const sinceRetry = attempt - c.notice.attemptsBeforeRetry;
  const ok = result.error === null;
  const parked = !ok && sinceRetry >= o.maxAttempts;
  await db.transaction(async (tx) => {
    await tx.insert(noticeDeliveries).values({
      noticeId: c.notice.id, agencyId: c.notice.agencyId, url: c.url, attempt, status: result.status, error: result.error,
      at: o.at, durationMs: o.durationMs,
    });
    await tx.update(notices).set(ok
      ? { deliveredAt: o.at, attempts: attempt, lastError: null, nextAttemptAt: null }
      : parked
        ? { attempts: attempt, lastError: result.error, nextAttemptAt: null, parkedAt: o.at }
        : { attempts: attempt, lastError: result.error, nextAttemptAt: new Date(o.at.getTime() + backoffMs(sinceRetry)) })
      .where(eq(notices.id, c.notice.id));
  });
  return ok;
}
