// What the domain gauges of GET /metrics read, one query each, when Prometheus scrapes (never on
// a request): the open steps and the overdue ones by rule, kind and responsible agency (R14), and
// the webhook outbox's backlog by agency. Counts only: no target or case ids leave the database.
import { sql } from 'drizzle-orm';
import type { Db } from '../client';

export interface OpenStepCount {
  rule: string;
  kind: string;
  /** The responsible agency; null for a step owed by a role (the R1 reviewers). */
  agencyId: string | null;
  open: number;
  /** Open and past its deadline (the end of its last day), whether or not the R14 record is made yet. */
  overdue: number;
}

/** Every open step (not done, still owed), grouped. */
export async function openStepCounts(db: Db): Promise<OpenStepCount[]> {
  const rows = await db.execute<{ rule: string; kind: string; agency_id: string | null; open: number; overdue: number }>(sql`
    select rule, kind, agency_id, count(*)::int as open, (count(*) filter (where due_at <= now()))::int as overdue
    from steps where done_at is null
    group by rule, kind, agency_id`);
  return rows.map((r) => ({ rule: r.rule, kind: r.kind, agencyId: r.agency_id, open: r.open, overdue: r.overdue }));
}

export interface OutboxCount {
  agencyId: string;
  /** Waiting for a webhook attempt (not delivered, not parked) at an agency that has an endpoint. */
  waiting: number;
  /** Attempts ran out; waiting for an ADMIN's retry. */
  parked: number;
  /** Seconds since the oldest waiting notice was made; 0 when none waits. */
  oldestWaitingSeconds: number;
}

/**
 * The outbox by agency. A notice to an agency without an endpoint is read in its inbox and never
 * posted, so it is no backlog; each half reads its own partial index (notices_undelivered_idx,
 * notices_parked_idx).
 */
export async function outboxCounts(db: Db): Promise<OutboxCount[]> {
  const rows = await db.execute<{ agency_id: string; waiting: number; parked: number; oldest: number }>(sql`
    select agency_id, sum(waiting)::int as waiting, sum(parked)::int as parked, coalesce(max(oldest), 0)::float8 as oldest
    from (
      select n.agency_id, count(*) as waiting, 0 as parked, extract(epoch from now() - min(n.created_at)) as oldest
      from notices n join agencies a on a.id = n.agency_id
      where n.delivered_at is null and n.parked_at is null and a.notify_url is not null and a.notify_secret is not null
      group by n.agency_id
      union all
      select agency_id, 0, count(*), null from notices
      where parked_at is not null and delivered_at is null
      group by agency_id
    ) o
    group by agency_id`);
  return rows.map((r) => ({ agencyId: r.agency_id, waiting: r.waiting, parked: r.parked, oldestWaitingSeconds: Math.max(0, r.oldest) }));
}
