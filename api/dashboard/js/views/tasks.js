// 我的待办 (R14): every open step the signed-in agency owes, soonest first, with its last day and
// the working days left on the server's calendar; overdue ones marked. Each links to where it is done.
import { api } from '../api.js';
import { badge, card, h, loading, pager, show, table } from '../dom.js';
import { daysLeft, due } from '../format.js';

const LIMIT = 50;

/** Where a task is done: the case's page (at the form), the monthly report, or the list review. */
export function taskHref(t) {
  if (t.kind === 'measure_review') return `#/lists?change=${encodeURIComponent(t.changeId)}`;
  if (t.kind === 'feedback') return `#/reports?month=${t.month}`;
  if (t.caseId) return `#/target/${t.targetId}/case/${t.caseId}`;
  return `#/target/${t.targetId}`;
}

export async function render({ params, refreshTaskCount }) {
  show(loading());
  const offset = Number(params.get('offset') ?? 0);
  try {
    const page = await api(`/tasks?limit=${LIMIT}&offset=${offset}`);
    refreshTaskCount();
    const rows = page.items.map((t) => h('tr', { class: t.overdue || t.workingDaysLeft < 0 ? 'overdue' : null, 'data-kind': t.kind },
      h('td', {}, h('a', { href: taskHref(t) }, t.label)),
      h('td', {}, t.rule),
      h('td', {}, t.kind === 'measure_review' ? `清单变更 ${t.measureCode ?? ''}` : t.targetName ?? '—'),
      h('td', {}, t.documentNumber ?? (t.month ? `${t.month} 月度反馈` : '—')),
      h('td', { class: 'due' }, due(t)),
      h('td', {}, t.overdue || t.workingDaysLeft < 0 ? badge(t.workingDaysLeft < 0 ? daysLeft(t.workingDaysLeft) : '已逾期', 'overdue')
        : t.workingDaysLeft <= 1 ? badge(daysLeft(t.workingDaysLeft), 'open') : daysLeft(t.workingDaysLeft))));
    show(card(`我的待办（${page.total} 项${page.overdue ? `，逾期 ${page.overdue} 项` : ''}）`,
      h('p', { class: 'muted' }, `按期限先后排列；工作日按国务院节假日安排计算（今日 ${page.today}）。`),
      table(['环节', '规则', '对象', '案件', '期限', '剩余'], rows, 'task-list', '没有待办事项'),
      pager(page, offset, LIMIT, (o) => `#/tasks?offset=${o}`)));
  } catch (err) {
    show(h('p', { class: 'error', role: 'alert' }, err.message));
  }
}
