// Fields that need more than an input: agencies picked from the directory, measures picked from
// the lists with their basis and period, measures assigned to implementers of their kind. Each
// returns a node of schema-form.js: its element, its value, and where errors on its parts show.
import { h } from './dom.js';
import { label, options } from './format.js';
import { fieldWrap } from './schema-form.js';

let n = 0;
const uid = (p) => `w${(n += 1)}-${p}`;

/** An agency chosen from the directory: `agencies` already filtered to those that fit the field. */
export function agencyPicker(agencies, { empty = '请选择机构' } = {}) {
  return ({ path, required, label: text, cfg }) => {
    const id = uid(path.replace(/\W/g, '-'));
    const select = h('select', { id, name: path, required },
      h('option', { value: '' }, required ? empty : '—（不选）'),
      ...agencies.map((a) => h('option', { value: a.id }, agencyOption(a))));
    if (cfg.value) select.value = cfg.value;
    const el = fieldWrap(text, select, { required, id, hint: cfg.hint });
    return { el, collect: () => select.value || undefined, anchors: () => [['', el]] };
  };
}

export const agencyOption = (a) => `${a.name}（${label('levels', a.level)}${a.implementerKind ? `·${label('implementerKinds', a.implementerKind)}` : ''}）`;

/** Several agencies (e.g. those asked to consult), as checkboxes. */
export function agencyChecks(agencies) {
  return checkboxes(Object.fromEntries(agencies.map((a) => [a.id, agencyOption(a)])));
}

/** An array of strings chosen from fixed options, as checkboxes. */
export function checkboxes(options, { empty = '无可选项' } = {}) {
  return ({ path, label: text, required }) => {
    const boxes = Object.entries(options).map(([v, l]) => {
      const id = uid(`${path}-${v}`.replace(/\W/g, '-'));
      return [v, h('input', { type: 'checkbox', id, value: v, name: path }), h('label', { for: id, class: 'check' })];
    });
    const fs = h('fieldset', { class: 'group checks' }, h('legend', {}, text),
      boxes.length ? boxes.map(([v, box, lab]) => { lab.append(box, ` ${options[v]}`); return lab; }) : h('p', { class: 'muted' }, empty));
    return {
      el: fs,
      collect: () => {
        const picked = boxes.filter(([, box]) => box.checked).map(([v]) => v);
        return picked.length === 0 && !required ? undefined : picked;
      },
      anchors: () => [['', fs], ...boxes.filter(([, box]) => box.checked).map(([, box], i) => [String(i), box.parentElement])],
    };
  };
}

const periodText = (p) => {
  if (p.rule === 'permanent') return '永久';
  if (p.rule === 'by_decision') return '由处罚决定确定';
  const l = p.length ?? {};
  return `固定 ${l.years ? `${l.years} 年` : l.months ? `${l.months} 个月` : `${l.days} 日`}`;
};
const basisText = (m) => (m.legalBasis?.document ? `${m.legalBasis.document}${m.legalBasis.article ? ` ${m.legalBasis.article}` : ''}` : '依据待确认');

/**
 * R1, R10: measures picked from the two lists by list and category, each with its basis and
 * period; a measure whose period the decision sets takes it here. Gives two widgets, one for
 * `measures` and one for `periods`, sharing the choice. `targetKind()` narrows to the target's kind.
 */
export function measurePicker(all, targetKind) {
  const picked = new Map(); // code → { row, period inputs }
  const rows = new Map();
  const listSel = h('select', { id: uid('list'), class: 'list-filter', 'aria-label': '按清单筛选' }, h('option', { value: '' }, '全部清单'),
    ...Object.entries(options('lists')).map(([v, l]) => h('option', { value: v }, l)));
  const catSel = h('select', { id: uid('cat'), class: 'category-filter', 'aria-label': '按类别筛选' }, h('option', { value: '' }, '全部类别'));
  const q = h('input', { type: 'search', id: uid('q'), placeholder: '名称或代码', 'aria-label': '按名称或代码筛选' });
  const body = h('tbody');
  const refresh = () => {
    const kind = targetKind();
    for (const m of all) {
      const row = rows.get(m.code);
      const fits = (!listSel.value || m.list === listSel.value) && (!catSel.value || m.category === catSel.value)
        && (!q.value || `${m.code}${m.name}`.includes(q.value.trim())) && (!kind || m.targetKinds.includes(kind) || (kind === 'enterprise' && m.targetKinds.includes('person')));
      row.hidden = !fits && !picked.has(m.code);
    }
  };
  for (const m of all) {
    const id = uid(m.code.replace(/\W/g, '-'));
    const box = h('input', { type: 'checkbox', id, value: m.code, name: 'measures', 'data-code': m.code });
    const amount = h('input', { type: 'number', min: 1, max: 1200, step: 1, 'aria-label': `${m.name} 的期限`, name: `periods.${m.code}.amount`, size: 4 });
    const unit = h('select', { 'aria-label': `${m.name} 的期限单位`, name: `periods.${m.code}.unit` },
      h('option', { value: 'years' }, '年'), h('option', { value: 'months' }, '个月'), h('option', { value: 'days' }, '日'));
    const periodCell = m.period.rule === 'by_decision' ? h('span', { class: 'period-input', hidden: true }, amount, unit) : null;
    box.addEventListener('change', () => {
      if (box.checked) picked.set(m.code, { amount, unit });
      else picked.delete(m.code);
      if (periodCell) periodCell.hidden = !box.checked;
    });
    const row = h('tr', { 'data-code': m.code },
      h('td', {}, box), h('td', {}, h('label', { for: id }, m.name), h('div', { class: 'muted small' }, m.code)),
      h('td', {}, label('lists', m.list), h('div', { class: 'muted small' }, label('measureCategories', m.category))),
      h('td', { class: 'small' }, basisText(m)),
      h('td', {}, periodText(m.period), periodCell ? h('div', {}, periodCell) : null),
      h('td', { class: 'small' }, label('implementerKinds', m.implementerKind)));
    rows.set(m.code, row);
    body.append(row);
  }
  for (const [v, l] of Object.entries(options('measureCategories'))) catSel.append(h('option', { value: v }, l));
  for (const el of [listSel, catSel]) el.addEventListener('change', refresh);
  q.addEventListener('input', refresh);
  const fs = h('fieldset', { class: 'group measures-picker', id: 'measure-picker' }, h('legend', {}, '惩戒措施（R1 两张清单）'),
    h('div', { class: 'filters' }, listSel, catSel, q),
    h('div', { class: 'scroll' }, h('table', {}, h('thead', {}, h('tr', {}, ...['', '措施', '清单与类别', '依据', '期限', '实施机构'].map((t) => h('th', {}, t)))), body)));
  const codes = () => [...picked.keys()];
  return {
    refresh,
    measures: () => ({ el: fs, collect: () => codes(), anchors: () => [['', fs], ...codes().map((c, i) => [String(i), rows.get(c).lastChild])] }),
    periods: () => ({
      el: null,
      collect: () => {
        const out = {};
        for (const [code, { amount, unit }] of picked) if (amount.value) out[code] = { [unit.value]: Number(amount.value) };
        return Object.keys(out).length ? out : undefined;
      },
      anchors: () => [['', fs], ...all.map((m) => [m.code, rows.get(m.code).children[4]])],
    }),
  };
}

/**
 * R5: the case's measures not yet given out, each assigned to an implementer of its kind (the
 * AUTHORITY itself for its own measures); the body groups them by agency.
 */
export function implementersWidget(measures, agencies, authority) {
  return ({ path, label: text }) => {
    const rows = measures.map((m) => {
      const fitting = m.implementerKind === 'authority' ? [authority] : agencies.filter((a) => a.roles.includes('IMPLEMENTER') && a.implementerKind === m.implementerKind);
      const id = uid(`impl-${m.code}`.replace(/\W/g, '-'));
      const select = h('select', { id, name: `implementer-${m.code}`, 'data-code': m.code },
        h('option', { value: '' }, fitting.length ? '暂不推送' : `没有${label('implementerKinds', m.implementerKind)}可选`),
        ...fitting.map((a) => h('option', { value: a.id }, agencyOption(a))));
      const row = h('tr', {}, h('td', {}, h('label', { for: id }, m.name), h('div', { class: 'muted small' }, m.code)),
        h('td', {}, label('implementerKinds', m.implementerKind)), h('td', {}, select));
      return { m, select, row };
    });
    const fs = h('fieldset', { class: 'group' }, h('legend', {}, text),
      rows.length ? h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, '措施'), h('th', {}, '实施机构类别'), h('th', {}, '推送给'))), h('tbody', {}, rows.map((r) => r.row)))
        : h('p', { class: 'muted' }, '本案措施均已推送'));
    const groups = () => {
      const by = new Map();
      for (const r of rows) if (r.select.value) by.set(r.select.value, [...(by.get(r.select.value) ?? []), r]);
      return [...by.entries()];
    };
    return {
      el: fs,
      collect: () => groups().map(([agencyId, rs]) => ({ agencyId, measures: rs.map((r) => r.m.code) })),
      anchors: () => [['', fs], ...groups().map(([, rs], i) => [String(i), rs[0].row.lastChild])],
    };
  };
}

/** R5: measures no local implementer carries out, each with its reason. */
export function notApplicableWidget(measures) {
  return ({ label: text }) => {
    const rows = measures.map((m) => {
      const id = uid(`na-${m.code}`.replace(/\W/g, '-'));
      const box = h('input', { type: 'checkbox', id, 'data-code': m.code });
      const reason = h('input', { type: 'text', 'aria-label': `${m.name} 不适用的理由`, maxlength: 5000, size: 40 });
      return { m, box, reason, el: h('div', { class: 'field' }, h('label', { for: id, class: 'check' }, box, ` ${m.name}`), reason) };
    });
    const fs = h('fieldset', { class: 'group' }, h('legend', {}, text), rows.map((r) => r.el));
    const chosen = () => rows.filter((r) => r.box.checked);
    return {
      el: fs,
      collect: () => chosen().map((r) => ({ code: r.m.code, reason: r.reason.value.trim() })),
      anchors: () => [['', fs], ...chosen().map((r, i) => [String(i), r.el])],
    };
  };
}
