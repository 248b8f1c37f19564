// Target search (R14): name or credit code, status, the agency involved (picked from the
// directory), the AUTHORITY's field, a measure, overdue only; a page at a time.
import { api, directory, measureList } from '../api.js';
import { badge, card, h, pager, show, table } from '../dom.js';
import { fmtTime, label } from '../format.js';
import { agencyOption } from '../widgets.js';

const LIMIT = 20;

export async function render({ params }) {
  const [agencies, measures] = await Promise.all([directory(), measureList()]).catch(() => [[], []]);
  const select = (name, first, entries) => h('select', { name, id: `filter-${name}` }, h('option', { value: '' }, first),
    ...entries.map(([v, l]) => h('option', { value: v, selected: params.get(name) === v }, l)));
  const fields = [...new Set(agencies.map((a) => a.field).filter(Boolean))];
  const form = h('form', { class: 'filters', id: 'search', role: 'search' },
    h('label', {}, '名称或信用代码', h('input', { name: 'q', value: params.get('q') ?? '' })),
    h('label', {}, '状态', select('status', '全部', Object.entries(VOCAB_STATUS()))),
    h('label', {}, '涉及机构', select('agencyId', '全部机构', agencies.map((a) => [a.id, agencyOption(a)]))),
    h('label', {}, '领域', select('field', '全部领域', fields.map((f) => [f, f]))),
    h('label', {}, '措施', select('measure', '全部措施', measures.map((m) => [m.code, m.name]))),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'overdue', checked: params.get('overdue') === 'true' }), ' 仅逾期'),
    h('button', { class: 'primary', type: 'submit' }, '查询'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) next.set(k, k === 'overdue' ? 'true' : String(v));
    location.hash = `#/targets?${next}`;
  });
  const results = h('div', {}, h('p', { class: 'muted' }, '加载中…'));
  show(card('惩戒对象查询', form), card(null, results));
  const offset = Number(params.get('offset') ?? 0);
  const query = new URLSearchParams([...params].filter(([k]) => k !== 'offset'));
  try {
    const page = await api(`/targets?${query}&limit=${LIMIT}&offset=${offset}`);
    const rows = page.items.map((t) => h('tr', {},
      h('td', {}, h('a', { href: `#/target/${t.targetId}` }, t.name)),
      h('td', {}, t.creditCode ?? (t.kind === 'person' ? '自然人' : '—')),
      h('td', {}, badge(label('targetStatus', t.status), t.status)),
      h('td', {}, t.cases), h('td', {}, t.measuresInForce),
      h('td', {}, t.openOverdue > 0 ? badge(`${t.openOverdue} 项逾期`, 'overdue') : '—'),
      h('td', {}, fmtTime(t.updatedAt))));
    const href = (o) => {
      const next = new URLSearchParams(query);
      next.set('offset', String(o));
      return `#/targets?${next}`;
    };
    results.replaceChildren(table(['名称', '统一社会信用代码', '状态', '案件', '实施中措施', '逾期', '最近变化'], rows, 'target-list', '没有符合条件的惩戒对象'),
      pager(page, offset, LIMIT, href, '个对象'));
  } catch (err) {
    results.replaceChildren(h('p', { class: 'error', role: 'alert' }, err.message));
  }
}

const VOCAB_STATUS = () => ({ open: label('targetStatus', 'open'), closed: label('targetStatus', 'closed') });
