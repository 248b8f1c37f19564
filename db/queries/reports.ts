// R9 The monthly report of an implementer: stored once per implementer and month, then carried
// to every target that owes it (workflows/monthly-report.ts). What /reports and /stats read.
import { and, asc, desc, eq, gt, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../client';
import { agencies, monthlyReports, steps, targets, type ReportCounts } from '../schema';
import type { ReadScope } from '../../domain/regions';
import { agenciesCountedSql } from './scope';

export interface NewReport {
  implementerId: string;
  month: string;
  counts: ReportCounts;
  enhancedSupervision: string;
  typicalCases: string;
  reportedAt: Date;
  filedBy: string;
  fingerprint: string;
}

export type StoredReport = typeof monthlyReports.$inferSelect;

/** The feedback steps of this implementer on this month still open: the targets the report reaches. */
const owing = (implementerId: string, month: string) =>
  and(eq(steps.kind, 'feedback'), eq(steps.agencyId, implementerId), eq(steps.month, month), isNull(steps.doneAt));

/**
 * Stores the report, counting the targets that owe it; a report already made on the month is
 * returned as it stands (`created` false) so the route can tell a retry from a second report.
 */
export async function storeReport(db: Db, r: NewReport): Promise<{ report: StoredReport; created: boolean }> {
  return db.transaction(async (tx) => {
    const [{ n }] = await tx.select({ n: sql<number>`count(*)::int` }).from(steps).where(owing(r.implementerId, r.month));
    const [inserted] = await tx.insert(monthlyReports).values({ ...r, targetsCount: n }).onConflictDoNothing().returning();
    if (inserted) return { report: inserted, created: true };
    const [existing] = await tx.select().from(monthlyReports)
      .where(and(eq(monthlyReports.implementerId, r.implementerId), eq(monthlyReports.month, r.month)));
    return { report: existing, created: false };
  });
}

/** One page of the targets that still owe the report, by target id after `after`. */
export async function owingTargets(db: DbOrTx, implementerId: string, month: string, after: string, limit: number) {
  const rows = await db.select({ targetId: steps.targetId, workflowId: targets.workflowId }).from(steps)
    .innerJoin(targets, eq(targets.id, steps.targetId))
    .where(and(owing(implementerId, month), gt(steps.targetId, after), isNotNull(targets.workflowId)))
    .orderBy(asc(steps.targetId)).limit(limit);
  return rows.map((r) => ({ targetId: r.targetId!, workflowId: r.workflowId! }));
}

export async function markDelivered(db: DbOrTx, implementerId: string, month: string, delivered: number, at: Date): Promise<void> {
  await db.update(monthlyReports).set({ delivered, deliveredAt: at })
    .where(and(eq(monthlyReports.implementerId, implementerId), eq(monthlyReports.month, month)));
}

/** Reports on a month (or all months), of one implementer or of all the reader counts (its scope); newest month first. */
export async function listReports(db: Db, filter: { month?: string; implementerId?: string }, scope: ReadScope) {
  const where: SQL[] = [];
  const inScope = agenciesCountedSql(scope, sql`${monthlyReports.implementerId}`);
  if (inScope) where.push(inScope);
  if (filter.month) where.push(eq(monthlyReports.month, filter.month));
  if (filter.implementerId) where.push(eq(monthlyReports.implementerId, filter.implementerId));
  const rows = await db.select({ report: monthlyReports, implementer: agencies.name }).from(monthlyReports)
    .innerJoin(agencies, eq(agencies.id, monthlyReports.implementerId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(monthlyReports.month), asc(monthlyReports.implementerId)).limit(500);
  return rows.map(({ report, implementer }) => reportView(report, implementer));
}

export function reportView(r: StoredReport, implementer: string | null = null) {
  return {
    implementerId: r.implementerId, implementer, month: r.month, counts: r.counts,
    enhancedSupervision: r.enhancedSupervision, typicalCases: r.typicalCases,
    reportedAt: r.reportedAt.toISOString(), targetsOwing: r.targetsCount,
    delivered: r.delivered, deliveredAt: r.deliveredAt?.toISOString() ?? null,
  };
}

/** R9, R14: what the implementers reported per category, per month and implementer (for /stats). */
export async function reportedCounts(db: Db, from: string, to: string, implementerId: string | undefined, scope: ReadScope) {
  const inScope = agenciesCountedSql(scope, sql`${monthlyReports.implementerId}`);
  const rows = await db.select({ report: monthlyReports, implementer: agencies.name }).from(monthlyReports)
    .innerJoin(agencies, eq(agencies.id, monthlyReports.implementerId))
    .where(and(sql`${monthlyReports.month} between ${from} and ${to}`, implementerId ? eq(monthlyReports.implementerId, implementerId) : undefined, inScope ?? undefined))
    .orderBy(asc(monthlyReports.month), asc(monthlyReports.implementerId));
  return rows.map(({ report, implementer }) => ({
    month: report.month, agencyId: report.implementerId, agency: implementer, counts: report.counts, targets: report.targetsCount,
  }));
}
