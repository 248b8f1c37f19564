// A form from a route's JSON Schema (the OpenAPI document's request body): one field per
// property, its Chinese label from the form's own table or the shared one (labels.js), a widget
// where a field needs more than an input (a measure picker, an agency picker). Errors the API
// names appear beside their field. Each submission carries an Idempotency-Key that stays the same
// while the body does, so a double click or a retry is applied once; the button is disabled in flight.
import { ApiError, newKey } from './api.js';
import { h } from './dom.js';
import { fieldLabel } from './labels.js';

/** A refusal found in the browser before sending, named like the API's (e.g. target.creditCode). */
export class FieldError extends Error {
  constructor(field, reason) {
    super(reason);
    this.field = field;
    this.reason = reason;
  }
}

const typeOf = (s) => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type);
const isDate = (s) => s.format === 'date' || /\\d\{4\}-\\d\{2\}-\\d\{2\}/.test(s.pattern ?? '') || s.description === 'YYYY-MM-DD' || /^YYYY-MM-DD\b/.test(s.description ?? '');
const isMonth = (s) => /^YYYY-MM\b(?!-)/.test(s.description ?? '') || (s.pattern ?? '').includes('(0[1-9]|1[0-2])$');
const prefix = (p, k) => (p === '' ? String(k) : k === '' ? p : `${p}.${k}`);

let ids = 0;
const uid = (path) => `f${(ids += 1)}-${path.replace(/[^A-Za-z0-9]/g, '-')}`;

/** A labelled field: its wrapper is where its error shows. */
export function fieldWrap(text, control, { hint, required, id } = {}) {
  return h('div', { class: 'field' },
    h('label', { for: id }, text, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    control, hint ? h('small', { class: 'hint' }, hint) : null);
}

/**
 * One node of the form: its element, its value (undefined: left out of the body), and where the
 * errors of its parts show (paths relative to it).
 */
function render(spec, path, schema, required) {
  const cfg = spec.fields?.[path] ?? {};
  const text = cfg.label ?? fieldLabel(path, schema);
  if (cfg.hidden) return { el: null, collect: () => cfg.value, anchors: () => [] };
  if (cfg.widget) return cfg.widget({ path, schema, required, cfg, label: text });
  const type = typeOf(schema);
  if (type === 'object' && schema.properties) return objectNode(spec, path, schema, required, cfg, text);
  if (type === 'array' && typeOf(schema.items ?? {}) === 'object') return rowsNode(spec, path, schema, required, text);
  return leafNode(path, schema, required, cfg, text);
}

function objectNode(spec, path, schema, required, cfg, text) {
  const order = cfg.order ?? Object.keys(schema.properties);
  const children = order.map((k) => [k, render(spec, prefix(path, k), schema.properties[k], (schema.required ?? []).includes(k))]);
  const inner = children.map(([, n]) => n.el).filter(Boolean);
  // The whole body, or one row of a list (its fields side by side, the list's legend above them).
  if (path === '' || path.endsWith('.*')) {
    const el = h('div', { class: path ? 'row-fields' : null }, inner);
    return { el, collect: () => collectObject(children) ?? {}, anchors: () => [...(path ? [['', el]] : []), ...anchorsOf(children)] };
  }
  const fs = h('fieldset', { class: 'group' }, h('legend', {}, text), inner);
  let included = () => true;
  if (!required) {
    // An optional group (e.g. a repair's commitment) is filled in only when the clerk asks for it.
    const id = uid(path);
    const box = h('input', { type: 'checkbox', id, checked: Boolean(cfg.open) });
    const sync = () => { fs.disabled = !box.checked; fs.hidden = !box.checked; };
    box.addEventListener('change', sync);
    sync();
    included = () => box.checked;
    return {
      el: h('div', { class: 'optional-group' }, h('label', { for: id, class: 'check' }, box, ` ${cfg.toggle ?? `填写${text}`}`), fs),
      collect: () => (included() ? collectObject(children) : undefined),
      anchors: () => [['', fs], ...anchorsOf(children)],
    };
  }
  return { el: fs, collect: () => collectObject(children) ?? {}, anchors: () => [['', fs], ...anchorsOf(children)] };
}

function collectObject(children) {
  const out = {};
  for (const [k, n] of children) {
    const v = n.collect();
    if (v !== undefined) out[k] = v;
  }
  return out;
}

const anchorsOf = (children) => children.flatMap(([k, n]) => n.anchors().map(([p, el]) => [prefix(k, p), el]));

/** An array of objects: rows the clerk adds and removes. */
function rowsNode(spec, path, schema, required, text) {
  const rows = [];
  const list = h('div', { class: 'rows' });
  const add = (initial) => {
    const node = render(spec, `${path}.*`, { ...schema.items }, true);
    const row = { node, el: h('div', { class: 'row' }, node.el, h('button', { type: 'button', class: 'link', onclick: () => remove(row) }, '删除')) };
    rows.push(row);
    list.append(row.el);
    if (initial) node.el.querySelector('input,select,textarea')?.focus();
  };
  const remove = (row) => {
    rows.splice(rows.indexOf(row), 1);
    row.el.remove();
  };
  const fs = h('fieldset', { class: 'group' }, h('legend', {}, text), list,
    h('button', { type: 'button', class: 'secondary add-row', onclick: () => add(true) }, `添加${text}`));
  if (required && (schema.minItems ?? 0) > 0) add(false);
  return {
    el: fs,
    collect: () => (fs.disabled || (rows.length === 0 && !required) ? undefined : rows.map((r) => r.node.collect())),
    anchors: () => [['', fs], ...rows.flatMap((r, i) => r.node.anchors().map(([p, el]) => [prefix(String(i), p), el]))],
  };
}

function leafNode(path, schema, required, cfg, text) {
  const type = typeOf(schema);
  const id = uid(path);
  let input;
  let read;
  if (type === 'boolean' && !cfg.options) {
    input = h('input', { type: 'checkbox', id, name: path, checked: Boolean(cfg.value ?? schema.default) });
    read = () => input.checked;
    const el = h('div', { class: 'field' }, h('label', { for: id, class: 'check' }, input, ` ${text}`), cfg.hint ? h('small', { class: 'hint' }, cfg.hint) : null);
    return { el, collect: read, anchors: () => [['', el]], input };
  }
  const options = cfg.options ?? (schema.enum ? Object.fromEntries(schema.enum.map((v) => [v, v])) : null);
  if (options) {
    input = h('select', { id, name: path, required },
      required && cfg.value === undefined ? h('option', { value: '' }, '请选择') : !required ? h('option', { value: '' }, '—') : null,
      ...Object.entries(options).map(([v, l]) => h('option', { value: v }, l)));
    if (cfg.value !== undefined) input.value = cfg.value;
  } else if (type === 'integer' || type === 'number') {
    input = h('input', { id, name: path, type: 'number', required, min: schema.minimum, max: schema.maximum, step: type === 'integer' ? 1 : 'any', value: cfg.value ?? schema.default });
  } else if (cfg.textarea || (schema.maxLength ?? 0) >= 2000) {
    input = h('textarea', { id, name: path, required: required && (schema.minLength ?? 0) > 0, rows: 3, maxlength: schema.maxLength, minlength: schema.minLength });
    if (cfg.value !== undefined) input.value = cfg.value;
  } else {
    const kind = cfg.type ?? (isDate(schema) ? 'date' : isMonth(schema) ? 'month' : 'text');
    input = h('input', { id, name: path, type: kind, required, maxlength: schema.maxLength, minlength: kind === 'text' ? schema.minLength : undefined, value: cfg.value, autocomplete: 'off' });
  }
  read = () => {
    if (input.disabled) return undefined; // a field the form has set aside (e.g. R3-only fields on a penalty decision)
    const v = input.value.trim();
    if (v === '' && !required) return undefined;
    if (type === 'integer' || type === 'number') return v === '' ? undefined : Number(v);
    if (type === 'boolean') return v === 'true'; // a yes/no select (options), where "unchanged" must be possible
    return cfg.transform ? cfg.transform(v) : v;
  };
  const el = fieldWrap(text, input, { hint: cfg.hint, required, id });
  if (cfg.check) {
    // Checked while typed (e.g. a credit code's check character): the answer beside the field.
    const out = h('small', { class: 'live', 'aria-live': 'polite' });
    el.append(out);
    input.addEventListener('input', () => {
      const v = input.value.trim();
      const problem = v ? cfg.check(v) : null;
      out.textContent = v ? (problem ?? '✓ 校验通过') : '';
      out.className = problem ? 'live bad' : 'live ok';
      input.setCustomValidity(problem ? `${text}：${problem}` : '');
    });
  }
  return { el, collect: read, anchors: () => [['', el]], input };
}

/**
 * spec: { id, title, intro, schema (null: the action takes no input), fields: { path: cfg }, submitLabel,
 * submit(body, idempotencyKey) → answer, done(answer, body) }. Paths are dotted, array items as `*`.
 */
export function schemaForm(spec) {
  const root = spec.schema ? render(spec, '', spec.schema, true) : { el: null, collect: () => undefined, anchors: () => [] };
  const formError = h('p', { class: 'error form-error', role: 'alert', hidden: true });
  const button = h('button', { class: 'primary', type: 'submit' }, spec.submitLabel ?? '提交');
  const form = h('form', { class: spec.inline ? 'action-form inline' : 'action-form', id: spec.id, 'aria-label': spec.title ?? spec.label },
    spec.title ? h('h3', {}, spec.title) : null, spec.intro ? h('p', { class: 'muted' }, spec.intro) : null,
    root.el, formError, h('div', { class: 'actions' }, button));
  let busy = false;
  let lastBody = null;
  let key = newKey();

  const clear = () => {
    formError.hidden = true;
    for (const e of form.querySelectorAll('.field-error')) e.remove();
    for (const e of form.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
  };
  const showError = (err) => {
    const field = err.field;
    const anchors = root.anchors();
    // The field named, or the nearest enclosing part of the form (implementers.0.agencyId → implementers).
    let best = null;
    for (const [p, el] of anchors) {
      if (field && (p === field || field.startsWith(`${p}.`) || p === '') && (!best || p.length > best[0].length)) best = [p, el];
    }
    if (best && best[0] !== '') {
      const msg = h('p', { class: 'field-error', role: 'alert' }, err.reason ?? err.message, err.detail ? h('span', { class: 'detail' }, `（${err.detail}）`) : null);
      best[1].append(msg);
      const input = best[1].querySelector('input,select,textarea');
      input?.setAttribute('aria-invalid', 'true');
      input?.focus();
      return;
    }
    formError.textContent = err instanceof ApiError || err instanceof FieldError ? (err.field && !best ? `${err.field}：${err.reason}` : err.reason) : `出错了：${err.message}`;
    formError.hidden = false;
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (busy) return;
    clear();
    let body;
    try {
      body = root.collect();
    } catch (err) {
      showError(err);
      return;
    }
    const json = JSON.stringify(body ?? null);
    if (json !== lastBody) {
      key = newKey();
      lastBody = json;
    }
    busy = true;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    try {
      const answer = await spec.submit(body, key);
      await spec.done?.(answer, body);
    } catch (err) {
      showError(err);
    } finally {
      busy = false;
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  });
  return form;
}
