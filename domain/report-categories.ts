// R9: what the monthly report counts (000 §二(五): 实施机构在每月7日前将上个月任职限制、市场和行业禁入、
// 职业禁入和从业限制、限制享受优惠便利措施、限制评先评优以及强化监管措施开展情况和典型案例反馈至闭环系统).
// One registry: the report's input schema, its stored counts, /stats and its CSV read it. Pure.

export const REPORT_CATEGORIES = {
  officeRestrictions: { label: '任职限制', measureCategory: 'R6' },
  marketBans: { label: '市场和行业禁入', measureCategory: 'R6' },
  professionBans: { label: '职业禁入和从业限制', measureCategory: 'R6' },
  preferentialRestrictions: { label: '限制享受优惠便利措施', measureCategory: 'R7' },
  honourRestrictions: { label: '限制评先评优', measureCategory: 'R7' },
  enhancedSupervision: { label: '强化监管措施', measureCategory: 'R8' },
} as const;

export type ReportCategory = keyof typeof REPORT_CATEGORIES;
export const REPORT_CATEGORY_KEYS = Object.keys(REPORT_CATEGORIES) as ReportCategory[];

/** How many times each category was carried out in the month (restrictions applied, inspections made …). */
export type ReportCounts = Record<ReportCategory, number>;

/** The month a report may be made on: a month that has ended (上个月), not later than the last. */
export function reportableMonth(month: string, today: string): string | null {
  const thisMonth = today.slice(0, 7);
  return month < thisMonth ? null : `reports are made on a month that has ended; ${month} has not (this month is ${thisMonth})`;
}
