// ADMIN settings where the seeds leave a choice: the reminder interval of each overdue step
// (R14), the working days of steps the seeds give no number for (R4, R2/R3, R11), the day the
// monthly report falls due (R9), and the State Council holiday years (R16): a file is previewed,
// every day it adds, removes or changes shown, before it is loaded.
import { api, bodySchema, newKey } from '../api.js';
import { card, h, table } from '../dom.js';
import { fmtTime, label } from '../format.js';
import { schemaForm } from '../schema-form.js';

const NON_WORKING = { next_working_day: '顺延至下一个工作日', keep_date: '不顺延' };
const DAY_KIND = { holiday: '放假', makeup_workday: '调休上班' };

/** A one-field form per setting row, saved with PUT. */
async function settingForm(id, path, url, fields, label) {
  return schemaForm({
    id, schema: await bodySchema('put', path), fields, submitLabel: '保存', inline: true, label,
    submit: (body, key) => api(url, { method: 'PUT', body, idempotencyKey: key }),
    done: (res) => {
      const form = document.getElementById(id);
      form.querySelector('.saved')?.remove();
      form.append(h('span', { class: 'ok saved', role: 'status' }, '已保存'));
      return res;
    },
  });
}

export async function settingsCards() {
  const [intervals, stepDeadlines, rules] = await Promise.all([api('/escalation-intervals'), api('/step-deadlines'), api('/calendar/deadline-rules')]);
  const intervalRows = await Promise.all(intervals.items.map(async (i) => h('tr', {}, h('td', {}, label('steps', i.step)),
    h('td', {}, await settingForm(`interval-${i.step}`, '/escalation-intervals/{step}', `/escalation-intervals/${i.step}`, { intervalWorkingDays: { value: i.intervalWorkingDays } }, `${label('steps', i.step)} 的催办间隔`)))));
  const deadlineRows = await Promise.all(stepDeadlines.items.map(async (d) => h('tr', {}, h('td', {}, `${d.label}（${d.rule}）`), h('td', {}, `默认 ${d.defaultWorkingDays}`),
    h('td', {}, await settingForm(`step-deadline-${d.kind}`, '/step-deadlines/{kind}', `/step-deadlines/${d.kind}`, { workingDays: { value: d.workingDays } }, `${d.label} 的期限`)))));
  const ruleRows = await Promise.all(rules.items.map(async (r) => h('tr', {}, h('td', {}, `月度反馈（${r.rule}）`),
    h('td', {}, await settingForm(`deadline-rule-${r.kind}`, '/calendar/deadline-rules/{kind}', `/calendar/deadline-rules/${r.kind}`,
      { dueDay: { value: r.dueDay }, nonWorkingDay: { options: NON_WORKING, value: r.nonWorkingDay } }, '月度反馈到期日')))));
  return [
    card('逾期催办间隔（R14）', h('p', { class: 'muted' }, '逾期未办的环节每隔若干工作日再次催办。'), table(['环节', '间隔'], intervalRows, 'interval-list')),
    card('环节期限（种子文件未规定的）', h('p', { class: 'muted' }, '只影响此后开启的环节。'), table(['环节', '默认', '期限'], deadlineRows, 'step-deadline-list')),
    card('月度反馈到期日（R9）', table(['期限', '设置'], ruleRows, 'deadline-rule-list')),
  ];
}

export async function calendarCards() {
  return [holidayCard((await api('/calendar/years')).items)];
}

/** R16: a year's schedule as a file (db/calendar/YYYY.json's shape): previewed, then loaded. */
function holidayCard(loaded) {
  const file = h('input', { type: 'file', id: 'holiday-file', accept: 'application/json,.json' });
  const out = h('div', { id: 'holiday-preview', 'aria-live': 'polite' });
  const yearRows = loaded.map((y) => h('tr', {}, h('td', {}, y.year), h('td', {}, y.notice?.title ?? '—'), h('td', {}, fmtTime(y.loadedAt))));
  file.addEventListener('change', async () => {
    out.replaceChildren();
    const f = file.files?.[0];
    if (!f) return;
    let body;
    try {
      body = JSON.parse(await f.text());
    } catch {
      out.replaceChildren(h('p', { class: 'error', role: 'alert' }, '文件不是有效的 JSON'));
      return;
    }
    const year = body.year;
    if (!Number.isInteger(year)) {
      out.replaceChildren(h('p', { class: 'error', role: 'alert' }, '文件中缺少 year（年份）'));
      return;
    }
    try {
      const p = await api(`/calendar/years/${year}/preview`, { method: 'POST', body });
      const day = (d) => `${d.date} ${DAY_KIND[d.kind] ?? d.kind}（${d.name}）`;
      const lines = [
        ...p.changes.added.map((d) => ['新增', day(d)]), ...p.changes.removed.map((d) => ['删除', day(d)]),
        ...p.changes.changed.map((c) => ['变更', `${c.date}：${DAY_KIND[c.from.kind]}（${c.from.name}）→ ${DAY_KIND[c.to.kind]}（${c.to.name}）`]),
      ];
      const key = newKey(); // one load of this file, however often the button is pressed
      const load = h('button', {
        class: 'primary', type: 'button', id: 'holiday-load',
        onclick: async () => {
          load.disabled = true;
          try {
            const r = await api(`/calendar/years/${year}`, { method: 'PUT', body, idempotencyKey: key });
            out.replaceChildren(h('p', { class: 'ok', role: 'status' }, `已载入 ${r.year} 年安排，${r.targetsNotified} 个惩戒对象的暂定期限将重新计算。`));
          } catch (err) {
            out.append(h('p', { class: 'error', role: 'alert' }, err.field ? `${err.field}：${err.reason}` : err.message));
            load.disabled = false;
          }
        },
      }, `载入 ${year} 年安排`);
      out.replaceChildren(h('p', {}, `${year} 年${p.created ? '尚未载入，将新增' : '已载入，载入后的变化'}：${lines.length ? `${lines.length} 天` : '没有变化'}`),
        table(['变化', '日期'], lines.map(([k, d]) => h('tr', {}, h('td', {}, k), h('td', {}, d))), 'holiday-changes', '没有变化'), load);
    } catch (err) {
      out.replaceChildren(h('p', { class: 'error', role: 'alert' }, err.field ? `${err.field}：${err.reason}` : err.message));
    }
  });
  return card('节假日安排（R16）', table(['年份', '依据通知', '载入时间'], yearRows, 'holiday-years'),
    h('div', { class: 'field' }, h('label', { for: 'holiday-file' }, '上传某一年的安排文件（JSON，格式同 db/calendar/2026.json）'), file), out);
}
