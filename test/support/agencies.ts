import { randomUUID } from 'node:crypto';
import { issueKey } from '../../db/agencies';
import type { Db } from '../../db/client';
import { agencies, type Role } from '../../db/schema';

export interface AgencyExtra {
  /** R5: an IMPLEMENTER's kind; an approval agency unless said otherwise. */
  implementerKind?: string | null;
  /** R4: its level and the AUTHORITY above it. */
  level?: string;
  parentId?: string | null;
  /** Its region (GB/T 2260): Hangzhou (330100) unless said, so the suites' agencies read each other's cases. */
  region?: string | null;
  nationalScope?: boolean;
}

/** A fresh agency with the given roles and a live key, for tests. */
export async function agencyWithKey(db: Db, roles: Role[], name = `测试机构 ${roles.join('/')}`, extra: AgencyExtra = {}) {
  const id = `test-${roles.join('-').toLowerCase()}-${randomUUID().slice(0, 8)}`;
  const implementerKind = extra.implementerKind !== undefined ? extra.implementerKind : roles.includes('IMPLEMENTER') ? 'approval_agency' : null;
  await db.insert(agencies).values({
    id, name, roles, implementerKind, level: extra.level ?? 'city', parentId: extra.parentId ?? null,
    region: extra.region === undefined ? '330100' : extra.region, nationalScope: extra.nationalScope ?? false,
  });
  const { keyId, apiKey } = await issueKey(db, id);
  return { id, name, keyId, apiKey, headers: { authorization: `Bearer ${apiKey}` } };
}
