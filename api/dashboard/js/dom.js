// Building the page: elements from plain data, strings always as text (nothing from the API is
// ever read as HTML), and the few shapes every view repeats.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value' && (tag === 'input' || tag === 'textarea' || tag === 'select')) el.value = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export const view = () => document.getElementById('view');

export function show(...nodes) {
  view().replaceChildren(...nodes.filter((n) => n !== null && n !== undefined && n !== false));
}

export function table(headers, rows, id, empty = '无') {
  return h('table', { id }, h('thead', {}, h('tr', {}, ...headers.map((l) => h('th', { scope: 'col' }, l)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: headers.length, class: 'muted' }, empty))));
}

export const card = (title, ...children) => h('section', { class: 'card' }, title ? h('h2', {}, title) : null, ...children);
export const loading = () => h('p', { class: 'muted' }, '加载中…');
export const badge = (text, kind = '') => h('span', { class: `badge ${kind}` }, text);

/** How many a page says there are: its total, or "at least" it when the API stopped counting (totalExact false). */
export const totalText = (page) => (page.totalExact === false ? `至少 ${page.total}` : `${page.total}`);

/** A pager over a page's total, `limit` a page, linking to `hrefOf(offset)`. */
export function pager(page, offset, limit, hrefOf, noun = '项') {
  const { total } = page;
  const count = page.items.length;
  return h('nav', { class: 'pager', 'aria-label': '分页' },
    h('span', { class: 'muted' }, `${page.totalExact === false ? '' : '共 '}${totalText(page)} ${noun}${total ? `，第 ${offset + 1}–${offset + count} ${noun}` : ''}`),
    offset > 0 ? h('a', { href: hrefOf(Math.max(0, offset - limit)), rel: 'prev' }, '上一页') : null,
    offset + limit < total ? h('a', { href: hrefOf(offset + limit), rel: 'next' }, '下一页') : null);
}
