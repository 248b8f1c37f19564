// Every agency action on a case or target, one table entry each (domain/actions.ts gives the
// roles and the relation to the case). A route checks who acts (the key's agency, never a field
// of the request), that the agency stands to the case as the action needs, and the shape of the
// input; the workflow alone judges the state and answers with what it recorded.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { caseScope, targetForImplementer, type CaseScope } from '../../db/queries/cases';
import { ACTIONS, RELATION_WORDS, type ActionName, type Relation } from '../../domain/actions';
import { shanghaiDateOf } from '../../domain/dates';
import type { ActionArgs } from '../../workflows/messages';
import { bearerSecurity, requireRoles } from '../auth';
import { idempotency, runAction } from '../engine';
import { badRequest, errorSchema, forbidden, notFound } from '../errors';
import { actionRoutesTable, type ActionRoute } from './action-table';
import { actionAnswerSchema } from './schemas';

type Params = Record<string, string>;
type Body = Record<string, unknown>;

/**
 * The case, if the caller stands to it as the action needs (scope: who, never state); `viaOffice`
 * when a CREDIT agency takes, for the agency the relation names, an action that allows it (R11).
 */
async function scoped(app: FastifyInstance, request: FastifyRequest, caseId: string, relation: Relation, orOffice = false): Promise<CaseScope & { viaOffice: boolean }> {
  const scope = await caseScope(app.deps.db, caseId);
  if (!scope) throw notFound('caseId', `no case ${caseId}`);
  const me = request.agency!.id;
  const stands = relation === 'originator' ? scope.originatorId === me
    : relation === 'authority' ? scope.authorityId === me
    : relation === 'implementer' ? scope.implementerIds.includes(me)
    : relation === 'addressee' ? scope.addresseeIds.includes(me)
    : true; // office: the joint-conference office, by its role alone
  if (!stands && orOffice && request.agency!.roles.includes('CREDIT')) return { ...scope, viaOffice: true };
  if (!stands) {
    request.log.warn({ agency: me, caseId, relation }, 'access denied: the agency does not stand to the case');
    throw forbidden('caseId', `only ${RELATION_WORDS[relation]}${orOffice ? ' or a CREDIT agency' : ''} may do this`);
  }
  return { ...scope, viaOffice: false };
}

/** No body names the acting agency: an action without inputs takes no body at all. */
function refuseBodyFields(request: FastifyRequest): void {
  const body = request.body;
  if (body && typeof body === 'object' && Object.keys(body).length > 0) {
    throw badRequest(Object.keys(body)[0], 'is not an allowed property: this action takes no input; the acting agency is the one of the API key');
  }
}

export async function actionRoutes(app: FastifyInstance): Promise<void> {
  const id = { type: 'string', minLength: 1, maxLength: 64 } as const;
  const params = { type: 'object', required: ['caseId'], properties: { caseId: id, objectionId: id, repairId: id, reportId: id, requestId: id, complaintId: id, orderId: { type: 'string', minLength: 1, maxLength: 200 }, letterId: id } } as const;
  const engine = () => ({ temporal: app.deps.temporal, deadlineMs: app.deps.engineDeadlineMs });
  for (const r of actionRoutesTable(app) as ActionRoute<ActionName>[]) {
    const def = ACTIONS[r.name];
    app.post<{ Params: Params; Body: Body }>(r.url, {
      onRequest: requireRoles(...def.roles),
      schema: {
        tags: ['cases'], summary: r.summary, security: bearerSecurity, params, ...(r.body ? { body: r.body } : {}),
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', pattern: '^[!-~]{1,200}$', description: 'retries with the same key are applied once: 1 to 200 visible ASCII characters' } } },
        response: { [r.created ? 201 : 200]: actionAnswerSchema, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema, 503: errorSchema },
      },
      ...(r.body ? {} : { preValidation: async (request: FastifyRequest) => refuseBodyFields(request) }),
    }, async (request, reply) => {
      const scope = await scoped(app, request, request.params.caseId, def.relation, 'orOffice' in def && def.orOffice);
      const idem = idempotency(request, reply);
      const now = app.deps.now();
      const specific = await r.build(request.params, request.body ?? {}, { idem, today: shanghaiDateOf(now), scope, actor: request.agency!.id });
      const args = {
        ...specific, ...(scope.viaOffice ? { viaOffice: true } : {}), actor: request.agency!.id, at: now.toISOString(), fingerprint: idem.fingerprint,
      } as ActionArgs[ActionName];
      const answer = await runAction(engine(), scope.workflowId, r.name, args, idem, r.field);
      return reply.status(r.created ? 201 : 200).send(answer);
    });
  }

  app.post<{ Body: { targetId: string; month: string; summary: string } }>('/feedback', {
    onRequest: requireRoles(...ACTIONS.reportFeedback.roles),
    schema: {
      tags: ['cases'], security: bearerSecurity,
      summary: "R9: an implementer reports a month's implementation of a target's measures (due by the 7th of the next month)",
      body: {
        type: 'object', additionalProperties: false, required: ['targetId', 'month', 'summary'],
        properties: {
          targetId: { type: 'string', pattern: '^[EP][0-9a-f]{24}$' },
          month: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, the month reported on' },
          summary: { type: 'string', minLength: 2, maxLength: 10000, description: 'what was carried out: restrictions applied, enhanced supervision, typical cases' },
        },
      },
      response: { 200: actionAnswerSchema, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema, 503: errorSchema },
    },
  }, async (request, reply) => {
    const { targetId, month, summary } = request.body;
    const now = app.deps.now();
    const thisMonth = shanghaiDateOf(now).slice(0, 7);
    if (month > thisMonth) throw badRequest('month', `is after this month (${thisMonth})`);
    const target = await targetForImplementer(app.deps.db, targetId, request.agency!.id);
    if (!target) throw notFound('targetId', `no target ${targetId}`);
    if (!target.implements) throw forbidden('targetId', 'only an implementer carrying a measure of this target may report on it');
    const idem = idempotency(request, reply);
    const args = { month, summary, actor: request.agency!.id, at: now.toISOString(), fingerprint: idem.fingerprint };
    return reply.status(200).send(await runAction(engine(), target.workflowId, 'reportFeedback', args, idem, 'month'));
  });
}
