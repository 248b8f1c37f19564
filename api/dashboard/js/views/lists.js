// 措施清单 (R1): the two lists as in effect today, each measure with its basis, period and
// implementer; the proposed changes with both reviews; an AUTHORITY proposes a change (立改废),
// CREDIT and LEGAL review it within 10 working days.
import { api, bodySchema, measureList } from '../api.js';
import { card, h, loading, show, table } from '../dom.js';
import { fmtTime, label, options } from '../format.js';
import { schemaForm } from '../schema-form.js';
import { checkboxes } from '../widgets.js';

const yesNo = { true: '是', false: '否' };
const STATUS = { under_review: '审核中', approved: '已通过（待生效）', rejected: '未通过', effective: '已生效' };
const KIND = { add: '新增', amend: '修改', retire: '废止' };

const periodText = (p) => (p.rule === 'fixed' ? `固定 ${Object.entries(p.length ?? {}).map(([u, v]) => `${v}${{ years: ' 年', months: ' 个月', days: ' 日' }[u]}`).join('')}` : label('periodRules', p.rule));
const decisionText = (d) => (d ? `${d.approve ? '同意' : '不同意'}（${d.agencyName}${d.reason ? `：${d.reason}` : ''}）` : '待审核');

export async function render({ me, params, refreshTaskCount }) {
  show(loading());
  const [measures, changes] = await Promise.all([measureList(), api('/measures/changes')]);
  const parts = [];
  const reviewer = ['CREDIT', 'LEGAL'].filter((r) => me.roles.includes(r));
  const focusChange = params.get('change');

  const changeRows = [];
  for (const c of changes.items) {
    let review = null;
    const mine = reviewer.filter((r) => !(r === 'CREDIT' ? c.creditDecision : c.legalDecision));
    if (c.status === 'under_review' && mine.length) {
      review = schemaForm({
        id: `review-${c.id}`, title: `审核 ${KIND[c.kind]} ${c.code}`,
        schema: await bodySchema('post', '/measures/changes/{changeId}/decision'),
        fields: {
          approve: { label: '审核意见', options: { true: '同意', false: '不同意' } },
          reason: { label: '理由（不同意时必填）', textarea: true },
          role: mine.length > 1 || reviewer.length > 1 ? { options: Object.fromEntries(mine.map((r) => [r, label('roles', r)])) } : { hidden: true },
        },
        submitLabel: '提交审核意见',
        submit: (body, key) => api(`/measures/changes/${encodeURIComponent(c.id)}/decision`, { method: 'POST', body, idempotencyKey: key }),
        done: async () => {
          refreshTaskCount();
          await render({ me, params: new URLSearchParams(), refreshTaskCount });
        },
      });
    }
    changeRows.push(h('tr', { id: `change-${c.id}` },
      h('td', {}, KIND[c.kind]), h('td', {}, c.code), h('td', {}, c.reason), h('td', {}, STATUS[c.status] ?? c.status),
      h('td', {}, decisionText(c.creditDecision)), h('td', {}, decisionText(c.legalDecision)), h('td', {}, fmtTime(c.createdAt)),
      h('td', {}, review)));
  }

  if (me.roles.includes('AUTHORITY')) {
    const result = h('div', { 'aria-live': 'polite' });
    parts.push(card('提出清单变更（R1 立改废）', schemaForm({
      id: 'propose-change', schema: await bodySchema('post', '/measures/changes'),
      intro: '新增须填写全部措施内容；修改只填写变化的内容；废止无须填写。经信用监管机构和法制机构审核后生效。',
      fields: {
        kind: { options: KIND },
        code: { label: '措施代码', hint: '如 DM-R6-XXXX（失信惩戒）或 ES-R8-XXXX（强化监管）' },
        reason: { label: '变更理由（法律法规的立改废）', textarea: true },
        measure: { toggle: '填写措施内容（新增或修改）' },
        'measure.list': { options: options('lists') },
        'measure.category': { options: options('measureCategories') },
        'measure.source': { hidden: true },
        'measure.targetKinds': { widget: checkboxes({ enterprise: '企业', person: '自然人' }) },
        'measure.period.rule': { options: options('periodRules') },
        'measure.period.length': { label: '固定期限（只填一项）', toggle: '固定期限的长度' },
        'measure.implementerKind': { options: options('implementerKinds') },
        'measure.mandatory': { options: yesNo }, 'measure.feedbackSet': { options: yesNo }, 'measure.outsideLocalAuthority': { options: yesNo },
      },
      submitLabel: '提交审核',
      submit: (body, key) => api('/measures/changes', { method: 'POST', body, idempotencyKey: key }),
      done: async (a) => {
        result.replaceChildren(h('p', { class: 'ok', role: 'status' }, `已提交，变更 ${a.changeId} 进入审核（10 个工作日）。`));
        await render({ me, params: new URLSearchParams(), refreshTaskCount });
      },
    }), result));
  }
  parts.unshift(card('清单变更及审核', table(['类型', '措施', '理由', '状态', '信用监管机构', '法制机构', '提出时间', ''], changeRows, 'change-list', '尚无变更')));

  const rows = measures.map((m) => h('tr', {},
    h('td', {}, m.name, h('div', { class: 'muted small' }, m.code)), h('td', {}, label('lists', m.list)), h('td', {}, label('measureCategories', m.category)),
    h('td', { class: 'small' }, m.legalBasis?.document ? `${m.legalBasis.document}${m.legalBasis.article ? ` ${m.legalBasis.article}` : ''}` : '依据待确认'),
    h('td', {}, periodText(m.period)), h('td', {}, label('implementerKinds', m.implementerKind)),
    h('td', {}, m.targetKinds.map((k) => (k === 'enterprise' ? '企业' : '自然人')).join('、')), h('td', {}, m.feedbackSet ? '是' : '否')));
  parts.push(card(`两张清单（${measures.length} 项措施）`, table(['措施', '清单', '类别', '依据', '期限', '实施机构', '适用对象', '月度反馈'], rows, 'measure-list')));
  show(...parts);
  if (focusChange) document.querySelector(`#review-${CSS.escape(focusChange)} select`)?.focus();
}
