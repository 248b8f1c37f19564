// R16 The loaded years of the holiday schedule, and what loading a file would change before an
// ADMIN loads it (PUT /calendar/years/:year does the loading).
import type { FastifyInstance } from 'fastify';
import { loadedYearRows, previewYear } from '../../db/calendar-store';
import { CalendarFileError, type YearFile } from '../../domain/calendar-file';
import { toShanghaiIso } from '../../domain/dates';
import { bearerSecurity, requireRoles } from '../auth';
import { badRequest, errorSchema } from '../errors';
import { yearBody } from './calendar';
import { YEAR_PATTERN } from './schemas';

const day = { type: 'object', properties: { date: { type: 'string' }, kind: { type: 'string' }, name: { type: 'string' } } } as const;
const changesSchema = {
  type: 'object',
  properties: {
    added: { type: 'array', items: day }, removed: { type: 'array', items: day },
    changed: { type: 'array', items: { type: 'object', properties: { date: { type: 'string' }, from: day, to: day } } },
  },
} as const;

export async function calendarYearRoutes(app: FastifyInstance): Promise<void> {
  app.get('/calendar/years', {
    schema: {
      tags: ['calendar'], summary: 'R16: the years of the State Council schedule loaded, with their notices',
      response: {
        200: {
          type: 'object',
          properties: {
            items: {
              type: 'array',
              items: { type: 'object', properties: { year: { type: 'integer' }, notice: { type: 'object', additionalProperties: true }, loadedAt: { type: 'string' } } },
            },
          },
        },
      },
    },
  }, async () => ({ items: (await loadedYearRows(app.deps.db)).map((r) => ({ ...r, loadedAt: toShanghaiIso(r.loadedAt) })) }));

  app.post<{ Params: { year: string }; Body: Omit<YearFile, 'year'> & { year?: number } }>('/calendar/years/:year/preview', {
    onRequest: requireRoles('ADMIN'),
    schema: {
      tags: ['calendar'], security: bearerSecurity,
      summary: 'R16: what loading this year would add, remove and change; nothing is written (ADMIN)',
      params: { type: 'object', required: ['year'], properties: { year: { type: 'string', pattern: YEAR_PATTERN, description: '1990–2100' } } },
      body: yearBody,
      response: {
        200: { type: 'object', properties: { year: { type: 'integer' }, created: { type: 'boolean', description: 'the year is not loaded yet' }, changes: changesSchema } },
        400: errorSchema, 401: errorSchema, 403: errorSchema,
      },
    },
  }, async (request) => {
    const year = Number(request.params.year);
    if (year < 1990 || year > 2100) throw badRequest('year', 'must be between 1990 and 2100');
    if (request.body.year !== undefined && request.body.year !== year) {
      throw badRequest('year', `is ${request.body.year} in the body but ${year} in the path`);
    }
    try {
      return await previewYear(app.deps.db, { ...request.body, year });
    } catch (err) {
      if (err instanceof CalendarFileError) throw badRequest(err.field, err.reason);
      throw err;
    }
  });
}
