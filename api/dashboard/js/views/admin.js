// 系统管理 (ADMIN): agencies, their place (R4 level and the AUTHORITY above, the region they read)
// and notification endpoint; their keys (admin-keys.js: shown once, two ADMINs for a new one);
// the settings and holiday years (admin-settings.js).
import { api, bodySchema } from '../api.js';
import { card, h, loading, show, table } from '../dom.js';
import { label, options } from '../format.js';
import { schemaForm } from '../schema-form.js';
import { agencyOption, agencyPicker, checkboxes } from '../widgets.js';
import { keyRequestsCard, keysCell, shownOnce } from './admin-keys.js';
import { calendarCards, settingsCards } from './admin-settings.js';

const REGION_HINT = '6 位行政区划代码（GB/T 2260），如 330000 浙江省、330100 杭州市、330106 西湖区';

const PAGES = [['/admin', '机构与密钥'], ['/admin/settings', '期限与催办'], ['/admin/calendar', '节假日安排']];

export async function render(ctx) {
  show(loading());
  const sub = PAGES.slice().reverse().find(([p]) => ctx.path.startsWith(p))[0];
  const subnav = h('nav', { class: 'subnav', 'aria-label': '系统管理' },
    PAGES.map(([p, text]) => h('a', { href: `#${p}`, 'aria-current': p === sub ? 'page' : null }, text)));
  if (sub === '/admin/settings') return show(subnav, ...(await settingsCards()));
  if (sub === '/admin/calendar') return show(subnav, ...(await calendarCards()));
  const agencies = (await api('/agencies')).items;
  const authorities = agencies.filter((a) => a.roles.includes('AUTHORITY'));
  const issued = h('div', { id: 'issued', 'aria-live': 'polite' });
  /** Draws the page again, then shows what was just issued (a key or secret, once). */
  const again = async (...shown) => {
    await render(ctx);
    document.getElementById('issued').replaceChildren(...shown.filter(Boolean));
    document.getElementById('issued').scrollIntoView();
  };

  const register = schemaForm({
    id: 'register-agency', schema: await bodySchema('post', '/agencies'),
    fields: {
      level: { options: options('levels'), value: 'city' },
      parentId: { widget: agencyPicker(authorities) },
      region: { hint: REGION_HINT },
      nationalScope: { label: '全国范围查阅（仅执法、信用、法制、监督机构）' },
      roles: { widget: checkboxes(options('roles')) },
      implementerKind: { options: Object.fromEntries(Object.entries(options('implementerKinds')).filter(([k]) => k !== 'authority')), hint: '实施机构必填' },
      notifyUrl: { hint: '可留空；填写后签发签名密钥（只显示一次）' },
    },
    submitLabel: '登记机构',
    submit: (body, key) => api('/agencies', { method: 'POST', body, idempotencyKey: key }),
    done: (a) => again(h('p', { class: 'ok' }, `已登记 ${a.agency.name}（${a.agency.id}）。`),
      shownOnce('API 密钥', a.apiKey, 'new-key'), a.notifySecret ? shownOnce('通知签名密钥', a.notifySecret, 'new-secret') : null),
  });

  const patchSchema = await bodySchema('patch', '/agencies/{agencyId}');
  const rows = await Promise.all(agencies.map(async (a) => {
    const edit = h('details', { class: 'more-action' }, h('summary', {}, '修改层级、上级、辖区或通知地址'), schemaForm({
      id: `edit-${a.id}`.replace(/[^\w-]/g, '_'), schema: patchSchema,
      fields: {
        level: { options: options('levels'), value: a.level }, parentId: { widget: agencyPicker(authorities.filter((p) => p.id !== a.id)), value: a.parentId ?? undefined },
        region: { value: a.region ?? undefined, hint: REGION_HINT }, nationalScope: { options: { '': '不修改', true: '是', false: '否' }, label: '全国范围查阅' },
        notifyUrl: { value: a.notifyUrl ?? undefined, hint: '留空则不修改' },
      },
      submitLabel: '保存',
      submit: (body, key) => api(`/agencies/${encodeURIComponent(a.id)}`, { method: 'PATCH', body, idempotencyKey: key }),
      done: (res) => again(res.notifySecret ? shownOnce(`${a.name} 的通知签名密钥`, res.notifySecret, 'new-secret') : null),
    }));
    return h('tr', { id: `agency-${a.id}` },
      h('td', {}, a.name, h('div', { class: 'muted small' }, a.id)), h('td', {}, a.roles.map((r) => label('roles', r)).join('、')),
      h('td', {}, label('levels', a.level), h('div', { class: 'muted small' }, a.region ? `辖区 ${a.region}${a.nationalScope ? '（全国查阅）' : ''}` : '未设辖区')),
      h('td', {}, a.parentId ? agencyOption(agencies.find((p) => p.id === a.parentId) ?? { name: a.parentId, level: '' }) : '—'),
      h('td', {}, a.implementerKind ? label('implementerKinds', a.implementerKind) : '—'),
      h('td', { class: 'small' }, a.notifyUrl ?? '—', a.hasNotifySecret ? h('div', { class: 'muted' }, '已设签名密钥') : null),
      h('td', {}, await keysCell(a, () => again(h('p', { class: 'ok', role: 'status' }, `已提交为 ${a.name} 签发新密钥的申请，待另一系统管理员机构复核。`))), edit));
  }));
  return show(subnav, card('机构与密钥', issued, table(['机构', '角色', '层级与辖区', '上级业务主管机构', '实施机构类别', '通知地址', ''], rows, 'agency-list')),
    await keyRequestsCard(ctx.me, agencies, (node) => again(node)), card('登记新机构', register));
}
