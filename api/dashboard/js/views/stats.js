// Monthly statistics (R14): per agency the steps due in the month by outcome as a chart and a
// table, R9 compliance and what each implementer reported, measures in force, releases; CSV export.
import { api } from '../api.js';
import { card, h, show, table } from '../dom.js';
import { label, todayInShanghai } from '../format.js';

const SERIES = [['onTime', '按期完成'], ['late', '逾期完成'], ['overdue', '仍逾期'], ['pending', '未到期']];

/** One horizontal stacked bar per agency: its steps due in the month, by outcome (colours in style.css). */
function complianceChart(rows) {
  const ns = 'http://www.w3.org/2000/svg';
  const s = (tag, attrs, text) => {
    const el = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (text !== undefined) el.textContent = text;
    return el;
  };
  const max = Math.max(1, ...rows.map((r) => r.due));
  const barW = 560;
  const svg = s('svg', { width: 220 + barW + 60, height: rows.length * 28 + 10, role: 'img', 'aria-label': '各机构按期完成情况', id: 'compliance-chart' });
  rows.forEach((r, i) => {
    const y = i * 28 + 4;
    svg.append(s('text', { x: 0, y: y + 15, 'font-size': 13 }, `${r.agency ?? r.agencyId ?? '（审核机构）'}`));
    let x = 220;
    for (const [key, text] of SERIES) {
      const w = (r[key] / max) * barW;
      if (w > 0) {
        const rect = s('rect', { x, y, width: w, height: 20, class: `bar-${key}` });
        rect.append(s('title', {}, `${text} ${r[key]}`));
        svg.append(rect);
      }
      x += w;
    }
    svg.append(s('text', { x: x + 6, y: y + 15, 'font-size': 12 }, `${r.onTime}/${r.due}`));
  });
  return svg;
}

export async function render({ params }) {
  const month = params.get('month') ?? todayInShanghai().slice(0, 7);
  const picker = h('input', { type: 'month', name: 'month', value: month, id: 'stats-month' });
  picker.addEventListener('change', () => { location.hash = `#/stats?month=${picker.value}`; });
  const csv = h('button', {
    type: 'button',
    onclick: async () => {
      const res = await api(`/stats?month=${month}&format=csv`, { raw: true });
      const url = URL.createObjectURL(await res.blob());
      h('a', { href: url, download: `统计-${month}.csv` }).click();
      URL.revokeObjectURL(url);
    },
  }, '导出 CSV');
  show(card('月度统计', h('label', { for: 'stats-month' }, '月份 '), picker, ' ', csv), h('p', { class: 'muted' }, '加载中…'));
  const view = document.getElementById('view');
  try {
    const st = await api(`/stats?month=${month}`);
    const legend = h('p', { class: 'legend' }, ...SERIES.map(([key, text]) => h('span', {}, h('i', { class: `bar-${key}` }), text)));
    const agencyRows = st.steps.map((r) => h('tr', {}, h('td', {}, r.agency ?? r.agencyId ?? '（审核机构）'),
      h('td', {}, r.due), h('td', {}, r.onTime), h('td', {}, r.late), h('td', {}, r.overdue), h('td', {}, r.pending)));
    const feedbackRows = st.feedback.map((r) => h('tr', {}, h('td', {}, r.agency ?? r.agencyId), h('td', {}, r.month),
      h('td', {}, r.owed), h('td', {}, r.onTime), h('td', {}, r.late), h('td', {}, r.missing),
      h('td', {}, r.compliance === null ? '—' : `${Math.round(r.compliance * 100)}%`)));
    const measureRows = st.measuresInForce.map((r) => h('tr', {}, h('td', {}, label('lists', r.list)), h('td', {}, label('measureCategories', r.category)),
      h('td', {}, r.active), h('td', {}, r.suspended)));
    const releaseRows = st.releases.map((r) => h('tr', {}, h('td', {}, r.month), h('td', {}, label('releaseReasons', r.reason)), h('td', {}, r.count)));
    view.lastChild.replaceWith(
      card(`${month} 各机构环节完成情况（共 ${st.total.due} 项，按期 ${st.total.onTime}）`, legend,
        st.steps.length ? complianceChart(st.steps) : h('p', { class: 'muted' }, '本月没有到期环节'),
        table(['机构', '到期', '按期完成', '逾期完成', '仍逾期', '未到期'], agencyRows, 'stats-agencies')),
      card('月度反馈（R9）', table(['实施机构', '反馈月份', '应报', '按期', '逾期报送', '未报', '按期率'], feedbackRows, 'stats-feedback')),
      card('实施中的措施', table(['清单', '类别', '实施中', '暂停'], measureRows)),
      card('解除情况', table(['月份', '原因', '措施数'], releaseRows)));
  } catch (err) {
    view.lastChild.replaceWith(h('p', { class: 'error', role: 'alert' }, err.message));
  }
}
