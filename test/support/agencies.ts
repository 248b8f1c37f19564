import { randomUUID } from 'node:crypto';
import { issueKey } from '../../db/agencies';
import type { Db } from '../../db/client';
import { agencies, type Role } from '../../db/schema';

/**
 * A fresh agency with the given roles and a live key, for tests. In Hangzhou (330100) unless
 * said: the suites' agencies share one region, so they read each other's cases as before regions.
 */
export async function agencyWithKey(
  db: Db, roles: Role[], name = `测试机构 ${roles.join('/')}`, where: { region?: string | null; nationalScope?: boolean } = {},
) {
  const id = `test-${roles.join('-').toLowerCase()}-${randomUUID().slice(0, 8)}`;
  await db.insert(agencies).values({ id, name, roles, region: where.region === undefined ? '330100' : where.region, nationalScope: where.nationalScope ?? false });
  const { keyId, apiKey } = await issueKey(db, id);
  return { id, name, keyId, apiKey, headers: { authorization: `Bearer ${apiKey}` } };
}
