// 立案推送 (R2, R3): ENFORCEMENT files its penalty decision, CREDIT an external document: the
// document, the target (its credit code or identity number checked while typed), the persons
// (R13), the measures picked from the two lists with their basis and period (R1, R10), the
// receiving AUTHORITY, and consultation or legal review when the case is complex.
// HOOK(issue 13, penalty facts): the penalty type (警告, 通报批评, 罚款 with its amount …) and the
// field are not yet fields of POST /cases. The form is drawn from the route's schema, so when
// issue 13 adds them they appear here after the fields below (ORDER), labelled from labels.js
// (add their Chinese labels there, and options for their enums here).
import { api, bodySchema, directory, measureList } from '../api.js';
import { card, h, loading, show } from '../dom.js';
import { due, options } from '../format.js';
import { creditCodeProblem, idNumberProblem } from '../identifiers.js';
import { schemaForm } from '../schema-form.js';
import { agencyChecks, agencyPicker, measurePicker } from '../widgets.js';

const upper = (v) => v.toUpperCase();
/** The fields in the order a clerk reads the decision; any other field of POST /cases follows them. */
const ORDER = ['source', 'document', 'receivedOn', 'target', 'persons', 'measures', 'periods', 'authority', 'seriousness', 'repeated', 'consultation', 'consultWith', 'legalReview'];

export async function render({ me, refreshTaskCount }) {
  show(loading());
  const [schema, agencies, measures] = await Promise.all([bodySchema('post', '/cases'), directory(), measureList()]);
  const sources = Object.fromEntries(Object.entries(options('caseSources'))
    .filter(([s]) => me.roles.includes(s === 'penalty_decision' ? 'ENFORCEMENT' : 'CREDIT')));
  const only = Object.keys(sources).length === 1 ? Object.keys(sources)[0] : undefined;
  let targetKind = () => 'enterprise';
  const picker = measurePicker(measures.filter((m) => m.status === 'active'), () => targetKind());
  const having = (role) => agencies.filter((a) => a.roles.includes(role));
  const result = h('div', { id: 'intake-result', 'aria-live': 'polite' });
  const form = schemaForm({
    id: 'intake-form',
    schema: { ...schema, properties: Object.fromEntries([...ORDER, ...Object.keys(schema.properties).filter((k) => !ORDER.includes(k))].map((k) => [k, schema.properties[k]])) },
    fields: {
      source: only ? { hidden: true, value: only } : { options: sources },
      'document.kind': { options: options('documentKinds') },
      'target.kind': { options: { enterprise: '企业（统一社会信用代码）', person: '自然人（公民身份号码）' }, value: 'enterprise' },
      'target.creditCode': { check: (v) => creditCodeProblem(upper(v)), transform: upper, hint: '18 位，含校验码（GB 32100-2015）' },
      'target.idNumber': { check: (v) => idNumberProblem(upper(v)), transform: upper, hint: '18 位，含校验码（GB 11643-1999）' },
      'persons.*.role': { options: options('personRoles') },
      'persons.*.idNumber': { check: (v) => idNumberProblem(upper(v)), transform: upper },
      measures: { widget: picker.measures },
      periods: { widget: picker.periods },
      authority: { widget: agencyPicker(having('AUTHORITY'), { empty: '请选择接收的业务主管机构' }) },
      seriousness: { options: options('seriousness'), value: 'general' },
      consultWith: { widget: agencyChecks(agencies.filter((a) => a.id !== me.id && a.roles.some((r) => ['AUTHORITY', 'CREDIT', 'ENFORCEMENT'].includes(r)))) },
      legalReview: { widget: agencyPicker(having('LEGAL')) },
    },
    submitLabel: '立案并推送',
    submit: (body, key) => api('/cases', { method: 'POST', body, idempotencyKey: key }),
    done: (answer) => {
      refreshTaskCount();
      result.replaceChildren(card('已推送', h('p', { class: 'ok', role: 'status' },
        `案件已推送${answer.late ? '（超过推送期限，已记为逾期）' : ''}，推送期限 ${answer.pushDueOn} 止。`,
        answer.opened.length ? `新的环节：${answer.opened.map((s) => `${s.label}（${due(s)}）`).join('；')}。` : ''),
      h('p', {}, h('a', { href: `#/target/${answer.targetId}/case/${answer.caseId}`, id: 'intake-case-link' }, '查看案件'))));
      result.scrollIntoView();
    },
  });
  // Fields that belong to one source or one kind of target are shown (and sent) only with it.
  const field = (name) => form.querySelector(`[name="${name}"]`);
  const toggle = (names, on) => {
    for (const n of names) {
      const el = field(n);
      if (!el) continue;
      el.disabled = !on;
      el.closest('.field').hidden = !on;
    }
  };
  const persons = [...form.querySelectorAll('fieldset.group')].find((f) => f.querySelector('legend')?.textContent.startsWith('相关人员'));
  const sync = () => {
    const external = (field('source')?.value ?? only) === 'external_document';
    toggle(['document.kind', 'receivedOn'], external);
    const kind = field('target.kind').value;
    toggle(['target.creditCode'], kind === 'enterprise');
    toggle(['target.idNumber'], kind === 'person');
    if (persons) {
      persons.hidden = kind !== 'enterprise';
      persons.disabled = kind !== 'enterprise';
    }
    targetKind = () => kind;
    picker.refresh();
  };
  field('source')?.addEventListener('change', sync);
  field('target.kind').addEventListener('change', sync);
  sync();
  show(card(`立案推送（${only === 'external_document' ? 'R3 外部文书' : only === 'penalty_decision' ? 'R2 本部门行政处罚决定' : 'R2/R3'}）`,
    h('p', { class: 'muted' }, '推送期限：处罚决定作出（或收到外部文书）后 3 个工作日内；提请会商的 15 个工作日内。'), form), result);
}
