// R14: the numbers supervisors report upward every month, from the one table of steps
// (domain/steps.ts): every step with a deadline, counted per responsible agency and the month
// it fell due (Asia/Shanghai): done on time, done late, still overdue, not yet due.
import { sql } from 'drizzle-orm';
import type { Db } from '../client';
import { reportedCounts } from './reports';
import type { ReadScope } from '../../domain/regions';
import { agenciesCountedSql } from './scope';

/** A deadline is the end (24:00) of its day: the instant is 00:00 of the next, its month the day's. */
const dueMonth = sql.raw(`to_char((s.due_at - interval '1 millisecond') at time zone 'Asia/Shanghai', 'YYYY-MM')`);
const month = (col: string) => sql.raw(`to_char(${col} at time zone 'Asia/Shanghai', 'YYYY-MM')`);

export interface StatsQuery {
  from: string;
  to: string;
  agencyId?: string;
}

export interface StepCounts {
  due: number;
  onTime: number;
  late: number;
  overdue: number;
  pending: number;
}

type Counted = { due: number; on_time: number; late: number; overdue: number; pending: number };
const toCounts = (r: Counted): StepCounts => ({ due: r.due, onTime: r.on_time, late: r.late, overdue: r.overdue, pending: r.pending });

/**
 * The figures of the agencies the reader counts (db/queries/scope.ts agenciesCountedSql): its
 * own, its region's, or all with national scope; `agencyId` narrows them to one.
 */
export async function monthlyStats(db: Db, query: StatsQuery, now: Date, scope: ReadScope) {
  const nowIso = now.toISOString();
  // A step no longer owed (superseded: its case was released) counts nowhere.
  const owed = sql`s.outcome is distinct from 'superseded'`;
  const counted = (column: string) => {
    const inScope = agenciesCountedSql(scope, sql.raw(column));
    return sql`${query.agencyId ? sql`and ${sql.raw(column)} = ${query.agencyId}` : sql``} ${inScope ? sql`and ${inScope}` : sql``}`;
  };
  const agencyFilter = counted('s.agency_id');
  const counts = sql`
    count(*)::int as due,
    (count(*) filter (where s.done_at is not null and s.done_at <= s.due_at))::int as on_time,
    (count(*) filter (where s.done_at > s.due_at))::int as late,
    (count(*) filter (where s.done_at is null and s.due_at < ${nowIso}::timestamptz))::int as overdue,
    (count(*) filter (where s.done_at is null and s.due_at >= ${nowIso}::timestamptz))::int as pending`;

  const byAgency = await db.execute<Counted & { month: string; agency_id: string | null; agency_name: string | null }>(sql`
    select ${dueMonth} as month, s.agency_id, a.name as agency_name, ${counts}
    from steps s left join agencies a on a.id = s.agency_id
    where ${owed} and ${dueMonth} between ${query.from} and ${query.to} ${agencyFilter}
    group by 1, 2, 3 order by 1, 2`);
  const byStep = await db.execute<Counted & { month: string; kind: string; rule: string }>(sql`
    select ${dueMonth} as month, s.kind, s.rule, ${counts}
    from steps s
    where ${owed} and ${dueMonth} between ${query.from} and ${query.to} ${agencyFilter}
    group by 1, 2, 3 order by 1, 2`);
  // R9: per implementer and month reported on: reports owed, on time, late, still missing.
  const feedback = await db.execute<Counted & { month: string; agency_id: string | null; agency_name: string | null }>(sql`
    select s.month, s.agency_id, a.name as agency_name, ${counts}
    from steps s left join agencies a on a.id = s.agency_id
    where ${owed} and s.kind = 'feedback' and s.month between ${query.from} and ${query.to} ${agencyFilter}
    group by 1, 2, 3 order by 1, 2`);
  // Measures in force now (suspended ones counted apart), by list and category (R6–R8).
  const measures = await db.execute<{ list: string; category: string; active: number; suspended: number }>(sql`
    select mv.list, mv.category,
           (count(*) filter (where cm.status = 'active'))::int as active,
           (count(*) filter (where cm.status = 'suspended'))::int as suspended
    from case_measures cm join measure_versions mv on mv.code = cm.code and mv.version = cm.version
    where cm.status in ('active', 'suspended') ${counted('cm.implementer_id')}
    group by 1, 2 order by 1, 2`);
  // Releases per month by reason: period end (R10), objection (R11), repair (R12).
  const releases = await db.execute<{ month: string; reason: string; count: number }>(sql`
    select ${month('cm.released_at')} as month, cm.release_reason as reason, count(*)::int as count
    from case_measures cm
    where cm.status = 'released' and ${month('cm.released_at')} between ${query.from} and ${query.to}
      ${counted('cm.implementer_id')}
    group by 1, 2 order by 1, 2`);

  // R9: what the implementers reported they carried out, per category (their monthly reports).
  const reported = await reportedCounts(db, query.from, query.to, query.agencyId, scope);

  const steps = byAgency.map((r) => ({ month: r.month, agencyId: r.agency_id, agency: r.agency_name, ...toCounts(r) }));
  const total = steps.reduce<StepCounts>((t, r) => ({
    due: t.due + r.due, onTime: t.onTime + r.onTime, late: t.late + r.late, overdue: t.overdue + r.overdue, pending: t.pending + r.pending,
  }), { due: 0, onTime: 0, late: 0, overdue: 0, pending: 0 });
  return {
    from: query.from,
    to: query.to,
    agencyId: query.agencyId ?? null,
    asOf: now.toISOString(),
    total,
    steps,
    byStep: byStep.map((r) => ({ month: r.month, step: r.kind, rule: r.rule, ...toCounts(r) })),
    feedback: feedback.map((r) => {
      const c = toCounts(r);
      return {
        month: r.month, agencyId: r.agency_id, agency: r.agency_name,
        owed: c.due, onTime: c.onTime, late: c.late, missing: c.overdue, pending: c.pending,
        // On-time share of the reports already due (not-yet-due ones are left out).
        compliance: c.due - c.pending === 0 ? null : Math.round((c.onTime / (c.due - c.pending)) * 1000) / 1000,
      };
    }),
    measuresInForce: measures.map((r) => ({ list: r.list, category: r.category, active: r.active, suspended: r.suspended })),
    releases: releases.map((r) => ({ month: r.month, reason: r.reason, count: r.count })),
    reported,
  };
}

export type MonthlyStats = Awaited<ReturnType<typeof monthlyStats>>;
