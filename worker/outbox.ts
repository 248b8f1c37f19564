// The outbox: every notice for an agency with a notification endpoint is POSTed to it as a
// Standard Webhooks message (worker/outbox/webhook.ts), at least once, until it answers 2xx;
// each attempt is logged in notice_deliveries. After NOTIFY_MAX_ATTEMPTS failures the notice
// is parked until an ADMIN retries it (api/routes/notices.ts). Agencies without an endpoint
// read their inbox over HTTP (GET /inbox).
//
// Agencies are served side by side: each has at most NOTIFY_PER_AGENCY_CONCURRENCY attempts in
// flight per worker, and every attempt is bounded by the connect and response timeouts, so an
// endpoint that never answers holds only its own agency's slots. Nothing is sent to a
// loopback, link-local or private address unless an ADMIN allowed the host, and no redirect
// is followed (worker/outbox/deliver.ts, worker/outbox/ssrf.ts).
import type { NotifySettings } from '../config/env';
import type { Db } from '../db/client';
import { post, type AttemptResult } from './outbox/deliver';
import type { Resolve } from './outbox/ssrf';
import { claimDue, recordAttempt, type Claimed } from './outbox/store';
import { webhookBody, webhookHeaders } from './outbox/webhook';

export { backoffMs } from './outbox/store';
export { legacySignature, webhookId } from './outbox/webhook';

/** Notices claimed by one poll at most. */
const BATCH = 100;
/** Attempts in flight at once in one worker, all agencies together. */
const MAX_IN_FLIGHT = 64;

export interface OutboxOptions {
  /** A resolver other than the system's (tests: a name that resolves where a test wants). */
  resolve?: Resolve;
}

/** The lease outlives the longest attempt, so a notice is never posted twice at once. */
const leaseMs = (s: NotifySettings) => Math.max(s.connectTimeoutMs, s.responseTimeoutMs) + 60_000;

async function attempt(db: Db, c: Claimed, at: Date, s: NotifySettings, opts: OutboxOptions): Promise<boolean> {
  const body = webhookBody(c.notice);
  const started = performance.now();
  let result: AttemptResult;
  try {
    // The signature's timestamp is the wall clock: receivers refuse one minutes off.
    const headers = webhookHeaders(c.notice, c, body, new Date());
    result = await post(c.url, headers, body, {
      connectTimeoutMs: s.connectTimeoutMs, responseTimeoutMs: s.responseTimeoutMs, policy: s, resolve: opts.resolve,
    });
  } catch (err) {
    // A secret that cannot sign (not whsec_ + base64) is the agency's failed attempt, not the outbox's.
    result = { status: null, error: `not signed: ${err instanceof Error ? err.message : String(err)}` };
  }
  return recordAttempt(db, c, result, { at, durationMs: Math.round(performance.now() - started), maxAttempts: s.maxAttempts });
}

/**
 * Delivers what is due at `now` (up to the per-agency limit of each agency), all agencies in
 * parallel, and waits for every attempt; returns how many were attempted and delivered.
 */
export async function deliverDue(
  db: Db, settings: NotifySettings, opts: OutboxOptions & { now?: Date } = {},
): Promise<{ attempted: number; delivered: number }> {
  const now = opts.now ?? new Date();
  const claimed = await claimDue(db, {
    now, limit: BATCH, perAgency: settings.perAgencyConcurrency, busy: new Map(), leaseMs: leaseMs(settings),
  });
  const outcomes = await Promise.all(claimed.map((c) => attempt(db, c, now, settings, opts)));
  return { attempted: claimed.length, delivered: outcomes.filter(Boolean).length };
}

/**
 * Polls every `intervalMs` and starts the attempts it claims without waiting for them: an
 * agency's free slots are filled on the next poll whatever its neighbours' endpoints do.
 */
export function startOutbox(db: Db, settings: NotifySettings, opts: OutboxOptions & {
  intervalMs?: number; onError?: (err: unknown) => void;
} = {}): { stop(): Promise<void> } {
  const onError = opts.onError ?? (() => {});
  const busy = new Map<string, number>();
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<unknown> = Promise.resolve();

  const release = (agencyId: string) => {
    const left = (busy.get(agencyId) ?? 1) - 1;
    if (left > 0) busy.set(agencyId, left);
    else busy.delete(agencyId);
  };
  const poll = async () => {
    const now = new Date();
    const claimed = await claimDue(db, {
      now, limit: Math.min(BATCH, MAX_IN_FLIGHT - running.size), perAgency: settings.perAgencyConcurrency, busy, leaseMs: leaseMs(settings),
    });
    for (const c of claimed) {
      busy.set(c.notice.agencyId, (busy.get(c.notice.agencyId) ?? 0) + 1);
      const p: Promise<unknown> = attempt(db, c, now, settings, opts).catch(onError).finally(() => {
        release(c.notice.agencyId);
        running.delete(p);
      });
      running.add(p);
    }
  };
  const tick = () => {
    polling = poll().catch(onError).finally(() => {
      if (!stopped) timer = setTimeout(tick, opts.intervalMs ?? 1000);
    });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await polling;
      await Promise.all([...running]);
    },
  };
}
