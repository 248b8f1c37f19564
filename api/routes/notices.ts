// The outbox seen from above (issue 16): notices whose webhook attempts ran out are parked and
// listed for the supervisors; an ADMIN sends one back to the outbox, and the retry is recorded
// (who, when, after how many attempts). The notice stays in its agency's inbox throughout.
import type { FastifyInstance } from 'fastify';
import { parkedNotices, retryParkedNotice } from '../../db/queries/notices';
import { webhookId } from '../../worker/outbox/webhook';
import { audit } from '../audit';
import { bearerSecurity, requireRoles } from '../auth';
import { DomainError, errorSchema, notFound } from '../errors';

interface ParkedQuerystring {
  agencyId?: string;
  limit: number;
  offset: number;
}

export async function noticeRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: ParkedQuerystring }>('/notices/parked', {
    onRequest: requireRoles('SUPERVISOR', 'ADMIN'),
    schema: {
      tags: ['notices'], security: bearerSecurity,
      summary: 'Notices whose webhook attempts ran out (NOTIFY_MAX_ATTEMPTS), the latest parked first, with the last error and past retries',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          agencyId: { type: 'string', minLength: 1, maxLength: 100 },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
        },
      },
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema },
    },
  }, async (request) => {
    const { agencyId, limit, offset } = request.query;
    const { total, rows } = await parkedNotices(app.deps.db, { agencyId, limit, offset });
    const items = rows.map(({ notice: n, agencyName, notifyUrl, retries }) => ({
      id: n.id, webhookId: webhookId(n.id), agencyId: n.agencyId, agencyName, notifyUrl,
      kind: n.kind, rule: n.rule, subject: n.subject, createdAt: n.createdAt,
      attempts: n.attempts, lastError: n.lastError, parkedAt: n.parkedAt,
      retries: retries.map((r) => ({ at: r.at, retriedBy: r.retriedBy, by: r.by, attemptsBefore: r.attemptsBefore })),
    }));
    return { items, total, limit, offset };
  });

  app.post<{ Params: { id: number }; Body: { by?: string } | undefined }>('/notices/:id/retry', {
    onRequest: requireRoles('ADMIN'),
    schema: {
      tags: ['notices'], security: bearerSecurity,
      summary: 'Send a parked notice back to the outbox at once, with a fresh budget of attempts; recorded with who asked',
      params: { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } } },
      body: {
        type: ['object', 'null'], additionalProperties: false,
        properties: { by: { type: 'string', minLength: 1, maxLength: 100, description: 'the person who asked, as the ADMIN names them' } },
      },
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
    },
  }, async (request, reply) => {
    const at = app.deps.now();
    const by = request.body?.by ?? null;
    const outcome = await retryParkedNotice(app.deps.db, { noticeId: request.params.id, retriedBy: request.agency!.id, by, at });
    if ('retried' in outcome) await audit(request, 'notice.retried', { subjectAgencyId: outcome.retried.agencyId, detail: { noticeId: outcome.retried.id, by } });
    if ('refused' in outcome) {
      if (outcome.refused === 'no_notice') throw notFound('id', `no notice ${request.params.id}`);
      const n = outcome.notice;
      throw new DomainError(409, 'conflict', 'id', n.deliveredAt
        ? `notice ${n.id} was delivered at ${n.deliveredAt.toISOString()}`
        : `notice ${n.id} is not parked: the outbox is still trying it (attempt ${n.attempts} made)`);
    }
    const { retried } = outcome;
    return reply.status(202).send({ id: retried.id, retriedAt: at, retriedBy: request.agency!.id, by, attemptsBefore: retried.attempts });
  });
}
