// 004's publicity rules as data an ADMIN changes (GET/PUT /publicity/rules), defaults from the
// seed (domain/publicity.ts). Intake reads them and fixes a case's terms when it is filed.
import { eq } from 'drizzle-orm';
import type { Db, DbOrTx } from './client';
import { policySettings } from './schema';
import { DEFAULT_PUBLICITY_RULES, type PublicityRules } from '../domain/publicity';

const KIND = 'publicity';

export async function publicityRules(db: DbOrTx): Promise<PublicityRules> {
  const [row] = await db.select().from(policySettings).where(eq(policySettings.kind, KIND));
  return { ...DEFAULT_PUBLICITY_RULES, ...(row?.value ?? {}) };
}

export async function setPublicityRules(db: Db, rules: PublicityRules, actor: string, at: Date): Promise<void> {
  await db.insert(policySettings).values({ kind: KIND, value: rules, updatedBy: actor, updatedAt: at })
    .onConflictDoUpdate({ target: policySettings.kind, set: { value: rules, updatedBy: actor, updatedAt: at } });
}
