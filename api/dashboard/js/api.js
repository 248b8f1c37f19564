// The API as the page calls it: the agency key from this tab's session storage only, every
// refusal as an ApiError naming its field (the API's `field` and `message`), and the shared
// reads a session needs once (the OpenAPI document, the directory, the two lists).
const KEY = 'jd.apiKey';

export const session = {
  key: () => sessionStorage.getItem(KEY),
  signIn: (key) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};

/** The common validation reasons in the clerks' words; the rest are shown as the API wrote them. */
const REASONS = [
  [/^is required(: (.*))?$/, '必填'],
  [/^must NOT have fewer than (\d+) characters$/, '至少 $1 个字符'],
  [/^must NOT have more than (\d+) characters$/, '最多 $1 个字符'],
  [/^must NOT have fewer than (\d+) items$/, '至少选择 $1 项'],
  [/^must match pattern .*$/, '格式不正确'],
  [/^must be equal to one of the allowed values$/, '不是可选的值'],
  [/^must be >= (\d+)$/, '不能小于 $1'],
  [/^must be <= (\d+)$/, '不能大于 $1'],
  [/^must be integer$/, '应为整数'],
  [/^is not a real calendar date.*$/, '不是有效日期'],
];

export class ApiError extends Error {
  constructor(status, body) {
    const field = body?.field ?? null;
    const raw = typeof body?.message === 'string' ? body.message : `请求失败（${status}）`;
    const reason = field && raw.startsWith(`${field}: `) ? raw.slice(field.length + 2) : raw;
    const words = REASONS.reduce((r, [re, zh]) => (re.test(r) ? r.replace(re, zh) : r), reason);
    super(words);
    this.status = status;
    this.field = field;
    this.reason = words;
    /** The API's own words when the clerks' words leave something out. */
    this.detail = words !== reason && /: ./.test(reason) ? reason.slice(reason.indexOf(': ') + 2) : null;
  }
}

/** A v4 UUID from getRandomValues, which (unlike randomUUID) works outside secure contexts too. */
export function newKey() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Fires when the key is refused (401): the app returns to the sign-in page. */
export const onUnauthorized = { handler: () => {} };

export async function api(path, { method = 'GET', body, idempotencyKey, raw = false, signingIn = false } = {}) {
  const headers = { authorization: `Bearer ${session.key() ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, { message: '无法连接服务器，请稍后重试（重试不会重复办理）' });
  }
  if (res.status === 401) {
    session.signOut();
    if (!signingIn) onUnauthorized.handler();
    throw new ApiError(401, { message: '密钥无效或已吊销，请重新登录' });
  }
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
  return raw ? res : res.json();
}

const once = (load) => {
  let p = null;
  return () => {
    p ??= load().catch((err) => {
      p = null;
      throw err;
    });
    return p;
  };
};

/** The OpenAPI document: each form reads the schema of its route's body from it. */
export const openapi = once(() => fetch('/openapi.json').then((r) => r.json()));

/** The request body schema of a route, e.g. ('post', '/cases/{caseId}/receipt'); null when it takes none. */
export async function bodySchema(method, path) {
  const doc = await openapi();
  const op = doc.paths?.[path]?.[method];
  if (!op) throw new Error(`no route ${method.toUpperCase()} ${path} in the API`);
  return op.requestBody?.content?.['application/json']?.schema ?? null;
}

/** The agency directory (any agency reads it): id, name, roles, level, implementer kind. */
export const directory = once(async () => (await api('/agencies/directory')).items);

/** The two lists as in effect today (public). */
export const measureList = once(async () => (await api('/measures?limit=200')).items);

export async function measureName(code) {
  const m = (await measureList()).find((x) => x.code === code);
  return m ? m.name : code;
}

