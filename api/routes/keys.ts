// Keys for an existing agency take two ADMIN agencies (db/key-requests.ts): one asks, with a
// reason; another approves, and the key is issued then and shown to it alone, once; or refuses.
// The other ADMINs are told of the request; every step is on the audit trail (GET /audit).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { agenciesWithRoles, notify } from '../../activities/notices';
import { agencyById } from '../../db/agencies';
import { decideKeyRequest, keyRequestsWhere, requestKey, type Actor } from '../../db/key-requests';
import { auditEntry } from '../audit';
import { bearerSecurity, requireRoles } from '../auth';
import { badRequest, conflict, DomainError, errorSchema, notFound } from '../errors';

const reasonSchema = { type: 'string', minLength: 2, maxLength: 1000 } as const;

function actorOf(request: FastifyRequest): Actor {
  const { action: _action, ...actor } = auditEntry(request, 'key.requested');
  return { ...actor, actorAgencyId: request.agency!.id, actorKeyId: request.keyId! };
}

export async function keyRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Params: { agencyId: string }; Body: { reason: string } }>('/agencies/:agencyId/keys', {
    onRequest: requireRoles('ADMIN'),
    schema: {
      tags: ['agencies'], security: bearerSecurity,
      summary: 'Ask for another key for an agency: issued only when another ADMIN agency approves (two-person rule)',
      body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: reasonSchema } },
      response: { 202: { type: 'object', additionalProperties: true }, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (request, reply) => {
    const agency = await agencyById(app.deps.db, request.params.agencyId);
    if (!agency) throw notFound('agencyId', `no agency ${request.params.agencyId}`);
    const row = await requestKey(app.deps.db, { agencyId: agency.id, reason: request.body.reason }, actorOf(request));
    const admins = (await agenciesWithRoles(app.deps.db, ['ADMIN'])).filter((id) => id !== request.agency!.id);
    await notify(app.deps.db, {
      eventKey: `key-request/${row.id}`, agencyIds: admins, kind: 'key_requested', rule: 'R14',
      subject: `${request.agency!.name} 申请为「${agency.name}」签发新密钥，待另一系统管理员机构复核`,
      detail: { requestId: row.id, agencyId: agency.id, reason: row.reason }, at: app.deps.now().toISOString(),
    });
    return reply.status(202).send({
      requestId: row.id, agencyId: agency.id, status: row.status,
      message: admins.length ? 'another ADMIN agency approves or refuses it (POST /key-requests/:id/decision)'
        : 'no other ADMIN agency is registered: register one (POST /agencies) to approve it',
    });
  });

  app.post<{ Params: { requestId: string }; Body: { approve: boolean; reason?: string } }>('/key-requests/:requestId/decision', {
    onRequest: requireRoles('ADMIN'),
    schema: {
      tags: ['agencies'], security: bearerSecurity,
      summary: 'Approve (the key is in the answer, and only there) or refuse a key request of another ADMIN agency',
      body: { type: 'object', additionalProperties: false, required: ['approve'], properties: { approve: { type: 'boolean' }, reason: reasonSchema } },
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
    },
  }, async (request, reply) => {
    if (!request.body.approve && !request.body.reason) throw badRequest('reason', 'is required when refusing');
    const outcome = await decideKeyRequest(app.deps.db, request.params.requestId, { approve: request.body.approve, reason: request.body.reason ?? null }, actorOf(request));
    if ('conflict' in outcome) {
      if (outcome.conflict === 'no_request') throw notFound('requestId', `no key request ${request.params.requestId}`);
      if (outcome.conflict === 'same_agency') {
        request.log.warn({ agency: request.agency!.id, requestId: request.params.requestId }, 'access denied: a key request decided by the agency that made it');
        throw new DomainError(403, 'forbidden', 'requestId', 'a key request is decided by another ADMIN agency than the one that made it (two-person rule)');
      }
      throw conflict('requestId', `the request is already ${outcome.request!.status}`);
    }
    if ('refused' in outcome) return { requestId: outcome.refused.id, status: outcome.refused.status };
    return reply.status(201).send({
      requestId: outcome.approved.id, status: outcome.approved.status, agencyId: outcome.approved.agencyId, keyId: outcome.keyId, apiKey: outcome.apiKey,
    });
  });

  app.get<{ Querystring: { status?: string; agencyId?: string } }>('/key-requests', {
    onRequest: requireRoles('ADMIN', 'SUPERVISOR'),
    schema: {
      tags: ['agencies'], security: bearerSecurity, summary: 'Key requests: who asked, who decided, when, the key id issued',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { status: { type: 'string', enum: ['pending', 'approved', 'refused'] }, agencyId: { type: 'string', minLength: 1, maxLength: 100 } },
      },
    },
  }, async (request) => ({ items: await keyRequestsWhere(app.deps.db, request.query) }));
}
