// The supervisors' dashboard (R14): target search, a target's page with its measures and
// timeline, the overdue board and the monthly compliance chart. Plain browser JavaScript, no
// build step; every figure comes from the API with the signed-in agency's key.
const KEY = 'jd.apiKey';
const view = document.getElementById('view');
const nav = document.getElementById('nav');

/** Labels come from the API's registries (GET /vocabulary), never from a copy kept here. */
let VOCAB = { roles: {}, steps: {}, journal: {}, releaseReasons: {}, targetStatus: {}, caseStatus: {}, measureStatus: {}, lists: {}, documentKinds: {} };
const label = (table, key) => VOCAB[table][key]?.label ?? VOCAB[table][key] ?? key;

/** Dates as the users read them: Asia/Shanghai, whatever the browser's zone (R16). */
const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});
const dateOnly = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
const fmtTime = (iso) => (iso ? dateTime.format(new Date(iso)) : '—');
const fmtDate = (iso) => (iso ? (/^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso : dateOnly.format(new Date(iso))) : '—');

/** Builds an element; strings become text nodes, so nothing from the API is read as HTML. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  return el;
}

class ApiError extends Error {}

async function api(path, opts = {}) {
  const res = await fetch(path, { ...opts, headers: { authorization: `Bearer ${sessionStorage.getItem(KEY) ?? ''}`, ...opts.headers } });
  if (res.status === 401) {
    sessionStorage.removeItem(KEY);
    // Signing in shows the refusal in place; anywhere else, back to the sign-in page.
    if (!opts.signingIn) location.hash = '#/login';
    throw new ApiError('密钥无效或已吊销，请重新登录');
  }
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new ApiError(body.message ?? `请求失败（${res.status}）`);
  }
  return opts.raw ? res : res.json();
}

let me = null;
let measureNames = null;
async function measureName(code) {
  if (!measureNames) {
    const { items } = await fetch('/measures?limit=200').then((r) => r.json());
    measureNames = new Map(items.map((m) => [m.code, m.name]));
  }
  return measureNames.get(code) ?? code;
}

function show(...nodes) {
  view.replaceChildren(...nodes);
}

function failure(err) {
  return h('p', { class: 'error', role: 'alert' }, err instanceof ApiError ? err.message : `出错了：${err.message}`);
}

// ---- sign in -------------------------------------------------------------------------------

function loginView(message) {
  nav.hidden = true;
  const input = h('input', { id: 'api-key', type: 'password', autocomplete: 'off', placeholder: 'jd_…', required: true });
  const form = h('form', {
    class: 'card login',
    onsubmit: async (e) => {
      e.preventDefault();
      sessionStorage.setItem(KEY, input.value.trim());
      try {
        me = await api('/me', { signingIn: true });
        location.hash = '#/targets';
      } catch (err) {
        sessionStorage.removeItem(KEY);
        form.querySelector('.error')?.remove();
        form.append(failure(err));
      }
    },
  }, h('h2', {}, '登录'), h('label', { for: 'api-key' }, '机构 API 密钥'), input, h('button', { class: 'primary', type: 'submit' }, '登录'),
  message ? h('p', { class: 'error' }, message) : null);
  show(form);
}

// ---- target search -------------------------------------------------------------------------

async function targetsView(params) {
  const form = h('form', { class: 'filters', id: 'search' },
    h('label', {}, '名称或信用代码', h('input', { name: 'q', value: params.get('q') ?? '' })),
    h('label', {}, '状态', h('select', { name: 'status' },
      h('option', { value: '' }, '全部'),
      ...Object.entries(VOCAB.targetStatus).map(([v, l]) => h('option', { value: v, selected: params.get('status') === v }, l)))),
    h('label', {}, '机构编号', h('input', { name: 'agencyId', value: params.get('agencyId') ?? '', size: 12 })),
    h('label', {}, '领域', h('input', { name: 'field', value: params.get('field') ?? '', size: 10 })),
    h('label', {}, '措施代码', h('input', { name: 'measure', value: params.get('measure') ?? '', size: 12 })),
    h('label', {}, h('span', {}, '仅逾期'), h('input', { type: 'checkbox', name: 'overdue', checked: params.get('overdue') === 'true' })),
    h('button', { class: 'primary', type: 'submit' }, '查询'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) next.set(k, k === 'overdue' ? 'true' : String(v));
    location.hash = `#/targets?${next}`;
  });
  const results = h('div', {}, h('p', { class: 'muted' }, '加载中…'));
  show(h('section', { class: 'card' }, h('h2', {}, '惩戒对象查询'), form), h('section', { class: 'card' }, results));

  const limit = 20;
  const offset = Number(params.get('offset') ?? 0);
  const query = new URLSearchParams([...params].filter(([k]) => k !== 'offset'));
  try {
    const page = await api(`/targets?${query}&limit=${limit}&offset=${offset}`);
    const rows = page.items.map((t) => h('tr', {},
      h('td', {}, h('a', { href: `#/target/${t.targetId}` }, t.name)),
      h('td', {}, t.creditCode ?? (t.kind === 'person' ? '自然人' : '—')),
      h('td', {}, h('span', { class: `badge ${t.status}` }, label('targetStatus', t.status))),
      h('td', {}, t.cases), h('td', {}, t.measuresInForce),
      h('td', {}, t.openOverdue > 0 ? h('span', { class: 'badge overdue' }, `${t.openOverdue} 项逾期`) : '—'),
      h('td', {}, fmtTime(t.updatedAt))));
    const pager = h('div', { class: 'pager' },
      h('span', { class: 'muted' }, `共 ${page.total} 个对象，第 ${page.total ? offset + 1 : 0}–${offset + page.items.length} 个`),
      offset > 0 ? h('a', { href: `#/targets?${withParam(query, 'offset', Math.max(0, offset - limit))}` }, '上一页') : null,
      offset + limit < page.total ? h('a', { href: `#/targets?${withParam(query, 'offset', offset + limit)}` }, '下一页') : null);
    results.replaceChildren(
      h('table', { id: 'target-list' },
        h('thead', {}, h('tr', {}, ...['名称', '统一社会信用代码', '状态', '案件', '实施中措施', '逾期', '最近变化'].map((l) => h('th', {}, l)))),
        h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 7, class: 'muted' }, '没有符合条件的惩戒对象')))),
      pager);
  } catch (err) {
    results.replaceChildren(failure(err));
  }
}

function withParam(params, key, value) {
  const next = new URLSearchParams(params);
  next.set(key, String(value));
  return next;
}

// ---- a target: measures and timeline -------------------------------------------------------

async function targetView(targetId) {
  show(h('p', { class: 'muted' }, '加载中…'));
  try {
    const [target, history] = await Promise.all([api(`/targets/${targetId}`), api(`/targets/${targetId}/history`)]);
    const measureRows = [];
    for (const c of target.cases) {
      for (const m of c.measuresInForce) {
        measureRows.push(h('tr', {},
          h('td', {}, c.documentNumber), h('td', {}, `${await measureName(m.code)}（${m.code}）`),
          h('td', {}, label('measureStatus', m.status)), h('td', {}, fmtDate(m.activeFrom)),
          h('td', {}, m.periodEnd ? fmtDate(m.periodEnd) : '无固定期限'),
          h('td', {}, m.releaseReason ? `${label('releaseReasons', m.releaseReason)}（${fmtTime(m.releasedAt)}）` : '—')));
      }
    }
    const cases = target.cases.map((c) => h('tr', {},
      h('td', {}, c.documentNumber), h('td', {}, c.documentIssuer), h('td', {}, fmtDate(c.issuedOn)),
      h('td', {}, label('caseStatus', c.status)), h('td', {}, c.late ? h('span', { class: 'badge overdue' }, '逾期推送') : '按期')));
    // Agency names as the timeline gives them (no extra call, and no wider read than the history).
    const agencyNames = new Map(history.items.filter((e) => e.agencyId).map((e) => [e.agencyId, e.agency]));
    const steps = target.openSteps.map((s) => h('tr', {},
      h('td', {}, s.label), h('td', {}, s.rule), h('td', {}, agencyNames.get(s.agencyId) ?? s.agencyId ?? '—'),
      h('td', {}, `${s.dueOn} 止`), h('td', {}, s.overdue ? h('span', { class: 'badge overdue' }, '已逾期') : '未到期')));
    const timeline = h('ol', { class: 'timeline', id: 'timeline' }, ...history.items.map((e) => h('li', { class: e.kind },
      h('span', { class: 'when' }, fmtTime(e.at)),
      h('strong', {}, e.label), ' ', e.summary,
      e.agency ? h('span', { class: 'muted' }, `（${e.agency}）`) : null,
      e.rule ? h('span', { class: 'rule' }, e.rule) : null,
      ' ', h('a', { href: e.link, target: '_blank', rel: 'noopener', class: 'muted', title: '在 Temporal 界面中查看对应事件' }, '引擎记录'))));
    show(
      h('p', {}, h('a', { href: '#/targets' }, '← 返回查询')),
      h('section', { class: 'card' },
        h('h2', { id: 'target-name' }, target.name),
        h('p', { class: 'muted' }, `${target.kind === 'enterprise' ? `统一社会信用代码 ${target.creditCode}` : `身份证号 ${target.idNumber}`} · 引擎状态：${
          { running: '运行中', not_found: '已闭环', unavailable: '暂不可用' }[target.workflowStatus]}`)),
      h('section', { class: 'card' }, h('h2', {}, '案件'), table(['文书号', '作出机关', '作出日期', '状态', '推送'], cases)),
      h('section', { class: 'card' }, h('h2', {}, '惩戒措施'), table(['案件', '措施', '状态', '起始', '届满', '解除'], measureRows, 'measures')),
      h('section', { class: 'card' }, h('h2', {}, '待办环节'), table(['环节', '规则', '责任机构', '期限', ''], steps)),
      h('section', { class: 'card' }, h('h2', {}, '全过程记录'), history.engine === 'unavailable' ? h('p', { class: 'muted' }, '引擎暂不可用，记录来自数据库') : null, timeline));
  } catch (err) {
    show(h('p', {}, h('a', { href: '#/targets' }, '← 返回查询')), failure(err));
  }
}

function table(headers, rows, id) {
  return h('table', { id }, h('thead', {}, h('tr', {}, ...headers.map((l) => h('th', {}, l)))),
    h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: headers.length, class: 'muted' }, '无'))));
}

// ---- the overdue board ---------------------------------------------------------------------

async function overdueView() {
  show(h('p', { class: 'muted' }, '加载中…'));
  try {
    const board = await api('/overdue?limit=500');
    const rows = board.items.map((o) => h('tr', {},
      h('td', {}, h('strong', {}, `${o.daysLate} 天`)),
      h('td', {}, o.targetId ? h('a', { href: `#/target/${o.targetId}` }, o.targetName ?? o.targetId) : '—'),
      h('td', {}, o.documentNumber ?? '—'), h('td', {}, o.stepLabel), h('td', {}, o.rule),
      h('td', {}, o.agency ?? o.agencyId ?? '—'), h('td', {}, `${o.dueOn} 止`), h('td', {}, o.reminders)));
    show(h('section', { class: 'card' }, h('h2', {}, `逾期事项（${board.total} 项，按逾期时长排序）`),
      table(['逾期', '惩戒对象', '案件', '环节', '规则', '责任机构', '期限', '催办次数'], rows, 'overdue-board')));
  } catch (err) {
    show(failure(err));
  }
}

// ---- monthly statistics --------------------------------------------------------------------

const SERIES = [['onTime', '按期完成', 'var(--ok)'], ['late', '逾期完成', 'var(--late)'], ['overdue', '仍逾期', 'var(--over)'], ['pending', '未到期', 'var(--pend)']];

/** One horizontal stacked bar per agency: its steps due in the month, by outcome. */
function complianceChart(rows) {
  const svgNs = 'http://www.w3.org/2000/svg';
  const s = (tag, attrs, text) => {
    const el = document.createElementNS(svgNs, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (text !== undefined) el.textContent = text;
    return el;
  };
  const max = Math.max(1, ...rows.map((r) => r.due));
  const barW = 560;
  const svg = s('svg', { width: 220 + barW + 60, height: rows.length * 28 + 10, role: 'img', 'aria-label': '各机构按期完成情况', id: 'compliance-chart' });
  rows.forEach((r, i) => {
    const y = i * 28 + 4;
    svg.append(s('text', { x: 0, y: y + 15, 'font-size': 13 }, `${r.agency ?? r.agencyId ?? '（未指定）'}`));
    let x = 220;
    for (const [key, label, color] of SERIES) {
      const w = (r[key] / max) * barW;
      if (w > 0) {
        const rect = s('rect', { x, y, width: w, height: 20, fill: color });
        rect.append(s('title', {}, `${label} ${r[key]}`));
        svg.append(rect);
      }
      x += w;
    }
    svg.append(s('text', { x: x + 6, y: y + 15, 'font-size': 12 }, `${r.onTime}/${r.due}`));
  });
  return svg;
}

async function statsView(params) {
  const month = params.get('month') ?? new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date()).slice(0, 7);
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
  show(h('section', { class: 'card' }, h('h2', {}, '月度统计'), h('label', {}, '月份 ', picker), ' ', csv), h('p', { class: 'muted' }, '加载中…'));
  try {
    const st = await api(`/stats?month=${month}`);
    const legend = h('p', { class: 'legend' }, ...SERIES.map(([, label, color]) => h('span', {}, h('i', { style: `background:${color}` }), label)));
    const agencyRows = st.steps.map((r) => h('tr', {}, h('td', {}, r.agency ?? r.agencyId ?? '（未指定）'),
      h('td', {}, r.due), h('td', {}, r.onTime), h('td', {}, r.late), h('td', {}, r.overdue), h('td', {}, r.pending)));
    const feedbackRows = st.feedback.map((r) => h('tr', {}, h('td', {}, r.agency ?? r.agencyId), h('td', {}, r.month),
      h('td', {}, r.owed), h('td', {}, r.onTime), h('td', {}, r.late), h('td', {}, r.missing),
      h('td', {}, r.compliance === null ? '—' : `${Math.round(r.compliance * 100)}%`)));
    const measureRows = st.measuresInForce.map((r) => h('tr', {}, h('td', {}, label('lists', r.list)), h('td', {}, r.category),
      h('td', {}, r.active), h('td', {}, r.suspended)));
    const releaseRows = st.releases.map((r) => h('tr', {}, h('td', {}, r.month), h('td', {}, label('releaseReasons', r.reason)), h('td', {}, r.count)));
    view.lastChild.replaceWith(
      h('section', { class: 'card' }, h('h2', {}, `${month} 各机构环节完成情况（共 ${st.total.due} 项，按期 ${st.total.onTime}）`), legend,
        st.steps.length ? complianceChart(st.steps) : h('p', { class: 'muted' }, '本月没有到期环节'),
        table(['机构', '到期', '按期完成', '逾期完成', '仍逾期', '未到期'], agencyRows, 'stats-agencies')),
      h('section', { class: 'card' }, h('h2', {}, '月度反馈（R9）'), table(['实施机构', '反馈月份', '应报', '按期', '逾期报送', '未报', '按期率'], feedbackRows)),
      h('section', { class: 'card' }, h('h2', {}, '实施中的措施'), table(['清单', '类别', '实施中', '暂停'], measureRows)),
      h('section', { class: 'card' }, h('h2', {}, '解除情况'), table(['月份', '原因', '措施数'], releaseRows)));
  } catch (err) {
    view.lastChild.replaceWith(failure(err));
  }
}

// ---- routing -------------------------------------------------------------------------------

async function route() {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  if (!sessionStorage.getItem(KEY) || path === '/login') return loginView();
  if (!me) {
    try {
      me = await api('/me');
    } catch (err) {
      return loginView(err.message);
    }
  }
  nav.hidden = false;
  document.getElementById('who').textContent = `${me.name}（${me.roles.map((r) => label('roles', r)).join('、')}）`;
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', path.startsWith(`/${a.dataset.nav}`));
  if (path.startsWith('/target/')) return targetView(decodeURIComponent(path.slice('/target/'.length)));
  if (path === '/overdue') return overdueView();
  if (path === '/stats') return statsView(params);
  return targetsView(params);
}

document.getElementById('sign-out').addEventListener('click', () => {
  sessionStorage.removeItem(KEY);
  me = null;
  location.hash = '#/login';
});
window.addEventListener('hashchange', route);
fetch('/vocabulary').then((r) => r.json()).then((v) => { VOCAB = v; }).catch(() => undefined).finally(route);
