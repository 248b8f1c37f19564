// Every agency action as a form, declared once: its route (the body schema is read from the
// OpenAPI document), the step it answers (which gives its path parameters), and the few field
// labels and widgets it needs beyond the shared ones. Who may take it (roles and how the agency
// stands to the case) comes from the action registry in GET /vocabulary; whether the state
// allows it is the workflow's to judge, and its refusal shows in the form.
// Adding a form: one entry here (and a label in labels.js if a field is new).
import { api, bodySchema } from './api.js';
import { h } from './dom.js';
import { VOCAB, due, label } from './format.js';
import { schemaForm } from './schema-form.js';
import { checkboxes, implementersWidget, notApplicableWidget } from './widgets.js';

const reasonField = (text) => ({ reason: { label: text, textarea: true } });
const decision = (outcomes, reasonText) => () => ({ outcome: { label: '结论', options: outcomes }, ...reasonField(reasonText) });
const refParam = (name) => (step) => ({ [name]: step.ref });

/** ctx: { me, target, c (the case, null for a target's own step), step, agencies, measures } */
export const ACTION_FORMS = {
  receiveCase: { path: '/cases/{caseId}/receipt', submitLabel: '接收', intro: '确认已收到本案的对象、措施和事由（R5）。' },
  pushToImplementers: {
    path: '/cases/{caseId}/implementers', submitLabel: '推送',
    intro: '为每项措施选择其类别的实施机构；可分次推送，直至每项措施都已推送、上报或记为不适用（R5）。',
    fields: ({ c, agencies, me }) => ({ implementers: { widget: implementersWidget(unpushed(c), agencies, agencies.find((a) => a.id === me.id) ?? me) } }),
  },
  markNotApplicable: {
    path: '/cases/{caseId}/not-applicable', submitLabel: '记为不适用',
    fields: ({ c }) => ({ measures: { label: '本地没有实施机构的措施及理由', widget: notApplicableWidget(unpushed(c)) } }),
  },
  acknowledge: { path: '/cases/{caseId}/acknowledgement', submitLabel: '签收', intro: '签收推送给本机构的措施，自今日起实施（R5）。' },
  forwardUpwardReport: {
    path: '/cases/{caseId}/upward-reports/{reportId}/forward', submitLabel: '报送上一级', params: (s) => ({ reportId: s.ref.replace(/-\d+$/, '') }),
    fields: () => ({ note: { label: '失信情况说明', textarea: true } }),
  },
  confirmUpwardReport: {
    path: '/cases/{caseId}/upward-reports/{reportId}/confirm', submitLabel: '确认接收', params: (s) => ({ reportId: s.ref.replace(/-\d+$/, '') }),
    fields: () => ({ note: { label: '说明', textarea: true } }),
  },
  answerConsultation: {
    path: '/cases/{caseId}/consultations/{requestId}/answer', submitLabel: '提交意见', params: refParam('requestId'),
    fields: () => ({ agree: { label: '同意' }, ...reasonField('意见和理由') }),
  },
  reportFeedback: {
    path: '/feedback', submitLabel: '提交反馈',
    fields: ({ target, step }) => ({
      targetId: { hidden: true, value: target.targetId }, month: { hidden: true, value: step.month }, summary: { label: `${step.month} 实施情况`, textarea: true },
    }),
  },
  fileObjection: {
    path: '/cases/{caseId}/objections', submitLabel: '受理异议', fields: () => reasonField('当事人的异议理由'),
    intro: '受理后本案措施在核实期间暂停执行，由作出认定的机构在 15 个工作日内核实（R11）。',
  },
  flagInformation: { path: '/cases/{caseId}/flags', submitLabel: '提请核实', fields: () => reasonField('认为信息有误的理由') },
  decideObjection: {
    path: '/cases/{caseId}/objections/{objectionId}/decision', submitLabel: '作出决定', params: refParam('objectionId'),
    fields: decision({ rejected: '异议不成立，予以驳回', upheld: '异议成立' }, '理由（书面答复当事人）'),
  },
  fileComplaint: { path: '/cases/{caseId}/complaints', submitLabel: '受理投诉', fields: () => reasonField('当事人的投诉理由') },
  decideComplaint: {
    path: '/cases/{caseId}/complaints/{complaintId}/decision', submitLabel: '作出决定', params: refParam('complaintId'),
    fields: decision({ rejected: '投诉不成立，予以驳回', upheld: '投诉成立' }, '理由'),
  },
  releaseCase: { path: '/cases/{caseId}/release', submitLabel: '解除全部措施', intro: '异议或投诉成立：解除本案全部措施，停止公示并告知实施机构（R11）。' },
  recordCauseChange: {
    path: '/cases/{caseId}/cause-changes', submitLabel: '登记',
    fields: () => ({ change: { options: { changed: '事由变更', revoked: '事由撤销或确认违法、无效' } }, document: { label: '确认变更的文书' } }),
  },
  adjustCase: {
    path: '/cases/{caseId}/adjustment', submitLabel: '调整',
    fields: ({ c }) => ({ drop: { widget: checkboxes(measureOptions(c)) }, 'shorten.*.code': { label: '措施', options: measureOptions(c) } }),
  },
  fileRepair: {
    path: '/cases/{caseId}/repairs', submitLabel: '受理修复申请', intro: '受理当事人的信用修复申请，15 个工作日内审核（R12）。',
    fields: () => ({ commitment: { toggle: '容缺受理：尚缺次要材料，当事人承诺限期补交' } }),
  },
  decideRepair: {
    path: '/cases/{caseId}/repairs/{repairId}/decision', submitLabel: '作出决定', params: refParam('repairId'),
    fields: decision({ approved: '同意修复', rejected: '不予修复' }, '理由'),
  },
  supplyMaterials: { path: '/cases/{caseId}/repairs/{repairId}/materials', submitLabel: '材料已补交', params: refParam('repairId') },
  // R8: the platform confirms the order its step names (the step's ref is the order id).
  confirmPublicityOrder: {
    path: '/cases/{caseId}/publicity-orders/{orderId}/confirmation', submitLabel: '确认已办理', params: refParam('orderId'),
    intro: '确认已按指令公示、标注、撤销标注或撤下公示（R8）。', fields: () => ({ reference: { label: '平台编号' } }),
  },
  // R17: the notice of the case is its first letter.
  recordLetterDelivery: {
    path: '/cases/{caseId}/letters/{letterId}/delivery', submitLabel: '登记送达', params: (s) => ({ letterId: `${s.caseId}.L1` }),
    intro: '登记告知书送达当事人的日期和方式（R17）。',
    fields: () => ({ deliveredOn: { label: '送达日期' }, way: { label: '送达方式', options: VOCAB.letterDeliveryWays ?? {} } }),
  },
};

const measureName = (code, measures) => measures.find((m) => m.code === code)?.name ?? code;

/** The case's measures not yet pushed to an implementer nor reported upward (R4, R5). */
function unpushed(c) {
  const given = new Set(c.implementers.flatMap((i) => i.measures));
  return c.measures.filter((m) => !given.has(m.code) && !m.outsideLocalAuthority).map((m) => ({ ...m, name: c.names?.[m.code] ?? m.code }));
}

const measureOptions = (c) => Object.fromEntries(c.measures.map((m) => [m.code, c.names?.[m.code] ?? m.code]));

/** How the agency stands to the case (domain/actions.ts Relation). */
function stands(relation, { me, c, step }) {
  if (relation === 'originator') return c?.pushedBy === me.id;
  if (relation === 'authority') return c?.authorityId === me.id;
  if (relation === 'implementer') return Boolean(c?.implementers.some((i) => i.agencyId === me.id)) || Boolean(step && step.agencyId === me.id);
  if (relation === 'addressee') return Boolean(step && step.agencyId === me.id);
  return me.roles.includes('CREDIT'); // office
}

export const mayTake = (action, ctx) => {
  const def = VOCAB.actions?.[action];
  if (!def || !ACTION_FORMS[action] || !def.roles.some((r) => ctx.me.roles.includes(r))) return false;
  // R11: a CREDIT agency may record an objection for the agency that filed the case (domain/actions.ts orOffice).
  return stands(def.relation, ctx) || Boolean(def.orOffice && ctx.me.roles.includes('CREDIT'));
};

/**
 * The actions that answer this open step, when the step is this agency's: the step's own (its
 * registry's completedBy, the first being its usual way) and any other action that completes it.
 */
export function stepActions(ctx) {
  if (ctx.step.agencyId !== ctx.me.id) return [];
  const own = VOCAB.steps?.[ctx.step.kind]?.completedBy ?? [];
  const others = Object.entries(VOCAB.actions ?? {}).filter(([a, d]) => d.completes.includes(ctx.step.kind) && !own.includes(a)).map(([a]) => a);
  return [...own, ...others].filter((a) => mayTake(a, ctx));
}

/** The actions that start something on the case (an objection, a repair …), for this agency. */
export const startingActions = (ctx) => Object.keys(ACTION_FORMS).filter((a) => VOCAB.actions?.[a]?.completes.length === 0 && mayTake(a, ctx));

/** The form of one action in its context; `done` receives the workflow's answer. */
export async function actionForm(action, ctx, done) {
  const spec = ACTION_FORMS[action];
  const params = { caseId: ctx.c?.id, ...(spec.params && ctx.step ? spec.params(ctx.step) : {}) };
  const url = spec.path.replace(/\{(\w+)\}/g, (_, p) => encodeURIComponent(params[p]));
  const form = schemaForm({
    id: `form-${action}-${[params.caseId, ctx.step?.ref ?? ctx.step?.month].filter(Boolean).join('-')}`.replace(/[^\w-]/g, '_'),
    title: `${label('actions', action)}（${VOCAB.actions[action].rule}）`,
    intro: spec.intro,
    schema: await bodySchema('post', spec.path),
    fields: spec.fields?.(ctx) ?? {},
    submitLabel: spec.submitLabel,
    submit: (body, key) => api(url, { method: 'POST', body, idempotencyKey: key }),
    done,
  });
  form.dataset.action = action;
  return form;
}

/** What an action's answer opened, as a clerk reads it: each new step with its last day. */
export function answerSummary(action, answer, agencies) {
  const name = (id) => agencies.find((a) => a.id === id)?.name ?? id ?? '系统';
  const opened = (answer.opened ?? []).map((s) => `${s.label}（${name(s.agencyId)}，${due(s)}）`);
  return h('p', { class: 'ok', role: 'status' }, `已办理：${label('actions', action)}。`, opened.length ? `新的环节：${opened.join('；')}。` : '');
}

export { measureName };
