// What supervisors read (R14): target search, the overdue board and the monthly statistics.
// Every query runs on indexed columns (targets: trigram name, credit code, status; cases:
// authority; case_implementers: agency; overdue_steps: open records); figures in the README.
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { targets } from '../db/schema';
import { toShanghaiIso } from '../domain/dates';
import { stepLabel } from './history';

export interface TargetSearch {
  q?: string;
  creditCode?: string;
  kind?: 'enterprise' | 'person';
  status?: 'open' | 'closed';
  agencyId?: string;
  field?: string;
  measure?: string;
  overdue?: boolean;
  limit: number;
  offset: number;
}

/** The outer query's target, always qualified (drizzle leaves a lone column unqualified in a select list). */
const TARGET_ID = sql.raw('"targets"."id"');

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A target has an open overdue record: its own (R9 reports) or one of its cases'. Two EXISTS
 * rather than one OR, so each side uses its index.
 */
const hasOpenOverdue = sql`(
  exists (select 1 from overdue_steps os where os.closed_at is null and os.target_id = ${TARGET_ID})
  or exists (select 1 from overdue_steps os join cases c on c.id = os.case_id
             where os.closed_at is null and c.target_id = ${TARGET_ID}))`;

/** Targets of an agency: it pushed, received or implements one of their cases. */
const involves = (agencyId: string) => sql`(
  exists (select 1 from cases c where c.target_id = ${TARGET_ID} and (c.authority_id = ${agencyId} or c.pushed_by = ${agencyId}))
  or exists (select 1 from cases c join case_implementers ci on ci.case_id = c.id
             where c.target_id = ${TARGET_ID} and ci.agency_id = ${agencyId}))`;

export async function searchTargets(db: Db, query: TargetSearch, scopeAgencyId?: string) {
  const where: SQL[] = [];
  if (query.q) {
    const q = likeEscape(query.q.trim());
    where.push(sql`(${targets.name} ilike ${`%${q}%`} or ${targets.creditCode} like ${`${q.toUpperCase()}%`})`);
  }
  if (query.creditCode) where.push(eq(targets.creditCode, query.creditCode));
  if (query.kind) where.push(eq(targets.kind, query.kind));
  if (query.status) where.push(eq(targets.status, query.status));
  if (query.agencyId) where.push(involves(query.agencyId));
  if (scopeAgencyId) where.push(involves(scopeAgencyId));
  if (query.field) {
    where.push(sql`exists (select 1 from cases c join agencies a on a.id = c.authority_id
                           where c.target_id = ${TARGET_ID} and a.field = ${query.field})`);
  }
  if (query.measure) {
    where.push(sql`exists (select 1 from cases c where c.target_id = ${TARGET_ID}
                           and c.measures @> ${JSON.stringify([{ code: query.measure }])}::jsonb)`);
  }
  if (query.overdue) where.push(hasOpenOverdue);
  const condition = where.length ? and(...where) : undefined;

  const [{ total }] = await db.select({ total: sql<number>`count(*)::int` }).from(targets).where(condition);
  // The page first, then its figures: the per-target counts run for the rows shown only.
  const page = await db.select({ id: targets.id }).from(targets).where(condition)
    .orderBy(desc(targets.updatedAt), targets.id).limit(query.limit).offset(query.offset);
  const ids = page.map((p) => p.id);
  const rows = ids.length === 0 ? [] : await db.select({
    targetId: targets.id,
    kind: targets.kind,
    name: targets.name,
    creditCode: targets.creditCode,
    status: targets.status,
    updatedAt: targets.updatedAt,
    cases: sql<number>`(select count(*)::int from cases c where c.target_id = ${TARGET_ID})`,
    measuresInForce: sql<number>`(select count(*)::int from case_measures cm join cases c on c.id = cm.case_id
                                  where c.target_id = ${TARGET_ID} and cm.status = 'active')`,
    openOverdue: sql<number>`(
      (select count(*)::int from overdue_steps os where os.closed_at is null and os.target_id = ${TARGET_ID})
      + (select count(*)::int from overdue_steps os join cases c on c.id = os.case_id where os.closed_at is null and c.target_id = ${TARGET_ID}))`,
  }).from(targets).where(inArray(targets.id, ids)).orderBy(desc(targets.updatedAt), targets.id);
  return {
    items: rows.map((r) => ({ ...r, updatedAt: toShanghaiIso(r.updatedAt) })),
    total,
    limit: query.limit,
    offset: query.offset,
  };
}

/** The overdue board: open overdue records, the latest (earliest due) first. */
export async function overdueBoard(db: Db, query: { agencyId?: string; rule?: string; limit: number; offset: number }, now: Date) {
  const filters: SQL[] = [sql`os.closed_at is null`];
  if (query.agencyId) filters.push(sql`os.agency_id = ${query.agencyId}`);
  if (query.rule) filters.push(sql`os.rule = ${query.rule}`);
  const where = sql.join(filters, sql` and `);
  const rows = await db.execute<{
    id: number; step: string; rule: string; agency_id: string | null; agency_name: string | null; due_at: Date | string;
    detected_at: Date | string; case_id: string | null; document_number: string | null; target_id: string | null;
    target_name: string | null; change_id: string | null; reminders: number;
  }>(sql`
    select os.id, os.step, os.rule, os.agency_id, a.name as agency_name, os.due_at, os.detected_at,
           os.case_id, c.document_number, coalesce(os.target_id, c.target_id) as target_id, t.name as target_name, os.change_id,
           (select count(*)::int from journal j where j.kind = 'escalated'
              and j.target_id = coalesce(os.target_id, c.target_id) and j.detail->>'step' = os.step
              and j.case_id is not distinct from os.case_id) as reminders
    from overdue_steps os
    left join cases c on c.id = os.case_id
    left join targets t on t.id = coalesce(os.target_id, c.target_id)
    left join agencies a on a.id = os.agency_id
    where ${where}
    order by os.due_at asc, os.id asc
    limit ${query.limit} offset ${query.offset}`);
  const [{ total }] = await db.execute<{ total: number }>(sql`select count(*)::int as total from overdue_steps os where ${where}`);
  return {
    items: rows.map((r) => {
      const dueMs = new Date(r.due_at).getTime();
      return {
        id: Number(r.id),
        step: r.step,
        stepLabel: r.change_id ? '清单变更审核（R1）' : stepLabel(r.step),
        rule: r.rule,
        agencyId: r.agency_id,
        agency: r.agency_name,
        targetId: r.target_id,
        targetName: r.target_name,
        caseId: r.case_id,
        documentNumber: r.document_number,
        changeId: r.change_id,
        dueAt: toShanghaiIso(r.due_at),
        detectedAt: toShanghaiIso(r.detected_at),
        // Whole days late at the time asked (a step due at 24:00 yesterday is 1 day late from this morning).
        daysLate: Math.max(0, Math.ceil((now.getTime() - dueMs) / 86_400_000)),
        reminders: r.reminders,
      };
    }),
    total,
    limit: query.limit,
    offset: query.offset,
  };
}
