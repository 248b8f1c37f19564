// What supervisors read (R14): target search and the overdue board. Every query runs on indexed
// columns (targets: trigram name, credit code, status; cases: a target's with the columns scope
// tests, an AUTHORITY's and a filer's with their targets; case_implementers: agency; steps: open
// overdue ones); figures in the README.
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { targets } from '../schema';
import { toShanghaiIso } from '../../domain/dates';
import { maskIdNumber } from '../../domain/identifiers';
import type { ReadScope } from '../../domain/regions';
import { stepLabel } from '../../domain/steps';
import { caseVisibleSql, stepVisibleSql, targetVisibleSql } from './scope';
import { countBound, countUpTo } from './totals';

export interface TargetSearch {
  q?: string;
  creditCode?: string;
  kind?: 'enterprise' | 'person';
  status?: 'open' | 'closed';
  agencyId?: string;
  field?: string;
  measure?: string;
  overdue?: boolean;
  /** R13: the persons listed with this enterprise's case. */
  personsOf?: string;
  limit: number;
  offset: number;
}

/** The outer query's target, always qualified (drizzle leaves a lone column unqualified in a select list). */
const TARGET_ID = sql.raw('"targets"."id"');

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** A target has a step, visible to the reader, that is overdue and still open (its cases' and its own R9 reports alike). */
const hasOpenOverdue = (scope: ReadScope) => sql`exists (select 1 from steps s where s.target_id = ${TARGET_ID}
  and s.done_at is null and s.overdue_at is not null and ${stepVisibleSql(scope, sql.raw('s'))})`;

/**
 * Targets of an agency: it pushed, received or implements one of their cases. Every filter on
 * cases looks only at the cases the reader sees: a filter must not tell of a case outside its scope.
 * The agency's cases are found from its side, each way by its index, rather than by testing every
 * target (117 ms p95 at 100 000 targets, ~60 ms this way; bench:search).
 */
const involves = (agencyId: string, visible: SQL) => sql`${TARGET_ID} in (
  select c.target_id from cases c where c.authority_id = ${agencyId} and ${visible}
  union all select c.target_id from cases c where c.pushed_by = ${agencyId} and ${visible}
  union all select c.target_id from case_implementers ci join cases c on c.id = ci.case_id where ci.agency_id = ${agencyId} and ${visible})`;

/**
 * The targets the reader sees (a case of them in its scope, db/queries/scope.ts), filtered;
 * each with figures counted over the cases it sees only, so that a count never tells of a case
 * outside its scope.
 */
export async function searchTargets(db: Db, query: TargetSearch, scope: ReadScope) {
  const visible = caseVisibleSql(scope, sql.raw('c'));
  const where: SQL[] = [];
  if (query.q) {
    const q = likeEscape(query.q.trim());
    where.push(sql`(${targets.name} ilike ${`%${q}%`} or ${targets.creditCode} like ${`${q.toUpperCase()}%`})`);
  }
  if (query.creditCode) where.push(eq(targets.creditCode, query.creditCode));
  if (query.kind) where.push(eq(targets.kind, query.kind));
  if (query.status) where.push(eq(targets.status, query.status));
  if (query.agencyId) where.push(involves(query.agencyId, visible));
  if (scope.kind !== 'national') where.push(targetVisibleSql(scope, TARGET_ID));
  if (query.field) {
    where.push(sql`exists (select 1 from cases c join agencies a on a.id = c.authority_id
                           where c.target_id = ${TARGET_ID} and a.field = ${query.field} and ${visible})`);
  }
  if (query.measure) {
    where.push(sql`exists (select 1 from cases c where c.target_id = ${TARGET_ID}
                           and c.measures @> ${JSON.stringify([{ code: query.measure }])}::jsonb and ${visible})`);
  }
  if (query.overdue) where.push(hasOpenOverdue(scope));
  // R13: a person listed with the case, seen (as always) through a case of the person the reader sees.
  if (query.personsOf) {
    where.push(sql`exists (select 1 from case_persons cp where cp.case_id = ${query.personsOf} and cp.person_target_id = ${TARGET_ID})`);
  }
  const condition = where.length ? and(...where) : undefined;

  // The matches counted up to a bound (./totals.ts) beside the page; the page first, then its
  // figures: the per-target counts run for the rows shown only.
  const [counted, rows] = await Promise.all([
    countUpTo(db, db.select({ one: sql`1` }).from(targets).where(condition), countBound(query.offset, query.limit)),
    db.select({ id: targets.id }).from(targets).where(condition)
      .orderBy(desc(targets.updatedAt), targets.id).limit(query.limit).offset(query.offset)
      .then((page) => figuresOf(db, page.map((p) => p.id), scope)),
  ]);
  return {
    // R13: a person's identity number is masked in every answer.
    items: rows.map((r) => ({ ...r, idNumber: r.idNumber ? maskIdNumber(r.idNumber) : null, updatedAt: toShanghaiIso(r.updatedAt) })),
    ...counted,
    limit: query.limit,
    offset: query.offset,
  };
}

/** The targets of a page, in its order, each with figures counted over the cases the reader sees. */
async function figuresOf(db: Db, ids: string[], scope: ReadScope) {
  return ids.length === 0 ? [] : db.select({
    targetId: targets.id,
    kind: targets.kind,
    name: targets.name,
    creditCode: targets.creditCode,
    idNumber: targets.idNumber,
    status: targets.status,
    updatedAt: targets.updatedAt,
    cases: sql<number>`(select count(*)::int from cases c where c.target_id = ${TARGET_ID} and ${caseVisibleSql(scope, sql.raw('c'))})`,
    measuresInForce: sql<number>`(select count(*)::int from case_measures cm join cases c on c.id = cm.case_id
                                  where c.target_id = ${TARGET_ID} and cm.status = 'active' and ${caseVisibleSql(scope, sql.raw('c'))})`,
    openOverdue: sql<number>`(select count(*)::int from steps s where s.target_id = ${TARGET_ID} and s.done_at is null
                              and s.overdue_at is not null and ${stepVisibleSql(scope, sql.raw('s'))})`,
  }).from(targets).where(inArray(targets.id, ids)).orderBy(desc(targets.updatedAt), targets.id);
}

/** The overdue board: steps overdue and still open that the reader sees, the latest (earliest due) first. */
export async function overdueBoard(db: Db, query: { agencyId?: string; rule?: string; limit: number; offset: number }, now: Date, scope: ReadScope) {
  const filters: SQL[] = [sql`s.done_at is null`, sql`s.overdue_at is not null`, stepVisibleSql(scope, sql.raw('s'))];
  if (query.agencyId) filters.push(sql`s.agency_id = ${query.agencyId}`);
  if (query.rule) filters.push(sql`s.rule = ${query.rule}`);
  const where = sql.join(filters, sql` and `);
  // The page of steps first, then its names: joined before the limit, PostgreSQL joined every
  // overdue step of a province (10 000: 95 ms) to show 100 of them (35 ms this way, bench:search).
  const [rows, counted] = await Promise.all([db.execute<{
    id: string; kind: string; rule: string; month: string | null; agency_id: string | null; agency_name: string | null;
    due_at: Date | string; overdue_at: Date | string; case_id: string | null; document_number: string | null;
    target_id: string | null; target_name: string | null; change_id: string | null; reminders: number;
  }>(sql`
    select s.id, s.kind, s.rule, s.month, s.agency_id, a.name as agency_name, s.due_at, s.overdue_at, s.case_id,
           c.document_number, s.target_id, t.name as target_name, s.change_id, s.reminders
    from (select * from steps s where ${where} order by s.due_at asc, s.id asc limit ${query.limit} offset ${query.offset}) s
    left join cases c on c.id = s.case_id
    left join targets t on t.id = s.target_id
    left join agencies a on a.id = s.agency_id
    order by s.due_at asc, s.id asc`),
  countUpTo(db, sql`select 1 from steps s where ${where}`, countBound(query.offset, query.limit))]);
  return {
    items: rows.map((r) => {
      const dueMs = new Date(r.due_at).getTime();
      return {
        id: r.id,
        step: r.kind,
        stepLabel: stepLabel(r.kind, r.month),
        rule: r.rule,
        month: r.month,
        agencyId: r.agency_id,
        agency: r.agency_name,
        targetId: r.target_id,
        targetName: r.target_name,
        caseId: r.case_id,
        documentNumber: r.document_number,
        changeId: r.change_id,
        dueAt: toShanghaiIso(r.due_at),
        // The last day it could be met on (the instant above is 24:00 of that day).
        dueOn: toShanghaiIso(dueMs - 1).slice(0, 10),
        detectedAt: toShanghaiIso(r.overdue_at),
        // Whole days late at the time asked (a step due at 24:00 yesterday is 1 day late from this morning).
        daysLate: Math.max(0, Math.ceil((now.getTime() - dueMs) / 86_400_000)),
        reminders: r.reminders,
      };
    }),
    ...counted,
    limit: query.limit,
    offset: query.offset,
  };
}
