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
