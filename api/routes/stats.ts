// GET /stats: the monthly statistics of R14 as JSON, or CSV for the report upward.
import type { FastifyInstance } from 'fastify';
import { shanghaiDateOf } from '../../domain/dates';
import { audit } from '../audit';
import { bearerSecurity, readScope, requireRoles } from '../auth';
import { badRequest, errorSchema } from '../errors';
import { monthlyStats } from '../../db/queries/stats';
import { statsCsv } from '../csv';

const MONTH = '^[0-9]{4}-(0[1-9]|1[0-2])$';

interface StatsQuerystring {
  month?: string;
  from?: string;
  to?: string;
  agencyId?: string;
  format: 'json' | 'csv';
}

const monthsBetween = (from: string, to: string) =>
  (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5)) - Number(from.slice(5));

export async function statsRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: StatsQuerystring }>('/stats', {
    onRequest: requireRoles('ENFORCEMENT', 'CREDIT', 'AUTHORITY', 'LEGAL', 'IMPLEMENTER', 'SUPERVISOR'),
    schema: {
      security: bearerSecurity,
      tags: ['supervision'],
      summary: 'Monthly statistics per agency: steps due, on time, late, overdue; R9 compliance and the categories reported; measures; releases (R14)',
      description: 'One month (`month`) or a range (`from`, `to`, at most 36 months); the current month (Asia/Shanghai) by ' +
        'default. `format=csv` answers the same figures as a long table. An AUTHORITY or IMPLEMENTER sees its own figures; ' +
        'ENFORCEMENT, CREDIT, LEGAL and SUPERVISOR those of the agencies of their region, or of every agency with national scope.',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          month: { type: 'string', pattern: MONTH },
          from: { type: 'string', pattern: MONTH },
          to: { type: 'string', pattern: MONTH },
          agencyId: { type: 'string', minLength: 1, maxLength: 100 },
          format: { type: 'string', enum: ['json', 'csv'], default: 'json' },
        },
      },
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema },
    },
  }, async (request, reply) => {
    const q = request.query;
    if (q.month && (q.from || q.to)) throw badRequest('month', 'give either month or from/to, not both');
    const current = shanghaiDateOf(app.deps.now()).slice(0, 7);
    const from = q.month ?? q.from ?? q.to ?? current;
    const to = q.month ?? q.to ?? (q.from ? current : from);
    if (from > to) throw badRequest('from', `from (${from}) is after to (${to})`);
    if (monthsBetween(from, to) >= 36) throw badRequest('from', 'at most 36 months at a time');
    const agency = request.agency!;
    const scope = readScope(agency);
    if (scope.kind === 'own' && q.agencyId && q.agencyId !== agency.id) {
      throw badRequest('agencyId', 'an AUTHORITY or IMPLEMENTER reads only its own figures');
    }
    // A regional reader counts the agencies of its region (and its own); national scope, every agency.
    const stats = await monthlyStats(app.deps.db, { from, to, agencyId: scope.kind === 'own' ? agency.id : q.agencyId }, app.deps.now(), scope);
    if (q.format === 'csv') {
      await audit(request, 'stats.exported', { detail: { from, to, agencyId: q.agencyId ?? null } });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="stats-${from}${to === from ? '' : `_${to}`}.csv"`)
        .send(statsCsv(stats));
    }
    return stats;
  });
}
