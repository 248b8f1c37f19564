// The workbench: sign in with the agency's key (kept in this tab's session storage only), then
// the pages the key's roles use. Routes are the hash: #/tasks, #/intake, #/targets, #/target/:id
// (and /case/:caseId), #/overdue, #/stats, #/reports, #/lists, #/admin.
import { api, onUnauthorized, session } from './api.js';
import { h, show } from './dom.js';
import { label, setVocabulary } from './format.js';
import { loginView } from './views/login.js';

const ROUTES = [
  // [path prefix, nav label, roles that see it, module, nav id]
  ['/tasks', '我的待办', null, () => import('./views/tasks.js'), 'tasks'],
  ['/intake', '立案推送', ['ENFORCEMENT', 'CREDIT'], () => import('./views/intake.js'), 'intake'],
  ['/targets', '惩戒对象', 'readers', () => import('./views/targets.js'), 'targets'],
  ['/target/', null, 'readers', () => import('./views/target.js'), 'targets'],
  ['/overdue', '逾期事项', 'readers', () => import('./views/overdue.js'), 'overdue'],
  ['/stats', '月度统计', 'readers', () => import('./views/stats.js'), 'stats'],
  ['/reports', '月度报告', ['IMPLEMENTER', 'CREDIT', 'LEGAL', 'SUPERVISOR'], () => import('./views/reports.js'), 'reports'],
  ['/lists', '措施清单', null, () => import('./views/lists.js'), 'lists'],
  ['/admin', '系统管理', ['ADMIN'], () => import('./views/admin.js'), 'admin'],
];
const READERS = ['ENFORCEMENT', 'CREDIT', 'AUTHORITY', 'LEGAL', 'IMPLEMENTER', 'SUPERVISOR'];

let me = null;
const nav = document.getElementById('nav');

const allowed = (roles) => roles === null || (roles === 'readers' ? READERS : roles).some((r) => me.roles.includes(r));

function drawNav(path) {
  const links = ROUTES.filter(([, text, roles]) => text && allowed(roles)).map(([p, text, , , id]) =>
    h('a', { href: `#${p}`, 'data-nav': id, class: path.startsWith(p) || (p === '/targets' && path.startsWith('/target/')) ? 'active' : null,
      'aria-current': path.startsWith(p) ? 'page' : null }, text, id === 'tasks' ? h('span', { id: 'task-count', class: 'count', hidden: true }) : null));
  nav.replaceChildren(...links,
    h('span', { id: 'who' }, `${me.name}（${me.roles.map((r) => label('roles', r)).join('、')}）`),
    h('button', { id: 'sign-out', type: 'button', onclick: signOut }, '退出'));
  nav.hidden = false;
  refreshTaskCount();
}

/** The number of open tasks beside 我的待办, the overdue ones called out. */
export async function refreshTaskCount() {
  const badge = document.getElementById('task-count');
  if (!badge) return;
  try {
    const { total, overdue } = await api('/tasks?limit=1');
    badge.textContent = overdue ? `${total}（逾期 ${overdue}）` : String(total);
    badge.classList.toggle('overdue', overdue > 0);
    badge.setAttribute('aria-label', `${total} 项待办${overdue ? `，其中 ${overdue} 项已逾期` : ''}`);
    badge.hidden = false;
  } catch {
    badge.hidden = true;
  }
}

function signOut() {
  session.signOut();
  me = null;
  location.hash = '#/login';
}

export const home = (who) => (who.roles.includes('ADMIN') && who.roles.length === 1 ? '#/admin' : '#/tasks');

async function route() {
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  if (!session.key() || path === '/login') {
    nav.hidden = true;
    me = null;
    return loginView(async (who) => {
      me = who;
      location.hash = home(who);
    });
  }
  if (!me) {
    try {
      me = await api('/me');
    } catch (err) {
      return loginView(async (who) => {
        me = who;
        route();
      }, err.message);
    }
  }
  const found = ROUTES.find(([p]) => path.startsWith(p)) ?? null;
  if (!found) {
    location.hash = home(me);
    return undefined;
  }
  drawNav(path);
  if (!allowed(found[2])) return show(h('p', { class: 'error', role: 'alert' }, '本机构的角色不能使用此页面'));
  const mod = await found[3]();
  document.title = `${found[1] ?? '惩戒对象'} · 失信联合惩戒闭环`;
  return mod.render({ path, params, me, refreshTaskCount });
}

onUnauthorized.handler = () => {
  me = null;
  location.hash = '#/login';
};
window.addEventListener('hashchange', route);
// The skip link moves the focus to the page's content without touching the hash, which is the route.
document.querySelector('a.skip').addEventListener('click', (e) => {
  e.preventDefault();
  document.getElementById('view').focus();
});
fetch('/vocabulary').then((r) => r.json()).then(setVocabulary).catch(() => undefined).finally(route);
