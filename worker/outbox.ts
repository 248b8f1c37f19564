// The outbox: every notice for an agency with a notification endpoint is POSTed to it as a
// signed webhook, retried with backoff until it answers 2xx; each attempt is logged. Agencies
// without an endpoint read their inbox over HTTP (GET /inbox). Delivery is at least once: a
// receiver drops a repeated X-JD-Notice-Id.
//
// Signature: X-JD-Signature: sha256=<hex HMAC-SHA256 of "<X-JD-Timestamp>.<body>" with the
// agency's signing secret>.
import { createHmac } from 'node:crypto';
import { and, asc, eq, inArray, isNotNull, isNull, lte, or } from 'drizzle-orm';
import type { Db } from '../db/client';
import { agencies, noticeDeliveries, notices } from '../db/schema';

const BATCH = 20;
/** A claimed notice is left alone by other dispatchers for this long. */
const LEASE_MS = 60_000;
const MAX_BACKOFF_MS = 3_600_000;
const TIMEOUT_MS = 10_000;

export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** 1 s, 2 s, 4 s … up to an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempts - 1));
}

/** Delivers the notices that are due now; returns how many were attempted and delivered. */
export async function deliverDue(db: Db, now = new Date(), fetchImpl: typeof fetch = fetch): Promise<{ attempted: number; delivered: number }> {
  // Claim a batch (a lease, so that two workers never post the same notice at once).
  const claimed = await db.transaction(async (tx) => {
    const due = await tx.select({ id: notices.id }).from(notices)
      .innerJoin(agencies, eq(notices.agencyId, agencies.id))
      .where(and(isNull(notices.deliveredAt), isNotNull(agencies.notifyUrl),
        or(isNull(notices.nextAttemptAt), lte(notices.nextAttemptAt, now))))
      .orderBy(asc(notices.id)).limit(BATCH).for('update', { of: notices, skipLocked: true });
    if (due.length === 0) return [];
    await tx.update(notices).set({ nextAttemptAt: new Date(now.getTime() + LEASE_MS) })
      .where(inArray(notices.id, due.map((d) => d.id)));
    return tx.select({ notice: notices, url: agencies.notifyUrl, secret: agencies.notifySecret }).from(notices)
      .innerJoin(agencies, eq(notices.agencyId, agencies.id)).where(inArray(notices.id, due.map((d) => d.id)));
  });

  let delivered = 0;
  for (const { notice, url, secret } of claimed) {
    const attempt = notice.attempts + 1;
    const body = JSON.stringify({
      id: notice.id, kind: notice.kind, rule: notice.rule, subject: notice.subject,
      detail: notice.detail, createdAt: notice.createdAt.toISOString(),
    });
    const timestamp = now.toISOString();
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetchImpl(url!, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-jd-notice-id': String(notice.id),
          'x-jd-timestamp': timestamp,
          'x-jd-signature': signature(secret ?? '', timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) error = `HTTP ${res.status}`;
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const ok = error === null;
    if (ok) delivered += 1;
    await db.transaction(async (tx) => {
      await tx.insert(noticeDeliveries).values({
        noticeId: notice.id, agencyId: notice.agencyId, url: url!, attempt, status, error, at: now, durationMs: Date.now() - started,
      });
      await tx.update(notices).set(ok
        ? { deliveredAt: now, attempts: attempt, lastError: null, nextAttemptAt: null }
        : { attempts: attempt, lastError: error, nextAttemptAt: new Date(now.getTime() + backoffMs(attempt)) })
        .where(eq(notices.id, notice.id));
    });
  }
  return { attempted: claimed.length, delivered };
}

/** Runs deliverDue every `intervalMs` until stopped. */
export function startOutbox(db: Db, opts: { intervalMs?: number; onError?: (err: unknown) => void } = {}): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  const tick = () => {
    current = deliverDue(db).catch(opts.onError ?? (() => {})).finally(() => {
      if (!stopped) timer = setTimeout(tick, opts.intervalMs ?? 1000);
    });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
