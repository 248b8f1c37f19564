// R14: the numbers supervisors report upward every month. Every step with a deadline, from the
// tables that record its due and done instants, counted per responsible agency and the month it
// fell due (Asia/Shanghai): done on time, done late, still overdue, not yet due.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';

/**
 * One row per step: its kind, the rule, the responsible agency, when it was due and when done.
 * R2/R3 push (the ENFORCEMENT or CREDIT agency), R5 receipt (AUTHORITY) and acknowledgement
 * (implementer), R9 reports (implementer; a missing one is its open overdue record), R11
 * verification (the objector's agency) and release (AUTHORITY), R12 review (the applicant agency).
 */
const STEPS = sql`
  select 'push' as step, case when c.source = 'penalty_decision' then 'R2' else 'R3' end as rule, c.pushed_by as agency_id,
         ((c.push_due_on + 1)::timestamp at time zone 'Asia/Shanghai') as due_at, c.pushed_at as done_at, null::text as month
    from cases c where c.push_due_on is not null and c.pushed_at is not null
  union all
  select 'receipt', 'R5', c.authority_id, c.receipt_due_at, c.received_at, null from cases c where c.receipt_due_at is not null
  union all
  select 'acknowledgement', 'R5', ci.agency_id, ci.acknowledge_due_at, ci.acknowledged_at, null from case_implementers ci
  union all
  select 'feedback', 'R9', f.implementer_id, f.due_at, f.reported_at, f.month from feedback_reports f where f.due_at is not null
  union all
  select 'feedback', 'R9', os.agency_id, os.due_at, null, split_part(os.step, ':', 2) from overdue_steps os
    where os.step like 'feedback:%' and os.closed_at is null
  union all
  select 'objection_verification', 'R11', o.filed_by, o.verify_due_at, o.decided_at, null from objections o where o.verify_due_at is not null
  union all
  select 'objection_release', 'R11', c.authority_id, o.release_due_at, o.released_at, null
    from objections o join cases c on c.id = o.case_id where o.release_due_at is not null
  union all
  select 'repair_review', 'R12', r.filed_by, r.review_due_at, r.decided_at, null from repairs r where r.review_due_at is not null`;

const month = (col: string) => sql.raw(`to_char(${col} at time zone 'Asia/Shanghai', 'YYYY-MM')`);
/** A deadline is the end (24:00) of its day: the instant is 00:00 of the next, its month the day's. */
const dueMonth = sql.raw(`to_char((s.due_at - interval '1 millisecond') at time zone 'Asia/Shanghai', 'YYYY-MM')`);

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

export async function monthlyStats(db: Db, query: StatsQuery, now: Date) {
  const nowIso = now.toISOString();
  const agencyFilter = query.agencyId ? sql`and s.agency_id = ${query.agencyId}` : sql``;
  const counts = sql`
    count(*)::int as due,
    (count(*) filter (where s.done_at is not null and s.done_at <= s.due_at))::int as on_time,
    (count(*) filter (where s.done_at > s.due_at))::int as late,
    (count(*) filter (where s.done_at is null and s.due_at < ${nowIso}::timestamptz))::int as overdue,
    (count(*) filter (where s.done_at is null and s.due_at >= ${nowIso}::timestamptz))::int as pending`;
  type Counted = { due: number; on_time: number; late: number; overdue: number; pending: number };
  const toCounts = (r: Counted): StepCounts => ({ due: r.due, onTime: r.on_time, late: r.late, overdue: r.overdue, pending: r.pending });

  const byAgency = await db.execute<Counted & { month: string; agency_id: string | null; agency_name: string | null }>(sql`
    select ${dueMonth} as month, s.agency_id, a.name as agency_name, ${counts}
    from (${STEPS}) s left join agencies a on a.id = s.agency_id
    where ${dueMonth} between ${query.from} and ${query.to} ${agencyFilter}
    group by 1, 2, 3 order by 1, 2`);
  const byStep = await db.execute<Counted & { month: string; step: string; rule: string }>(sql`
    select ${dueMonth} as month, s.step, s.rule, ${counts}
    from (${STEPS}) s
    where ${dueMonth} between ${query.from} and ${query.to} ${agencyFilter}
    group by 1, 2, 3 order by 1, 2`);
  // R9: per implementer and month reported on: reports owed, on time, late, still missing.
  const feedback = await db.execute<Counted & { month: string; agency_id: string | null; agency_name: string | null }>(sql`
    select s.month, s.agency_id, a.name as agency_name, ${counts}
    from (${STEPS}) s left join agencies a on a.id = s.agency_id
    where s.step = 'feedback' and s.month between ${query.from} and ${query.to} ${agencyFilter}
    group by 1, 2, 3 order by 1, 2`);
  // Measures in force now (suspended ones counted apart), by list and category (R6–R8).
  const measures = await db.execute<{ list: string; category: string; active: number; suspended: number }>(sql`
    select mv.list, mv.category,
           (count(*) filter (where cm.status = 'active'))::int as active,
           (count(*) filter (where cm.status = 'suspended'))::int as suspended
    from case_measures cm join measure_versions mv on mv.code = cm.code and mv.version = cm.version
    where cm.status in ('active', 'suspended') ${query.agencyId ? sql`and cm.implementer_id = ${query.agencyId}` : sql``}
    group by 1, 2 order by 1, 2`);
  // Releases per month by reason: period end (R10), objection (R11), repair (R12).
  const releases = await db.execute<{ month: string; reason: string; count: number }>(sql`
    select ${month('cm.released_at')} as month, cm.release_reason as reason, count(*)::int as count
    from case_measures cm
    where cm.status = 'released' and ${month('cm.released_at')} between ${query.from} and ${query.to}
      ${query.agencyId ? sql`and cm.implementer_id = ${query.agencyId}` : sql``}
    group by 1, 2 order by 1, 2`);

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
    byStep: byStep.map((r) => ({ month: r.month, step: r.step, rule: r.rule, ...toCounts(r) })),
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
  };
}

export type MonthlyStats = Awaited<ReturnType<typeof monthlyStats>>;

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * The same figures as one long table a spreadsheet pivots: section, month, who or what, metric,
 * value. A UTF-8 byte-order mark lets spreadsheet programs read the Chinese names.
 */
export function statsCsv(stats: MonthlyStats): string {
  const rows: unknown[][] = [['section', 'month', 'key', 'name', 'metric', 'value']];
  for (const r of stats.steps) {
    for (const m of ['due', 'onTime', 'late', 'overdue', 'pending'] as const) rows.push(['steps', r.month, r.agencyId, r.agency, m, r[m]]);
  }
  for (const r of stats.byStep) {
    for (const m of ['due', 'onTime', 'late', 'overdue', 'pending'] as const) rows.push(['steps_by_kind', r.month, r.step, r.rule, m, r[m]]);
  }
  for (const r of stats.feedback) {
    for (const m of ['owed', 'onTime', 'late', 'missing', 'pending', 'compliance'] as const) rows.push(['feedback', r.month, r.agencyId, r.agency, m, r[m]]);
  }
  for (const r of stats.measuresInForce) {
    rows.push(['measures_in_force', '', r.list, r.category, 'active', r.active], ['measures_in_force', '', r.list, r.category, 'suspended', r.suspended]);
  }
  for (const r of stats.releases) rows.push(['releases', r.month, r.reason, '', 'count', r.count]);
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
