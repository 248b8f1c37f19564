// 月度报告 (R9): an implementer's report on a month that has ended, for all its targets at once: a
// count per category of 000 §二(五), the enhanced supervision carried out and typical cases. The
// reports made, and how many targets each reached, for the implementer and the overseers.
import { api, bodySchema } from '../api.js';
import { card, h, loading, show, table } from '../dom.js';
import { fmtTime, options, todayInShanghai } from '../format.js';
import { schemaForm } from '../schema-form.js';

const lastMonth = () => {
  const [y, m] = todayInShanghai().split('-').map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};

export async function render({ me, params, refreshTaskCount }) {
  show(loading());
  const month = params.get('month') ?? lastMonth();
  const parts = [];
  const list = h('div', {}, loading());
  const load = async () => {
    try {
      const { items } = await api(`/reports?month=${month}`);
      list.replaceChildren(table(['实施机构', '月份', ...Object.values(reportCategories()), '报送时间', '送达对象'], items.map((r) => h('tr', {},
        h('td', {}, r.implementer ?? r.implementerId), h('td', {}, r.month),
        ...Object.keys(reportCategories()).map((k) => h('td', {}, r.counts?.[k] ?? 0)),
        h('td', {}, fmtTime(r.reportedAt)), h('td', {}, r.delivered === null ? `送达中（应送 ${r.targetsOwing}）` : `${r.delivered}/${r.targetsOwing}`))), 'report-list', '本月尚无报告'));
    } catch (err) {
      list.replaceChildren(h('p', { class: 'error', role: 'alert' }, err.message));
    }
  };
  if (me.roles.includes('IMPLEMENTER')) {
    const schema = await bodySchema('post', '/reports');
    parts.push(card(`报送月度报告（R9，次月 7 日前）`, schemaForm({
      id: 'report-form', schema,
      fields: {
        month: { value: month, hint: '只能报送已结束的月份' }, enhancedSupervision: { textarea: true }, typicalCases: { textarea: true },
        ...Object.fromEntries(Object.keys(schema.properties.counts.properties).map((k) => [`counts.${k}`, { value: 0 }])),
      },
      submitLabel: '报送',
      submit: (body, key) => api('/reports', { method: 'POST', body, idempotencyKey: key }),
      done: async (r) => {
        refreshTaskCount();
        document.getElementById('report-result').replaceChildren(h('p', { class: 'ok', role: 'status' },
          `已报送 ${r.month} 月度报告，应送达 ${r.targetsOwing} 个惩戒对象。`));
        await load();
      },
    }), h('div', { id: 'report-result', 'aria-live': 'polite' })));
  }
  const picker = h('input', { type: 'month', id: 'reports-month', value: month });
  picker.addEventListener('change', () => { location.hash = `#/reports?month=${picker.value}`; });
  parts.push(card('已报送的月度报告', h('label', { for: 'reports-month' }, '月份 '), picker, list));
  show(...parts);
  await load();
}

const reportCategories = () => options('reportCategories');
