// HOOK(issue 13, the party's letters): the 失信告知书 and the written answers to objections and
// repairs as PDFs (`GET /cases/:id/letters`, each downloadable) and the AUTHORITY's record of a
// letter's delivery (its date and way: 直接送达, 邮寄送达, 电子送达) are being built on another
// branch. Their place on a case's page is here. Until the API document lists the route this
// section is absent; once it does, the section says the letters exist but are not yet wired in,
// rather than pretending. To finish it: list the letters (kind, date, delivery); download each with
// the key (fetch → blob → a link, as the statistics CSV is downloaded in views/stats.js); and add
// the delivery as a form drawn from its route's schema (schema-form.js), with an Idempotency-Key.
import { openapi } from './api.js';
import { h } from './dom.js';

export const LETTERS_ROUTE = '/cases/{caseId}/letters';

/** The letters of a case, or null while the API has none. */
export async function lettersPanel() {
  const doc = await openapi();
  if (!doc.paths?.[LETTERS_ROUTE]) return null;
  return h('div', { class: 'letters', id: 'letters' }, h('h3', {}, '告知书与书面答复'),
    h('p', { class: 'muted' }, '接口已提供告知书（GET /cases/:id/letters），工作台的下载与送达登记尚未接入。'));
}
