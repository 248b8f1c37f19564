// A target's page (#/target/:id) and a case's page (#/target/:id/case/:caseId): the cases, the
// measures as carried out, the open steps with their last days, the forms of the actions this
// agency may take on each (R2–R14), and the whole story with links to the engine.
import { api, directory, measureList } from '../api.js';
import { badge, card, h, loading, show, table } from '../dom.js';
import { VOCAB, due, fmtDate, fmtTime, label } from '../format.js';
import { actionForm, answerSummary, startingActions, stepActions } from '../action-forms.js';
import { lettersPanel } from '../letters.js';

let flash = null;

export async function render({ path, me, refreshTaskCount }) {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent); // target, :id, case, :caseId
  const tid = parts[1];
  const cid = parts[2] === 'case' ? parts[3] : null;
  show(loading());
  try {
    const [target, history, agencies, measures] = await Promise.all([
      api(`/targets/${encodeURIComponent(tid)}`), api(`/targets/${encodeURIComponent(tid)}/history`), directory(), measureList(),
    ]);
    const nameOf = (code) => measures.find((m) => m.code === code)?.name ?? code;
    const agencyName = (id) => agencies.find((a) => a.id === id)?.name ?? id ?? '—';
    for (const c of target.cases) c.names = Object.fromEntries(c.measures.map((m) => [m.code, nameOf(m.code)]));
    const steps = [...target.openSteps, ...target.timers];
    const again = async (action, answer) => {
      flash = answerSummary(action, answer, agencies);
      refreshTaskCount();
      await render({ path, me, refreshTaskCount });
    };
    const ctxBase = { me, target, agencies, measures };
    const shown = cid ? target.cases.filter((c) => c.id === cid) : target.cases;
    if (cid && shown.length === 0) throw new Error(`本对象没有案件 ${cid}`);

    const caseRows = target.cases.map((c) => h('tr', {},
      h('td', {}, h('a', { href: `#/target/${target.targetId}/case/${c.id}` }, c.documentNumber)), h('td', {}, c.documentIssuer),
      h('td', {}, fmtDate(c.issuedOn)), h('td', {}, label('caseSources', c.source)), h('td', {}, label('caseStatus', c.status)),
      h('td', {}, agencyName(c.authorityId)), h('td', {}, c.late ? badge('逾期推送', 'overdue') : '按期')));
    const measureRows = shown.flatMap((c) => c.measuresInForce.map((m) => h('tr', {},
      h('td', {}, c.documentNumber), h('td', {}, `${nameOf(m.code)}（${m.code}）`), h('td', {}, agencyName(m.implementerId)),
      h('td', {}, label('measureStatus', m.status)), h('td', {}, fmtDate(m.activeFrom)),
      h('td', {}, m.periodEnd ? `${m.periodEnd} 届满` : '无固定期限'),
      h('td', {}, m.releaseReason ? `${label('releaseReasons', m.releaseReason)}（${fmtTime(m.releasedAt)}）` : '—'))));
    const stepRows = steps.filter((s) => !cid || s.caseId === cid || s.caseId === null).map((s) => h('tr', { 'data-kind': s.kind },
      h('td', {}, s.label), h('td', {}, s.rule), h('td', {}, s.agencyId ? agencyName(s.agencyId) : '系统'),
      h('td', { class: 'due' }, due(s)), h('td', {}, s.overdue ? badge('已逾期', 'overdue') : s.agencyId === me.id ? badge('待本机构办理', 'open') : '未到期')));

    const panels = [];
    for (const c of shown) panels.push(await casePanel({ ...ctxBase, c }, steps.filter((s) => s.caseId === c.id), again, agencyName, nameOf));
    // Steps of the target itself (R9 monthly feedback on one target).
    const own = [];
    for (const s of steps.filter((x) => x.caseId === null && x.agencyId === me.id)) {
      for (const a of stepActions({ ...ctxBase, c: null, step: s })) own.push(await actionForm(a, { ...ctxBase, c: null, step: s }, (ans) => again(a, ans)));
    }
    const timeline = h('ol', { class: 'timeline', id: 'timeline' }, ...history.items.filter((e) => !cid || !e.caseId || e.caseId === cid).map((e) => h('li', { class: e.kind },
      h('span', { class: 'when' }, fmtTime(e.at)), h('strong', {}, e.label), ' ', e.summary,
      e.agency ? h('span', { class: 'muted' }, `（${e.agency}）`) : null, e.rule ? h('span', { class: 'rule' }, e.rule) : null,
      ' ', h('a', { href: e.link, target: '_blank', rel: 'noopener', class: 'muted', title: '在 Temporal 界面中查看对应事件' }, '引擎记录'))));
    const message = flash;
    flash = null;
    show(
      h('p', {}, cid ? h('a', { href: `#/target/${target.targetId}` }, `← ${target.name}`) : h('a', { href: '#/targets' }, '← 返回查询')),
      message,
      card(null, h('h2', { id: 'target-name' }, target.name),
        h('p', { class: 'muted' }, `${target.kind === 'enterprise' ? `统一社会信用代码 ${target.creditCode}` : `公民身份号码 ${target.idNumber}`} · ${label('targetStatus', target.status)}${
          // Issue 17: the page reads PostgreSQL (workflowStatus not_read); the engine's state only when it was asked for.
          target.workflowStatus === 'not_read' ? '' : ` · 引擎：${{ running: '运行中', not_found: '已闭环', unavailable: '暂不可用' }[target.workflowStatus]}`}`)),
      card('案件', table(['文书号', '作出机关', '作出日期', '来源', '状态', '业务主管机构', '推送'], caseRows, 'cases')),
      card('惩戒措施', table(['案件', '措施', '实施机构', '状态', '起始', '届满', '解除'], measureRows, 'measures', '尚无实施中的措施')),
      card('待办环节', table(['环节', '规则', '责任机构', '期限', ''], stepRows, 'open-steps', '没有未完成的环节')),
      own.length ? card('本机构对该对象的待办', own) : null,
      ...panels,
      card('全过程记录', history.engine === 'unavailable' ? h('p', { class: 'muted' }, '引擎暂不可用，记录来自数据库') : null, timeline));
    const focus = document.querySelector('.case-panel form[data-step] :is(input,select,textarea,button)');
    if (cid && focus) focus.focus();
  } catch (err) {
    show(h('p', {}, h('a', { href: '#/targets' }, '← 返回查询')), h('p', { class: 'error', role: 'alert' }, err.message));
  }
}

/** One case: what it carries, who it was pushed to, and the forms of this agency's actions on it. */
async function casePanel(ctx, caseSteps, again, agencyName, nameOf) {
  const { c, me } = ctx;
  // R13: the enterprise case a person's case was taken from, as PostgreSQL holds it (or the workflow, when read live).
  const from = c.derivedFrom && c.derivedFromTargetId ? { caseId: c.derivedFrom, targetId: c.derivedFromTargetId }
    : ctx.target.workflow?.cases?.find((x) => x.caseId === c.id)?.derivedFrom ?? null;
  const stepForms = [];
  // One form per action (and objection, repair …): under the step it is the first way to
  // complete (the push to implementers under 推送实施机构, not under 接收, which it completes too).
  const pairs = caseSteps.flatMap((s) => stepActions({ ...ctx, step: s }).map((a) => ({ s, a, key: `${a}|${s.ref ?? ''}`, primary: VOCAB.steps?.[s.kind]?.completedBy?.[0] === a })));
  const chosen = new Map();
  for (const p of pairs) if (!chosen.has(p.key) || (p.primary && !chosen.get(p.key).primary)) chosen.set(p.key, p);
  for (const p of pairs) {
    if (chosen.get(p.key) !== p) continue;
    const form = await actionForm(p.a, { ...ctx, step: p.s }, (ans) => again(p.a, ans));
    form.dataset.step = p.s.key;
    stepForms.push(h('div', { class: 'step-form' }, h('p', { class: 'step-due' }, `${p.s.label}：${due(p.s)}`), form));
  }
  const more = [];
  for (const a of startingActions({ ...ctx, step: null })) {
    more.push(h('details', { class: 'more-action', 'data-action': a }, h('summary', {}, label('actions', a)), await actionForm(a, { ...ctx, step: null }, (ans) => again(a, ans))));
  }
  const pinned = c.measures.map((m) => h('li', {}, `${nameOf(m.code)}（${label('measureCategories', m.category)}，${
    m.period === 'permanent' ? '永久' : Object.entries(m.period).map(([u, v]) => `${v}${{ years: ' 年', months: ' 个月', days: ' 日' }[u]}`).join('')}${m.outsideLocalAuthority ? '，逐级上报' : ''}）`));
  const pushed = c.implementers.map((i) => h('li', {}, `${agencyName(i.agencyId)}：${i.measures.map(nameOf).join('、')}${i.acknowledgedAt ? `（${fmtDate(i.acknowledgedAt)} 签收）` : '（待签收）'}`));
  return h('section', { class: 'card case-panel', id: `case-${c.id}` },
    h('h2', {}, `案件 ${c.documentNumber}`),
    h('div', { class: 'cols' },
      h('div', {}, h('h3', {}, '措施'), h('ul', {}, pinned)),
      h('div', {}, h('h3', {}, '实施机构'), pushed.length ? h('ul', {}, pushed) : h('p', { class: 'muted' }, '尚未推送')),
      // R13: each person is a target of its own, with the case it took from this one.
      c.persons.length ? h('div', {}, h('h3', {}, '相关人员'), h('ul', {}, c.persons.map((p) => h('li', {},
        h('a', { href: `#/target/${p.personTargetId}${p.personCaseId ? `/case/${p.personCaseId}` : ''}` }, `${label('personRoles', p.role)} ${p.name} ${p.idNumber}`))))) : null),
    from ? h('p', { class: 'muted' }, '本案系人员案件，源自企业案件 ', h('a', { href: `#/target/${from.targetId}/case/${from.caseId}` }, from.caseId), '（R13）') : null,
    stepForms.length ? h('div', { class: 'my-steps' }, h('h3', {}, '本机构待办'), stepForms)
      : h('p', { class: 'muted' }, c.pushedBy === me.id || c.authorityId === me.id ? '本案暂无本机构待办环节。' : ''),
    more.length ? h('div', { class: 'more' }, h('h3', {}, '其他操作'), more) : null,
    await lettersPanel(c.id, agencyName));
}
