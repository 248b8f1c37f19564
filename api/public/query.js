// The public query page: GET /public/credit?creditCode=, shown as a list; errors beside the field.
const form = document.getElementById('query');
const error = document.getElementById('error');
const result = document.getElementById('result');

function line(text, tag = 'p') {
  const el = document.createElement(tag);
  el.textContent = text;
  return el;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  error.textContent = '';
  result.replaceChildren();
  const code = form.creditCode.value.trim();
  const res = await fetch(`/public/credit?creditCode=${encodeURIComponent(code)}`);
  const body = await res.json();
  if (!res.ok) {
    error.textContent = res.status === 429 ? `查询过于频繁，请 ${res.headers.get('retry-after') ?? 60} 秒后再试` : `统一社会信用代码：${body.message}`;
    return;
  }
  if (body.records.length === 0) {
    result.append(line(`${body.creditCode}：目前没有公示的失信信息。`));
    return;
  }
  result.append(line(`${body.name}（${body.creditCode}）`, 'h2'));
  const list = document.createElement('ul');
  for (const r of body.records) {
    const item = line(`${r.measure}：${r.issuer}${r.documentNumber}，认定于 ${r.determinedOn}，自 ${r.publishedOn} 起公示${r.until ? `，至 ${r.until}` : ''}；${r.producer}负责${r.underObjection ? '（存在异议，正在核查）' : ''}`, 'li');
    list.append(item);
  }
  result.append(list);
});
