// GET /audit: the supervisors' board of privileged and personal actions (db/audit.ts): agency and
// key lifecycle, reads of targets, searches, exports, ADMIN settings; the latest first, filtered.
import type { FastifyInstance } from 'fastify';
import { AUDIT_ACTIONS, auditTrail, type AuditAction } from '../../db/audit';
import { toShanghaiIso } from '../../domain/dates';
import { bearerSecurity, requireRoles } from '../auth';
import { badRequest, errorSchema } from '../errors';

interface AuditQuerystring {
  action?: AuditAction;
  actorAgencyId?: string;
  targetId?: string;
  subjectAgencyId?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

const id = { type: 'string', minLength: 1, maxLength: 100 } as const;
const instant = { type: 'string', format: 'date-time', description: 'an instant with its offset, e.g. 2026-11-23T09:00:00+08:00' } as const;

export async function auditRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: AuditQuerystring }>('/audit', {
    onRequest: requireRoles('SUPERVISOR'),
    schema: {
      tags: ['supervision'], security: bearerSecurity,
      summary: 'The audit trail: who registered agencies, asked for, issued and revoked keys, read targets, searched and exported, and when',
      description: `Kinds: ${Object.entries(AUDIT_ACTIONS).map(([k, v]) => `${k} (${v})`).join('; ')}.`,
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          action: { type: 'string', enum: Object.keys(AUDIT_ACTIONS) },
          actorAgencyId: id, targetId: id, subjectAgencyId: id, from: instant, to: instant,
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
        },
      },
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema },
    },
  }, async (request) => {
    const q = request.query;
    const from = q.from ? new Date(q.from) : undefined;
    const to = q.to ? new Date(q.to) : undefined;
    if (from && to && from > to) throw badRequest('from', `from (${q.from}) is after to (${q.to})`);
    const { rows, total } = await auditTrail(app.deps.db, { ...q, from, to });
    return {
      items: rows.map((r) => ({
        id: r.id, at: toShanghaiIso(r.at), action: r.action, actorAgencyId: r.actorAgencyId, actorKeyId: r.actorKeyId, clientIp: r.clientIp,
        targetId: r.targetId, subjectAgencyId: r.subjectAgencyId, detail: r.detail, requestId: r.requestId,
      })),
      total, limit: q.limit, offset: q.offset,
    };
  });
}
