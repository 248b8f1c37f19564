// The overdue board (R14): every open overdue step, the longest overdue first, a page at a time,
// narrowed to one responsible agency or rule.
import { api, directory } from '../api.js';
import { card, h, loading, pager, show, table, totalText } from '../dom.js';
import { due } from '../format.js';
import { agencyOption } from '../widgets.js';

const LIMIT = 50;
const RULES = ['R1', 'R2', 'R3', 'R4', 'R5', 'R9', 'R11', 'R12'];

export async function render({ params }) {
  show(loading());
  const offset = Number(params.get('offset') ?? 0);
  const limit = Math.min(200, Math.max(1, Number(params.get('limit') ?? LIMIT) || LIMIT));
  const query = new URLSearchParams([...params].filter(([k, v]) => k !== 'offset' && k !== 'limit' && v));
  try {
    const [board, agencies] = await Promise.all([api(`/overdue?${query}&limit=${limit}&offset=${offset}`), directory()]);
    const pick = (name, first, entries) => h('select', { name, id: `overdue-${name}` }, h('option', { value: '' }, first),
      ...entries.map(([v, l]) => h('option', { value: v, selected: params.get(name) === v }, l)));
    const form = h('form', { class: 'filters', id: 'overdue-filter' },
      h('label', {}, '责任机构', pick('agencyId', '全部机构', agencies.map((a) => [a.id, agencyOption(a)]))),
      h('label', {}, '规则', pick('rule', '全部规则', RULES.map((r) => [r, r]))), h('button', { class: 'primary', type: 'submit' }, '筛选'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      location.hash = `#/overdue?${new URLSearchParams([...new FormData(form)].filter(([, v]) => v))}`;
    });
    const rows = board.items.map((o) => h('tr', {},
      h('td', {}, h('strong', {}, `${o.daysLate} 天`)),
      h('td', {}, o.targetId ? h('a', { href: o.caseId ? `#/target/${o.targetId}/case/${o.caseId}` : `#/target/${o.targetId}` }, o.targetName ?? o.targetId) : o.changeId ? `清单变更 ${o.changeId}` : '—'),
      h('td', {}, o.documentNumber ?? '—'), h('td', {}, o.stepLabel), h('td', {}, o.rule),
      h('td', {}, o.agency ?? o.agencyId ?? '审核机构'), h('td', { class: 'due' }, due(o)), h('td', {}, o.reminders)));
    const href = (o) => {
      const next = new URLSearchParams(query);
      if (limit !== LIMIT) next.set('limit', String(limit));
      next.set('offset', String(o));
      return `#/overdue?${next}`;
    };
    show(card(`逾期事项（${totalText(board)} 项，逾期最久的在前）`, form,
      table(['逾期', '惩戒对象', '案件', '环节', '规则', '责任机构', '期限', '催办次数'], rows, 'overdue-board', '没有逾期事项'),
      pager(board, offset, limit, href)));
  } catch (err) {
    show(h('p', { class: 'error', role: 'alert' }, err.message));
  }
}
