// R17 The party's letters over HTTP: an agency that sees the case lists its letters and reads or
// downloads each (PDF, rendered from what the letter says: api/letters/pdf.ts); the AUTHORITY
// records delivery through the case's action route (api/routes/action-table.ts). A letter names
// the party: every read is on the audit trail and never cached.
import type { FastifyInstance } from 'fastify';
import { letterOfCase, lettersOfCase, letterView } from '../../db/queries/publicity';
import { letterFont, renderLetter, type LetterContent } from '../letters/pdf';
import { audit } from '../audit';
import { bearerSecurity, requireRoles } from '../auth';
import { DomainError, errorSchema, notFound } from '../errors';
import { visibleCase } from './case-read';

const READERS = ['ENFORCEMENT', 'CREDIT', 'LEGAL', 'AUTHORITY', 'IMPLEMENTER', 'SUPERVISOR'] as const;
const id = { type: 'string', minLength: 1, maxLength: 64 } as const;

export async function letterRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { caseId: string } }>('/cases/:caseId/letters', {
    onRequest: requireRoles(...READERS),
    schema: {
      tags: ['letters'], security: bearerSecurity,
      summary: 'R17: the letters to the party on this case (失信告知书, answers to objections, complaints and repairs), with their delivery',
      params: { type: 'object', required: ['caseId'], properties: { caseId: id } },
      response: { 401: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (request) => {
    const found = await visibleCase(app, request, request.params.caseId);
    return { caseId: found.caseId, items: await lettersOfCase(app.deps.db, found.caseId) };
  });

  app.get<{ Params: { caseId: string; letterId: string }; Querystring: { format?: 'json' | 'pdf' } }>('/cases/:caseId/letters/:letterId', {
    onRequest: requireRoles(...READERS),
    schema: {
      tags: ['letters'], security: bearerSecurity,
      summary: 'R17: one letter: what it says (format=json, the default) or the letter itself as a PDF (format=pdf)',
      params: { type: 'object', required: ['caseId', 'letterId'], properties: { caseId: id, letterId: id } },
      querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['json', 'pdf'], default: 'json' } } },
      response: { 401: errorSchema, 403: errorSchema, 404: errorSchema, 503: errorSchema },
    },
  }, async (request, reply) => {
    const found = await visibleCase(app, request, request.params.caseId);
    const letter = await letterOfCase(app.deps.db, found.caseId, request.params.letterId);
    if (!letter) throw notFound('letterId', `no letter ${request.params.letterId} on case ${found.caseId}`);
    const format = request.query.format ?? 'json';
    await audit(request, 'letter.read', { targetId: letter.targetId, detail: { caseId: letter.caseId, letterId: letter.id, format } });
    if (format === 'json') return { ...letterView(letter), content: letter.content };
    const font = letterFont();
    if (!font) throw new DomainError(503, 'font_missing', 'format', 'no Chinese font to render the PDF with: install fonts-wqy-microhei (or set LETTER_FONT); format=json reads the letter meanwhile');
    const pdf = await renderLetter({ letterId: letter.id, issuedAt: letter.issuedAt, content: letter.content as unknown as LetterContent }, font);
    return reply.type('application/pdf').header('content-disposition', `inline; filename="${letter.id}.pdf"`).send(pdf);
  });
}
