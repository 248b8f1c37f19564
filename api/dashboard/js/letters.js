// R17 The party's letters on a case's page: the 失信告知书 and the written answers to objections,
// complaints and repairs (GET /cases/:id/letters), each with its delivery, and each downloadable
// as the PDF the party receives. The download carries the key (fetch → blob → a link), as the
// statistics CSV does; the delivery itself is recorded by the AUTHORITY's form under its step
// (action-forms.js, recordLetterDelivery).
import { api } from './api.js';
import { h, table } from './dom.js';
import { fmtDate, fmtTime, label } from './format.js';

/** Downloads one letter as a PDF with the signed-in key. */
async function download(caseId, letterId, button) {
  button.disabled = true;
  try {
    const res = await api(`/cases/${encodeURIComponent(caseId)}/letters/${encodeURIComponent(letterId)}?format=pdf`, { raw: true });
    const url = URL.createObjectURL(await res.blob());
    h('a', { href: url, download: `${letterId}.pdf` }).click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    button.nextSibling?.remove();
  } catch (err) {
    button.after(h('span', { class: 'error', role: 'alert' }, ` ${err.message}`));
  } finally {
    button.disabled = false;
  }
}

/** The letters of a case, with their delivery and a PDF download each. */
export async function lettersPanel(caseId, agencyName) {
  let items;
  try {
    items = (await api(`/cases/${encodeURIComponent(caseId)}/letters`)).items;
  } catch (err) {
    if (err.status === 403) return null; // a role that reads no letters (a platform)
    return h('div', { class: 'letters' }, h('h3', {}, '告知书与书面答复'), h('p', { class: 'error', role: 'alert' }, err.message));
  }
  const rows = items.map((l) => {
    const button = h('button', { type: 'button', class: 'download', 'data-letter': l.letterId }, '下载 PDF');
    button.addEventListener('click', () => download(caseId, l.letterId, button));
    return h('tr', { 'data-letter': l.letterId },
      h('td', {}, l.title || label('letterKinds', l.kind)), h('td', {}, fmtTime(l.issuedAt)), h('td', {}, agencyName(l.issuedBy)),
      h('td', { class: 'delivery' }, l.deliveredOn ? `${fmtDate(l.deliveredOn)} ${label('letterDeliveryWays', l.deliveryWay)}` : '待送达'),
      h('td', {}, h('span', {}, button)));
  });
  return h('div', { class: 'letters', id: `letters-${caseId}` }, h('h3', {}, '告知书与书面答复'),
    table(['文书', '出具时间', '出具机构', '送达', ''], rows, null, '尚无告知书'));
}
