// The agency registry and its API keys. A key is shown once, when issued; only its SHA-256
// hash is stored (keys are 32 random bytes, so a slow hash adds nothing).
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import type { Db, DbOrTx } from './client';
import { agencies, apiKeys, type Role } from './schema';

export type Agency = typeof agencies.$inferSelect;

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export async function issueKey(db: Db, agencyId: string): Promise<{ keyId: string; apiKey: string }> {
  const keyId = `k_${randomBytes(6).toString('hex')}`;
  const apiKey = `jd_${keyId.slice(2)}_${randomBytes(32).toString('base64url')}`;
  await db.insert(apiKeys).values({ id: keyId, agencyId, keyHash: hashKey(apiKey) });
  return { keyId, apiKey };
}

/**
 * A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes (the spec asks for
 * 24 to 64). Shown once, when issued; stored as is, since the outbox signs with it.
 */
export const newNotifySecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/** Why a signing secret supplied by an ADMIN is not in the spec's format, or null. */
export function notifySecretRefusal(secret: string): string | null {
  const m = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  if (!m || m[1].length % 4 !== 0) return 'must be whsec_ followed by standard base64 (Standard Webhooks); leave it out to have one issued';
  const bytes = Buffer.from(m[1], 'base64').length;
  if (bytes < 24 || bytes > 64) return `must hold 24 to 64 bytes of key, not ${bytes}`;
  return null;
}

export async function revokeKey(db: Db, keyId: string, at = new Date()): Promise<boolean> {
  const rows = await db.update(apiKeys).set({ revokedAt: at })
    .where(and(eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt))).returning({ id: apiKeys.id });
  return rows.length > 0;
}

export async function agencyById(db: DbOrTx, id: string): Promise<Agency | null> {
  const [row] = await db.select().from(agencies).where(eq(agencies.id, id));
  return row ?? null;
}

/** Every registered agency, by id: the ADMIN's and the supervisors' registry. */
export async function allAgencies(db: Db): Promise<Agency[]> {
  return db.select().from(agencies).orderBy(asc(agencies.id));
}

/** Writes a new agency under a fresh `ag-…` id; its keys are issued apart (issueKey). */
export async function registerAgency(db: Db, agency: Omit<typeof agencies.$inferInsert, 'id'>): Promise<Agency> {
  const [row] = await db.insert(agencies).values({ ...agency, id: `ag-${randomBytes(5).toString('hex')}` }).returning();
  return row;
}

/**
 * Changes what an ADMIN may change of an agency: its notification endpoint (with the signing
 * secret issued for its first one, which like any other ends the pre-standard signature), its
 * region, its national scope, its level and the AUTHORITY above it (R4). Null: no such agency.
 */
export async function changeAgency(db: Db, agencyId: string, change: {
  notifyUrl?: string | null; issuedSecret?: string; region?: string | null; nationalScope?: boolean;
  /** R4: its level and the AUTHORITY above it. */
  level?: string; parentId?: string | null;
}): Promise<Agency | null> {
  const { issuedSecret, ...fields } = change;
  const [row] = await db.update(agencies)
    .set({ ...fields, ...(issuedSecret && { notifySecret: issuedSecret, notifyLegacySignature: false }) })
    .where(eq(agencies.id, agencyId)).returning();
  return row ?? null;
}

/** Replaces an agency's signing secret; the old one and the pre-standard headers stop at once. Null: no such agency. */
export async function replaceNotifySecret(db: Db, agencyId: string, notifySecret: string): Promise<Agency | null> {
  const [row] = await db.update(agencies).set({ notifySecret, notifyLegacySignature: false })
    .where(eq(agencies.id, agencyId)).returning();
  return row ?? null;
}

/** One key of one agency, revoked or not; null when the key is not that agency's. */
export async function keyOfAgency(db: Db, agencyId: string, keyId: string): Promise<typeof apiKeys.$inferSelect | null> {
  const [row] = await db.select().from(apiKeys).where(and(eq(apiKeys.id, keyId), eq(apiKeys.agencyId, agencyId)));
  return row ?? null;
}

/** The agency a live (unrevoked) key belongs to, with the key's id (for the audit trail), or null. */
export async function keyHolder(db: Db, apiKey: string): Promise<{ agency: Agency; keyId: string } | null> {
  const [row] = await db.select({ agency: agencies, keyId: apiKeys.id }).from(apiKeys)
    .innerJoin(agencies, eq(apiKeys.agencyId, agencies.id))
    .where(and(eq(apiKeys.keyHash, hashKey(apiKey)), isNull(apiKeys.revokedAt)));
  return row ?? null;
}

/** The agency a live (unrevoked) key belongs to, or null. */
export async function agencyByKey(db: Db, apiKey: string): Promise<Agency | null> {
  return (await keyHolder(db, apiKey))?.agency ?? null;
}

export interface DemoAgency {
  id: string;
  name: string;
  roles: Role[];
  apiKey: string;
}

/** Hangzhou (330100) unless said; one agency in Ningbo (330200) to show that regions divide what is read. */
type DemoRow = typeof agencies.$inferInsert & { id: string };
const DEMO = ([
  // R4: reports go up level by level: the city AUTHORITY, the province's, the national one.
  { id: 'demo-samr', name: '国家市场监督管理总局', roles: ['AUTHORITY'], level: 'national', region: '110000', field: '市场监管' },
  { id: 'demo-province', name: '浙江省市场监督管理局', roles: ['AUTHORITY'], level: 'province', region: '330000', parentId: 'demo-samr', field: '市场监管' },
  { id: 'demo-enforcement', name: '杭州市市场监督管理局执法稽查处', roles: ['ENFORCEMENT'], field: '市场监管' },
  { id: 'demo-credit', name: '杭州市市场监督管理局信用监管处', roles: ['CREDIT'], field: '信用监管' },
  { id: 'demo-authority', name: '杭州市市场监督管理局登记注册处', roles: ['AUTHORITY'], parentId: 'demo-province', field: '登记注册' },
  { id: 'demo-legal', name: '杭州市市场监督管理局法规处', roles: ['LEGAL'], field: '法制' },
  { id: 'demo-approval', name: '杭州市行政审批服务中心', roles: ['IMPLEMENTER'], implementerKind: 'approval_agency' },
  { id: 'demo-association', name: '杭州市食品行业协会', roles: ['IMPLEMENTER'], implementerKind: 'industry_association' },
  // R8: the two platforms records are published on (公示平台), each confirming the orders sent to it.
  { id: 'demo-gsxt', name: '国家企业信用信息公示系统（浙江）', roles: ['PUBLISHER'], publisherChannel: 'gsxt', level: 'province', region: '330000' },
  { id: 'demo-creditchina', name: '信用中国（浙江）', roles: ['PUBLISHER'], publisherChannel: 'creditchina', level: 'province', region: '330000' },
  { id: 'demo-supervisor', name: '杭州市市场监督管理局（督查）', roles: ['SUPERVISOR'] },
  { id: 'demo-province-supervisor', name: '浙江省市场监督管理局（督查）', roles: ['SUPERVISOR'], level: 'province', region: '330000' },
  { id: 'demo-ningbo-enforcement', name: '宁波市市场监督管理局执法稽查处', roles: ['ENFORCEMENT'], field: '市场监管', region: '330200' },
  { id: 'demo-admin', name: '系统管理员', roles: ['ADMIN'] },
  // Keys for an existing agency take a second ADMIN's approval (README, "Security").
  { id: 'demo-admin-2', name: '系统管理员（复核）', roles: ['ADMIN'] },
] as DemoRow[]).map((a): DemoRow => ({ level: 'city', region: '330100', ...a }));

/** What `npm start` prints about the demo agencies: who they are and where their keys are, never a key. */
export function demoAgencyLines(file: string, demo: DemoAgency[]): string[] {
  const width = Math.max(...demo.map((a) => a.roles.join(',').length));
  return [
    `Demo agencies (their keys are in ${file} only; send Authorization: Bearer <key>):`,
    ...demo.map((a) => `  ${a.roles.join(',').padEnd(width)}  ${a.id.padEnd(26)}  ${a.name}`),
  ];
}

/**
 * Embedded mode only: one or more demo agencies per role, their keys written to
 * <dataDir>/demo-agencies.json. A second start reuses the file while its keys still work.
 */
export async function ensureDemoAgencies(db: Db, dataDir: string): Promise<{ file: string; agencies: DemoAgency[] }> {
  const file = join(dataDir, 'demo-agencies.json');
  // Every start: the demo agencies as listed (one made before regions existed gets its region).
  for (const agency of DEMO) {
    await db.insert(agencies).values(agency).onConflictDoUpdate({ target: agencies.id, set: { region: agency.region, level: agency.level, parentId: agency.parentId ?? null } });
  }
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8')) as DemoAgency[];
    const live = await Promise.all(saved.map((a) => agencyByKey(db, a.apiKey)));
    const covered = DEMO.every((d) => saved.some((a) => a.id === d.id));
    if (covered && live.every((a, i) => a?.id === saved[i].id)) return { file, agencies: saved };
  }
  const out: DemoAgency[] = [];
  for (const agency of DEMO) {
    const { apiKey } = await issueKey(db, agency.id!);
    out.push({ id: agency.id!, name: agency.name, roles: agency.roles as Role[], apiKey });
  }
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`, { mode: 0o600 });
  return { file, agencies: out };
}

/** An agency's keys, newest first: ids and dates only (a key itself is never stored). */
export async function keysOf(db: Db, agencyId: string): Promise<{ keyId: string; createdAt: Date; revokedAt: Date | null }[]> {
  return db.select({ keyId: apiKeys.id, createdAt: apiKeys.createdAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys).where(eq(apiKeys.agencyId, agencyId)).orderBy(desc(apiKeys.createdAt), asc(apiKeys.id));
}
