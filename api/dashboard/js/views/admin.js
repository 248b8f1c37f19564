// 系统管理 (ADMIN): agencies and their keys (a key is shown once, when issued), an agency's place
// (R4 level and the AUTHORITY above) and notification endpoint; the settings and holiday years
// follow (admin-settings.js).
import { api, bodySchema } from '../api.js';
import { card, h, loading, show, table } from '../dom.js';
import { fmtTime, label, options } from '../format.js';
import { schemaForm } from '../schema-form.js';
import { agencyOption, agencyPicker, checkboxes } from '../widgets.js';
import { settingsCards } from './admin-settings.js';

/** A secret shown once: the ADMIN copies it now, it is never shown again. */
const once = (title, value, id) => h('div', { class: 'once', role: 'status' }, h('p', {}, `${title}（只显示这一次，请立即复制并安全交给该机构）：`),
  h('output', { id, class: 'secret' }, value));

export async function render(ctx) {
  show(loading());
  const agencies = (await api('/agencies')).items;
  const authorities = agencies.filter((a) => a.roles.includes('AUTHORITY'));
  const issued = h('div', { id: 'issued', 'aria-live': 'polite' });
  const again = () => render(ctx);

  const register = schemaForm({
    id: 'register-agency', schema: await bodySchema('post', '/agencies'),
    fields: {
      level: { options: options('levels'), value: 'city' },
      parentId: { widget: agencyPicker(authorities) },
      roles: { widget: checkboxes(options('roles')) },
      implementerKind: { options: Object.fromEntries(Object.entries(options('implementerKinds')).filter(([k]) => k !== 'authority')), hint: '实施机构必填' },
      notifyUrl: { hint: '可留空；填写后签发签名密钥（只显示一次）' },
    },
    submitLabel: '登记机构',
    submit: (body, key) => api('/agencies', { method: 'POST', body, idempotencyKey: key }),
    done: async (a) => {
      await again();
      document.getElementById('issued').replaceChildren(h('p', { class: 'ok' }, `已登记 ${a.agency.name}（${a.agency.id}）。`),
        once('API 密钥', a.apiKey, 'new-key'), a.notifySecret ? once('通知签名密钥', a.notifySecret, 'new-secret') : null);
    },
  });

  const patchSchema = await bodySchema('patch', '/agencies/{agencyId}');
  const rows = agencies.map((a) => {
    const keys = h('div', { class: 'keys' });
    const showKeys = async () => {
      const { items } = await api(`/agencies/${encodeURIComponent(a.id)}/keys`);
      keys.replaceChildren(h('ul', {}, items.map((k) => h('li', {}, `${k.keyId}（${fmtTime(k.createdAt)} 签发${k.revokedAt ? `，${fmtTime(k.revokedAt)} 吊销` : ''}）`,
        k.revokedAt ? null : h('button', {
          type: 'button', class: 'link danger', 'aria-label': `吊销 ${a.name} 的密钥 ${k.keyId}`,
          onclick: async () => {
            if (!window.confirm(`吊销 ${a.name} 的密钥 ${k.keyId}？吊销后立即失效。`)) return;
            await api(`/agencies/${encodeURIComponent(a.id)}/keys/${encodeURIComponent(k.keyId)}`, { method: 'DELETE' });
            await showKeys();
          },
        }, '吊销')))));
    };
    const issueKey = h('button', {
      type: 'button', 'data-agency': a.id,
      onclick: async () => {
        const k = await api(`/agencies/${encodeURIComponent(a.id)}/keys`, { method: 'POST' });
        issued.replaceChildren(h('p', {}, `${a.name}：`), once('新的 API 密钥', k.apiKey, 'new-key'));
        issued.scrollIntoView();
        await showKeys();
      },
    }, '签发密钥');
    const edit = h('details', {}, h('summary', {}, '修改层级、上级或通知地址'), schemaForm({
      id: `edit-${a.id}`, schema: patchSchema,
      fields: {
        level: { options: options('levels'), value: a.level }, parentId: { widget: agencyPicker(authorities.filter((p) => p.id !== a.id)), value: a.parentId ?? undefined },
        notifyUrl: { value: a.notifyUrl ?? undefined, hint: '留空则不修改' },
      },
      submitLabel: '保存',
      submit: (body, key) => api(`/agencies/${encodeURIComponent(a.id)}`, { method: 'PATCH', body, idempotencyKey: key }),
      done: async (res) => {
        await again();
        if (res.notifySecret) document.getElementById('issued').replaceChildren(once(`${a.name} 的通知签名密钥`, res.notifySecret, 'new-secret'));
      },
    }));
    return h('tr', { id: `agency-${a.id}` },
      h('td', {}, a.name, h('div', { class: 'muted small' }, a.id)), h('td', {}, a.roles.map((r) => label('roles', r)).join('、')),
      h('td', {}, label('levels', a.level)), h('td', {}, a.parentId ? agencyOption(agencies.find((p) => p.id === a.parentId) ?? { name: a.parentId, level: '' }) : '—'),
      h('td', {}, a.implementerKind ? label('implementerKinds', a.implementerKind) : '—'),
      h('td', { class: 'small' }, a.notifyUrl ?? '—', a.hasNotifySecret ? h('div', { class: 'muted' }, '已设签名密钥') : null),
      h('td', {}, issueKey, ' ', h('button', { type: 'button', onclick: showKeys }, '查看密钥'), keys, edit));
  });
  show(card('机构与密钥', issued, table(['机构', '角色', '层级', '上级业务主管机构', '实施机构类别', '通知地址', ''], rows, 'agency-list')),
    card('登记新机构', register), ...(await settingsCards()));
}
