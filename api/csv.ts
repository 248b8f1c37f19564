// The monthly statistics (R14, db/queries/stats.ts) as one long CSV table a spreadsheet pivots.
import type { MonthlyStats } from '../db/queries/stats';
import { REPORT_CATEGORIES, REPORT_CATEGORY_KEYS } from '../domain/report-categories';
import { stepLabel } from '../domain/steps';

/**
 * One cell. A text starting with =, +, -, @, a tab or a carriage return is a formula to a
 * spreadsheet (CSV injection, OWASP): it is prefixed with an apostrophe, which the spreadsheet
 * shows as text. Numbers are figures and stay as they are.
 */
export const csvCell = (v: unknown) => {
  let s = v === null || v === undefined ? '' : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * The same figures as one long table a spreadsheet pivots: section, month, who or what, metric,
 * value. A UTF-8 byte-order mark lets spreadsheet programs read the Chinese names.
 */
export function statsCsv(stats: MonthlyStats): string {
  const rows: unknown[][] = [['section', 'month', 'key', 'name', 'metric', 'value']];
  for (const r of stats.steps) {
    for (const m of ['due', 'onTime', 'late', 'overdue', 'pending'] as const) rows.push(['steps', r.month, r.agencyId, r.agency, m, r[m]]);
  }
  for (const r of stats.byStep) {
    for (const m of ['due', 'onTime', 'late', 'overdue', 'pending'] as const) rows.push(['steps_by_kind', r.month, r.step, `${stepLabel(r.step)} ${r.rule}`, m, r[m]]);
  }
  for (const r of stats.feedback) {
    for (const m of ['owed', 'onTime', 'late', 'missing', 'pending', 'compliance'] as const) rows.push(['feedback', r.month, r.agencyId, r.agency, m, r[m]]);
  }
  for (const r of stats.measuresInForce) {
    rows.push(['measures_in_force', '', r.list, r.category, 'active', r.active], ['measures_in_force', '', r.list, r.category, 'suspended', r.suspended]);
  }
  for (const r of stats.releases) rows.push(['releases', r.month, r.reason, '', 'count', r.count]);
  // R9: one row per category the implementer reported on (the metric names it, 中文 after the key).
  for (const r of stats.reported) {
    for (const k of REPORT_CATEGORY_KEYS) rows.push(['reported', r.month, r.agencyId, r.agency, `${k} ${REPORT_CATEGORIES[k].label}`, r.counts[k] ?? 0]);
    rows.push(['reported', r.month, r.agencyId, r.agency, 'targets', r.targets]);
  }
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
