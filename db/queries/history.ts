// What a target's story reads from PostgreSQL: its journal, oldest first, and the names the
// sentences use (agencies, measures, the cases' document numbers).
import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { agencies, cases, journal, measureVersions } from '../schema';

export async function journalOf(db: Db, targetId: string) {
  return db.select().from(journal).where(eq(journal.targetId, targetId)).orderBy(asc(journal.at), asc(journal.id));
}

export async function storyNames(db: Db, caseIds: string[]) {
  const [caseRows, agencyRows, measureRows] = await Promise.all([
    caseIds.length === 0 ? [] : db.select({ id: cases.id, documentNumber: cases.documentNumber }).from(cases).where(inArray(cases.id, caseIds)),
    db.select({ id: agencies.id, name: agencies.name }).from(agencies),
    db.selectDistinctOn([measureVersions.code], { code: measureVersions.code, nameZh: measureVersions.nameZh }).from(measureVersions),
  ]);
  return {
    documents: new Map(caseRows.map((c) => [c.id, c.documentNumber])),
    agencies: new Map(agencyRows.map((a) => [a.id, a.name])),
    measures: new Map(measureRows.map((m) => [m.code, m.nameZh])),
  };
}
