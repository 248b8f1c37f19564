// Labels and dates as the clerks read them: every label from GET /vocabulary (the API's
// registries) or the small table of field labels kept with the forms; dates in Asia/Shanghai
// whatever the browser's zone (R16); a deadline as its last working day, "2026-11-27 止",
// never as the instant after it.
export const VOCAB = {};

export function setVocabulary(v) {
  Object.assign(VOCAB, v);
}

/** A label of a vocabulary (roles, steps, journal …), the key itself when unknown. */
export function label(table, key) {
  if (key === null || key === undefined) return '—';
  const entry = VOCAB[table]?.[key];
  return entry?.label ?? (typeof entry === 'string' ? entry : String(key));
}

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});
const dateOnly = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

export const fmtTime = (iso) => (iso ? dateTime.format(new Date(iso)) : '—');
/** A calendar day as is; an instant as its day in Shanghai. */
export const fmtDate = (iso) => (iso ? (/^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso : dateOnly.format(new Date(iso))) : '—');
/** Today in Shanghai (YYYY-MM-DD). */
export const todayInShanghai = () => dateOnly.format(new Date());

/** A step's deadline: its last day (dueOn), "止"; provisional while its year's schedule is not loaded. */
export const due = (step) => `${step.dueOn} 止${step.provisional ? '（暂定）' : ''}`;

/** "剩余 3 个工作日", "今日截止", "已逾期 2 个工作日" from GET /tasks' workingDaysLeft. */
export function daysLeft(n) {
  if (n > 0) return `剩余 ${n} 个工作日`;
  if (n === 0) return '今日截止';
  return `已逾期 ${-n} 个工作日`;
}

export const agencyLabel = (a) => (a ? `${a.name}` : '—');

/** A vocabulary as { key: label }, for a select's options. */
export const options = (table) => Object.fromEntries(Object.entries(VOCAB[table] ?? {}).map(([k, v]) => [k, v?.label ?? v]));
