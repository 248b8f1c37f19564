// Issue 17, bulk import of cases already in force. ADMIN or CREDIT uploads a CSV, XLSX or JSON-lines
// file; every row is checked as POST /cases checks a request (api/imports/check.ts) and the answer
// names every refused row (row number, field, reason) at once; the accepted rows are filed into
// their targets' workflows in the background (api/imports/runner.ts) with the steps they had
// already taken. The import's id is the hash of the agency and the file: the same file again is
// the same import and changes nothing.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createImport, findImport, numberHolders, type ImportRow } from '../../db/queries/imports';
import { shanghaiDateOf } from '../../domain/dates';
import { audit } from '../audit';
import { bearerSecurity, requireRoles } from '../auth';
import { badRequest, errorSchema, notFound } from '../errors';
import { agencyCache, checkRow, type AcceptedRow, type Refusal } from '../imports/check';
import { IMPORT_COLUMNS } from '../imports/columns';
import { FileError, formatOf, IMPORT_FORMATS, MAX_ROWS, parseImportFile } from '../imports/parse';
import { importRunner } from '../imports/runner';

const FILE_TYPES = [
  'text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/x-ndjson', 'application/jsonl',
  'application/jsonlines', 'application/octet-stream',
];
const MAX_FILE_BYTES = 64 * 1024 * 1024;

const refusal = {
  type: 'object', required: ['row', 'field', 'reason'],
  properties: { row: { type: 'integer' }, field: { type: ['string', 'null'] }, reason: { type: 'string' } },
} as const;
const importView = {
  type: 'object',
  required: ['id', 'status', 'total', 'accepted', 'refused', 'done', 'refusedRows'],
  properties: {
    id: { type: 'string' }, status: { type: 'string', enum: ['running', 'done'] }, format: { type: 'string' }, fileName: { type: ['string', 'null'] },
    agencyId: { type: 'string' },
    total: { type: 'integer', description: 'case rows in the file' },
    accepted: { type: 'integer', description: 'rows that passed every check of POST /cases' },
    refused: { type: 'integer' },
    done: { type: 'integer', description: 'accepted rows filed into their targets\' workflows so far' },
    refusedRows: { type: 'array', items: refusal, description: 'every refused row: its number in the file, the field (as POST /cases names it) and why' },
    createdAt: { type: 'string' }, finishedAt: { type: ['string', 'null'] },
  },
} as const;

function view(i: ImportRow) {
  return {
    id: i.id, status: i.status, format: i.format, fileName: i.fileName, agencyId: i.agencyId, total: i.total, accepted: i.accepted,
    refused: i.refused, done: i.done, refusedRows: i.refusedRows, createdAt: i.createdAt.toISOString(), finishedAt: i.finishedAt?.toISOString() ?? null,
  };
}

export async function importRoutes(app: FastifyInstance): Promise<void> {
  const runner = importRunner(app);
  // Imports a stopped instance left are resumed on start; a database not up yet is no reason to fail it (the next sweep tries again).
  app.addHook('onReady', async () => { await runner.sweep().catch((err) => app.log.warn({ err }, 'import sweep failed')); });
  app.addHook('onClose', async () => { await runner.close(); });
  app.addContentTypeParser(FILE_TYPES, { parseAs: 'buffer', bodyLimit: MAX_FILE_BYTES }, (_request, body, done) => done(null, body));

  app.get('/imports/columns', {
    schema: {
      tags: ['imports'], summary: 'Issue 17: the columns of an import file (CSV, XLSX); a JSON line carries the same fields nested (document.number → {"document":{"number"}})',
      response: { 200: { type: 'object', additionalProperties: true } },
    },
  }, async () => ({
    formats: IMPORT_FORMATS, maxRows: MAX_ROWS,
    rows: 'the first row of a CSV or XLSX names the columns (any order, unused ones left out); rows are numbered as in the file: the header is row 1',
    columns: IMPORT_COLUMNS,
  }));

  app.post<{ Querystring: { format?: string; name?: string } }>('/imports', {
    onRequest: requireRoles('ADMIN', 'CREDIT'),
    bodyLimit: MAX_FILE_BYTES,
    schema: {
      tags: ['imports'],
      summary: 'Issue 17: import cases already in force from a CSV, XLSX or JSON-lines file (ADMIN, CREDIT)',
      description: 'The body is the file (Content-Type text/csv, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet or '
        + 'application/x-ndjson, or ?format=). Every row is checked as POST /cases checks a request; the answer (202) lists every refused '
        + 'row with its row number, field and reason. Accepted rows enter their targets\' workflows with the steps already taken '
        + '(GET /imports/columns); follow them with GET /imports/:id. The same file from the same agency is the same import (200): nothing changes.',
      security: bearerSecurity,
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { format: { type: 'string', enum: [...IMPORT_FORMATS] }, name: { type: 'string', maxLength: 200 } },
      },
      response: { 200: importView, 202: importView, 400: errorSchema, 401: errorSchema, 403: errorSchema, 413: errorSchema },
    },
  }, async (request, reply) => {
    const file = request.body;
    if (!Buffer.isBuffer(file)) throw badRequest('content-type', 'send the file itself: text/csv, an XLSX workbook or application/x-ndjson');
    const format = formatOf(request.headers['content-type'], request.query.format);
    if (!format) throw badRequest('format', `name the format: ?format=${IMPORT_FORMATS.join('|')}, or a Content-Type of one of them`);
    const importer = request.agency!;
    const id = `I${createHash('sha256').update(`${importer.id}\n${format}\n`).update(file).digest('hex').slice(0, 32)}`;
    const existing = await findImport(app.deps.db, id);
    if (existing) {
      if (existing.status === 'running') runner.kick(id);
      return reply.status(200).send(view(existing));
    }
    let parsed;
    try {
      parsed = await parseImportFile(format, file);
    } catch (err) {
      if (err instanceof FileError) throw badRequest('body', err.message);
      throw err;
    }
    const now = app.deps.now();
    const today = shanghaiDateOf(now);
    const refused: Refusal[] = [];
    const accepted: { row: number; payload: AcceptedRow }[] = [];
    const agencyOf = agencyCache(app);
    for (const r of parsed) {
      const checked = 'value' in r ? await checkRow(app, importer, agencyOf, r.value, today) : r;
      if ('checked' in checked) accepted.push({ row: r.row, payload: checked });
      else refused.push({ row: r.row, field: checked.field, reason: checked.reason });
    }
    const kept = await claimable(app, accepted, refused);
    const made = await createImport(app.deps.db, {
      id, agencyId: importer.id, format, fileName: request.query.name ?? null, status: kept.length ? 'running' : 'done',
      total: parsed.length, accepted: kept.length, refused: refused.length, refusedRows: refused.sort((a, b) => a.row - b.row),
      createdAt: now, updatedAt: now, finishedAt: kept.length ? null : now,
    }, kept.map((r) => ({ row: r.row, payload: r.payload as unknown as Record<string, unknown> })));
    if (made) {
      // Cases filed for other agencies (filedBy) are a privileged act: on the audit trail, before the answer.
      await audit(request, 'cases.imported', { detail: {
        importId: id, format, fileName: request.query.name ?? null, total: parsed.length, accepted: kept.length, refused: refused.length,
        filedFor: [...new Set(kept.map((r) => r.payload.actor))].sort(),
      } });
      runner.kick(id);
    }
    return reply.status(made ? 202 : 200).send(view((await findImport(app.deps.db, id))!));
  });

  app.get<{ Params: { id: string } }>('/imports/:id', {
    onRequest: requireRoles('ADMIN', 'CREDIT', 'SUPERVISOR'),
    schema: {
      tags: ['imports'], summary: 'Issue 17: an import\'s progress, counts and refused rows (the importing agency, SUPERVISOR)',
      security: bearerSecurity,
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
      response: { 200: importView, 401: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (request) => {
    const found = await findImport(app.deps.db, request.params.id);
    const agency = request.agency!;
    if (!found || (found.agencyId !== agency.id && !agency.roles.includes('SUPERVISOR'))) throw notFound('id', `no import ${request.params.id} of yours`);
    return view(found);
  });
}

/**
 * R2, R3: a document number belongs to the agency that filed it first, as POST /cases claims it:
 * a row whose number another agency holds, or this one against another target, or that an
 * earlier row of the file already carries, is refused before anything is filed.
 */
async function claimable(app: FastifyInstance, accepted: { row: number; payload: AcceptedRow }[], refused: Refusal[]) {
  const held = await numberHolders(app.deps.db, [...new Set(accepted.map((r) => r.payload.checked.numberKey))]);
  const first = new Map<string, number>();
  return accepted.filter(({ row, payload }) => {
    const key = payload.checked.numberKey;
    const holder = held.get(key);
    const reason = first.has(key) ? `row ${first.get(key)} carries this document number too`
      : holder && holder.filedBy !== payload.actor ? 'this document number has been filed by another agency; a case belongs to the agency that filed it'
      : holder && holder.targetId !== payload.checked.targetId ? 'this agency has already filed this document number against another target'
      : null;
    if (!first.has(key)) first.set(key, row);
    if (reason) refused.push({ row, field: 'document.number', reason });
    return !reason;
  });
}
