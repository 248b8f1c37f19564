// The actors of DOMAIN.md ("Actors"): one vocabulary for the API, the database and the labels.

export const ROLES = ['ENFORCEMENT', 'CREDIT', 'AUTHORITY', 'LEGAL', 'IMPLEMENTER', 'SUPERVISOR', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  ENFORCEMENT: '执法办案机构',
  CREDIT: '信用监管机构',
  AUTHORITY: '业务主管机构',
  LEGAL: '法制机构',
  IMPLEMENTER: '实施机构',
  SUPERVISOR: '监督机构',
  ADMIN: '系统管理员',
};

/** R4: the levels of government an agency sits at, lowest first (区县 → 市 → 省 → 国家). */
export const LEVELS = ['district', 'city', 'province', 'national'] as const;
export type Level = (typeof LEVELS)[number];

export const LEVEL_LABELS: Record<Level, string> = { district: '区县', city: '市', province: '省', national: '国家' };

/** R4: why `parent` cannot be the level above `child` (逐级上报), or null when it can. */
export function parentRefusal(child: { id?: string; level: string }, parent: { id: string; level: string; roles: readonly string[] }): string | null {
  if (child.id === parent.id) return 'an agency is not its own level above';
  if (!parent.roles.includes('AUTHORITY')) return `${parent.id} is not an AUTHORITY (业务主管机构): reports go up to the AUTHORITY above`;
  const at = (l: string) => LEVELS.indexOf(l as Level);
  if (at(parent.level) <= at(child.level)) return `${parent.id} is at the ${parent.level} level, not above ${child.level}`;
  return null;
}
