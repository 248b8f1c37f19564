// R8: what the platforms read (their feed of orders), the order a confirmation names, the
// records of a case, and what the public may look up about an enterprise.
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { agencies, letters, publicityOrders, publicityRecords, targets } from '../schema';

/** The orders sent to one platform after the cursor, oldest first. */
export async function feedOf(db: Db, publisherId: string, after: number, limit: number) {
  const rows = await db.select().from(publicityOrders)
    .where(and(eq(publicityOrders.publisherId, publisherId), gt(publicityOrders.seq, after)))
    .orderBy(asc(publicityOrders.seq)).limit(limit);
  return rows.map((o) => ({
    seq: o.seq, orderId: o.id, order: o.kind, recordId: o.recordId, caseId: o.caseId, record: o.record,
    dueAt: o.dueAt.toISOString(), sentAt: o.createdAt.toISOString(), confirmedAt: o.confirmedAt?.toISOString() ?? null, reference: o.reference,
  }));
}

export async function orderById(db: Db, orderId: string) {
  const [row] = await db.select().from(publicityOrders).where(eq(publicityOrders.id, orderId));
  return row ?? null;
}

/** A case's records on every platform, each with its orders. */
export async function recordsOfCase(db: Db, caseId: string) {
  const records = await db.select().from(publicityRecords).where(eq(publicityRecords.caseId, caseId)).orderBy(asc(publicityRecords.id));
  const orders = records.length ? await db.select().from(publicityOrders).where(inArray(publicityOrders.recordId, records.map((r) => r.id))).orderBy(asc(publicityOrders.seq)) : [];
  return records.map((r) => ({
    recordId: r.id, code: r.code, channel: r.channel, publisherId: r.publisherId, status: r.status, underObjection: r.underObjection,
    publishedOn: r.publishedOn, withdrawnOn: r.withdrawnOn, record: r.record,
    orders: orders.filter((o) => o.recordId === r.id).map((o) => ({
      orderId: o.id, order: o.kind, dueAt: o.dueAt.toISOString(), sentAt: o.createdAt.toISOString(), confirmedAt: o.confirmedAt?.toISOString() ?? null, reference: o.reference,
    })),
  }));
}

/**
 * R17, 002 篇四 第十七条: what is published now about an enterprise, by its credit code: only
 * records a platform confirmed as published and not withdrawn. Persons are never looked up here.
 */
export async function publishedAbout(db: Db, creditCode: string) {
  const [target] = await db.select({ id: targets.id, name: targets.name }).from(targets)
    .where(and(eq(targets.kind, 'enterprise'), eq(targets.creditCode, creditCode))).limit(1);
  if (!target) return null;
  const rows = await db.select({ r: publicityRecords, platform: agencies.name }).from(publicityRecords)
    .leftJoin(agencies, eq(agencies.id, publicityRecords.publisherId))
    .where(and(eq(publicityRecords.targetId, target.id), eq(publicityRecords.status, 'published')))
    .orderBy(asc(publicityRecords.publishedOn), asc(publicityRecords.id));
  return {
    name: target.name, creditCode,
    records: rows.map(({ r, platform }) => ({
      measure: r.record.measure.name, category: r.record.measure.category, from: r.record.measure.from, until: r.record.measure.until,
      determinedOn: r.record.determinedOn, documentNumber: r.record.cause.documentNumber, issuer: r.record.cause.issuer,
      penalty: r.record.cause.penaltyTypeLabel, producer: r.record.producer.name, channel: r.record.channel, platform,
      publishedOn: r.publishedOn, underObjection: r.underObjection,
    })),
  };
}

/** R17: the letters of a case, oldest first, without what they say (read one for that). */
export async function lettersOfCase(db: Db, caseId: string) {
  const rows = await db.select().from(letters).where(eq(letters.caseId, caseId)).orderBy(asc(letters.issuedAt), asc(letters.id));
  return rows.map(letterView);
}

export async function letterOfCase(db: Db, caseId: string, letterId: string) {
  const [row] = await db.select().from(letters).where(and(eq(letters.caseId, caseId), eq(letters.id, letterId)));
  return row ?? null;
}

export function letterView(l: typeof letters.$inferSelect) {
  return {
    letterId: l.id, caseId: l.caseId, kind: l.kind, title: String(l.content.title ?? ''), issuedBy: l.issuedBy,
    issuedAt: l.issuedAt.toISOString(), deliveredOn: l.deliveredOn, deliveryWay: l.deliveryWay, deliveredBy: l.deliveredBy,
  };
}
