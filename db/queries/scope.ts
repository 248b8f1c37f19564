// Scope by jurisdiction in SQL: the rule of domain/regions.ts (caseVisible) for the queries that
// read many targets at once (search, the overdue board, statistics). A case stands in the regions
// of its filer and its AUTHORITY; a reader sees it when it stands to it itself, when one of those
// regions starts with its region's prefix, or with national scope.
import { sql, type SQL } from 'drizzle-orm';
import type { ReadScope } from '../../domain/regions';

/**
 * An agency stands to case `c` (an SQL alias): it filed it, it is addressed to it, it was pushed
 * to it, or a step of it is addressed to it (R4 the level above, R2/R3 a consultation, R11 a complaint).
 */
function standsTo(agencyId: string, c: SQL): SQL {
  return sql`(${c}.pushed_by = ${agencyId} or ${c}.authority_id = ${agencyId}
    or exists (select 1 from case_implementers sci where sci.case_id = ${c}.id and sci.agency_id = ${agencyId})
    or exists (select 1 from steps sst where sst.case_id = ${c}.id and sst.agency_id = ${agencyId}))`;
}

/**
 * Regions are six digits (checked when set), so the prefix needs no escaping for LIKE. Not
 * correlated: PostgreSQL reads the region's agencies once per query into a hash, and each case
 * is a lookup in it. A correlated probe per case made a regional SUPERVISOR's first page 185 ms
 * p50 at 100 000 targets, 82–87 ms this way (`npm run bench:search`; `= any(array(…))` took 197).
 */
const inRegion = (agencyColumn: SQL, prefix: string) =>
  sql`${agencyColumn} in (select sra.id from agencies sra where sra.region like ${`${prefix}%`})`;

/** Case `c` (an SQL alias of `cases`) is visible in this scope. */
export function caseVisibleSql(scope: ReadScope, c: SQL): SQL {
  if (scope.kind === 'national') return sql`true`;
  const own = standsTo(scope.agencyId, c);
  if (scope.kind === 'own') return own;
  // The region's lookups first: the cheaper test, and the one that answers for most cases a regional reader sees.
  return sql`(${inRegion(sql`${c}.pushed_by`, scope.prefix)} or ${inRegion(sql`${c}.authority_id`, scope.prefix)} or ${own})`;
}

/** Target `targetId` (an SQL expression) has a case visible in this scope. */
export function targetVisibleSql(scope: ReadScope, targetId: SQL): SQL {
  if (scope.kind === 'national') return sql`true`;
  return sql`exists (select 1 from cases vc where vc.target_id = ${targetId} and ${caseVisibleSql(scope, sql.raw('vc'))})`;
}

/**
 * Step `s` (an SQL alias of `steps`) on the overdue board: an agency outside the regional roles
 * sees the steps it owes (README: "only the steps it is responsible for"); a regional reader also
 * those of the cases it sees, and the case-less ones (R9 reports, R1 reviews) owed in its region.
 */
export function stepVisibleSql(scope: ReadScope, s: SQL): SQL {
  if (scope.kind === 'national') return sql`true`;
  const owes = sql`${s}.agency_id = ${scope.agencyId}`;
  if (scope.kind === 'own') return owes;
  return sql`(${owes}
    or (${s}.case_id is not null and exists (select 1 from cases sc where sc.id = ${s}.case_id and ${caseVisibleSql(scope, sql.raw('sc'))}))
    or (${s}.case_id is null and ${inRegion(sql`${s}.agency_id`, scope.prefix)}))`;
}

/**
 * The agencies whose figures a reader counts (R14 statistics are per responsible agency): its
 * own, those of its region with a regional scope, every one with national scope (null: no limit).
 */
export function agenciesCountedSql(scope: ReadScope, agencyColumn: SQL): SQL | null {
  if (scope.kind === 'national') return null;
  const own = sql`${agencyColumn} = ${scope.agencyId}`;
  if (scope.kind === 'own') return own;
  return sql`(${own} or ${inRegion(agencyColumn, scope.prefix)})`;
}
