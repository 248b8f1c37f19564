// R8: the record a platform publishes (one documented format: 基本信息, 认定时间, 认定原因, the
// decision document, the measure and its period, 异议标注; 002 篇二 统一…认定时间、认定原因等数据
// 技术规范), built from what PostgreSQL holds about the case, and the platform of each channel.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/client';
import { agencies, caseMeasures, cases, measureVersions, targets, type PublicityRecordBody } from '../db/schema';
import { CHANNELS, PENALTY_TYPES, type Channel, type PenaltyType } from '../domain/publicity';
import { regionCovers, regionPrefix, regionProblem } from '../domain/regions';

/**
 * The PUBLISHER of a channel for a case: the one whose region covers the region of the case's
 * AUTHORITY most closely (a province's branch of the platform before the national one), then the
 * first by id, so that the choice is stable; null when the channel has none.
 */
export async function publisherOf(tx: DbOrTx, channel: string, caseId: string): Promise<string | null> {
  const rows = await tx.select({ id: agencies.id, region: agencies.region }).from(agencies)
    .where(and(sql`'PUBLISHER' = any(${agencies.roles})`, eq(agencies.publisherChannel, channel))).orderBy(asc(agencies.id));
  if (rows.length <= 1) return rows[0]?.id ?? null;
  const [c] = await tx.select({ region: agencies.region }).from(cases).innerJoin(agencies, eq(agencies.id, cases.authorityId)).where(eq(cases.id, caseId));
  const closeness = (region: string | null) => (region && c?.region && !regionProblem(region) && regionCovers(region, c.region) ? regionPrefix(region).length : 0);
  return rows.reduce((best, r) => (closeness(r.region) > closeness(best.region) ? r : best)).id;
}

export async function publicityRecord(tx: DbOrTx, o: { recordId: string; caseId: string; code: string; channel: string; marked: boolean }): Promise<PublicityRecordBody> {
  const [row] = await tx.select({ c: cases, t: targets, producer: agencies.name }).from(cases)
    .innerJoin(targets, eq(targets.id, cases.targetId))
    .leftJoin(agencies, eq(agencies.id, cases.pushedBy))
    .where(eq(cases.id, o.caseId));
  const { c, t } = row;
  const pinned = c.measures.find((m) => m.code === o.code);
  const [version] = pinned
    ? await tx.select({ nameZh: measureVersions.nameZh }).from(measureVersions)
      .where(and(eq(measureVersions.code, o.code), eq(measureVersions.version, pinned.version)))
    : [];
  const [inForce] = await tx.select().from(caseMeasures).where(and(eq(caseMeasures.caseId, o.caseId), eq(caseMeasures.code, o.code)));
  const penaltyType = c.penaltyType as PenaltyType | null;
  return {
    recordId: o.recordId,
    channel: o.channel, channelName: CHANNELS[o.channel as Channel] ?? o.channel,
    // A person's identity number never leaves the system; the platform gets the name only.
    subject: { kind: t.kind, name: t.name, creditCode: t.kind === 'enterprise' ? t.creditCode : null },
    determinedOn: c.issuedOn,
    cause: {
      source: c.source, documentNumber: c.documentNumber, issuer: c.documentIssuer, issuedOn: c.issuedOn,
      penaltyType, penaltyTypeLabel: penaltyType ? PENALTY_TYPES[penaltyType] ?? null : null, field: c.penaltyField,
    },
    measure: {
      code: o.code, name: version?.nameZh ?? o.code, category: pinned?.category ?? 'R8',
      from: inForce?.activeFrom ?? c.issuedOn, until: inForce?.periodEnd ?? null,
    },
    producer: { agencyId: c.pushedBy ?? '', name: row.producer ?? '' },
    underObjection: o.marked,
  };
}
