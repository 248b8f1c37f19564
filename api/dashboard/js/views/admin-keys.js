// Keys (系统管理): an agency's keys by id and date, revocable at once; a new key for an existing
// agency takes two ADMIN agencies: one asks with a reason, another approves and sees the key,
// once, or refuses (README, "Security"). A key is never shown again after the page that issued it.
import { api, bodySchema, newKey } from '../api.js';
import { card, h, table } from '../dom.js';
import { fmtTime } from '../format.js';
import { schemaForm } from '../schema-form.js';

const STATUS = { pending: '待复核', approved: '已批准', refused: '已拒绝' };

/** A secret shown once: the ADMIN copies it now; it is never shown again. */
export const shownOnce = (title, value, id) => h('div', { class: 'once', role: 'status' },
  h('p', {}, `${title}（只显示这一次，请立即复制并安全交给该机构）：`), h('output', { id, class: 'secret' }, value));

/** The keys of one agency, each revocable, and the request for another. */
export async function keysCell(a, again) {
  const list = h('div', { class: 'keys' });
  const showKeys = async () => {
    const { items } = await api(`/agencies/${encodeURIComponent(a.id)}/keys`);
    list.replaceChildren(h('ul', {}, items.map((k) => h('li', {}, `${k.keyId}（${fmtTime(k.createdAt)} 签发${k.revokedAt ? `，${fmtTime(k.revokedAt)} 吊销` : ''}）`,
      k.revokedAt ? null : h('button', {
        type: 'button', class: 'link danger', 'aria-label': `吊销 ${a.name} 的密钥 ${k.keyId}`,
        onclick: async () => {
          if (!window.confirm(`吊销 ${a.name} 的密钥 ${k.keyId}？吊销后立即失效。`)) return;
          await api(`/agencies/${encodeURIComponent(a.id)}/keys/${encodeURIComponent(k.keyId)}`, { method: 'DELETE', idempotencyKey: newKey() });
          await showKeys();
        },
      }, '吊销')))));
  };
  const request = schemaForm({
    id: `key-request-${a.id}`.replace(/[^\w-]/g, '_'), schema: await bodySchema('post', '/agencies/{agencyId}/keys'),
    fields: { reason: { label: '申请理由（如：原密钥泄露已吊销）', textarea: true } },
    intro: '新密钥须经另一系统管理员机构复核批准后签发，只向批准者显示一次。',
    submitLabel: '提交申请',
    submit: (body, key) => api(`/agencies/${encodeURIComponent(a.id)}/keys`, { method: 'POST', body, idempotencyKey: key }),
    done: again,
  });
  return h('div', {}, h('button', { type: 'button', class: 'secondary', 'data-keys': a.id, onclick: showKeys }, '查看密钥'), list,
    h('details', { class: 'more-action', 'data-key-request': a.id }, h('summary', {}, '申请新密钥'), request));
}

/** Key requests: the pending ones of other ADMIN agencies to approve or refuse, and the latest decided. */
export async function keyRequestsCard(me, agencies, issued) {
  const [{ items }, schema] = await Promise.all([api('/key-requests'), bodySchema('post', '/key-requests/{requestId}/decision')]);
  const name = (id) => agencies.find((x) => x.id === id)?.name ?? id;
  const rows = items.slice(0, 20).map((r) => {
    let decide = null;
    if (r.status === 'pending' && r.requestedBy !== me.id) {
      decide = schemaForm({
        id: `key-decision-${r.id}`, schema,
        fields: { approve: { label: '复核意见', options: { true: '批准并签发', false: '拒绝' } }, reason: { label: '理由（拒绝时必填）', textarea: true } },
        submitLabel: '提交',
        submit: (body, key) => api(`/key-requests/${encodeURIComponent(r.id)}/decision`, { method: 'POST', body, idempotencyKey: key }),
        done: async (res) => {
          await issued(res.apiKey ? shownOnce(`${name(r.agencyId)} 的新 API 密钥（${res.keyId}）`, res.apiKey, 'new-key') : h('p', { class: 'ok', role: 'status' }, '已拒绝该申请。'));
        },
      });
    }
    return h('tr', { id: `key-request-row-${r.id}` }, h('td', {}, name(r.agencyId)), h('td', {}, r.reason), h('td', {}, `${name(r.requestedBy)}，${fmtTime(r.requestedAt)}`),
      h('td', {}, STATUS[r.status] ?? r.status, r.decidedBy ? h('div', { class: 'muted small' }, `${name(r.decidedBy)}，${fmtTime(r.decidedAt)}`) : null),
      h('td', {}, decide ?? (r.status === 'pending' ? h('span', { class: 'muted' }, '待另一系统管理员机构复核') : '—')));
  });
  return card('密钥申请（两人复核）', table(['机构', '理由', '申请', '状态', '复核'], rows, 'key-requests', '没有密钥申请'));
}
