// Every agency action on a case or target, one table entry each (domain/actions.ts gives the
// roles and the relation to the case). A route checks who acts (the key's agency, never a field
// of the request), that the agency stands to the case as the action needs, and the shape of the
// input; the workflow alone judges the state and answers with what it recorded.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { agencyById } from '../../db/agencies';
import { caseScope, targetForImplementer, type CaseScope } from '../../db/queries/cases';
import { ACTIONS, RELATION_WORDS, type ActionName, type Relation } from '../../domain/actions';
import { parseIsoDate, shanghaiDateOf } from '../../domain/dates';
import type { ActionArgs } from '../../workflows/messages';
import { bearerSecurity, requireRoles } from '../auth';
import { derivedId, idempotency, runAction, type Idempotency } from '../engine';
import { badRequest, errorSchema, forbidden, notFound } from '../errors';
import { actionAnswerSchema } from './schemas';

const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max } as const);
const reason = { type: 'string', minLength: 2, maxLength: 5000 } as const;
const decision = (outcomes: string[]) => ({
  type: 'object', additionalProperties: false, required: ['outcome', 'reason'],
  properties: { outcome: { type: 'string', enum: outcomes }, reason },
} as const);

type Params = Record<string, string>;
type Body = Record<string, unknown>;
type Specific<A extends ActionName> = Omit<ActionArgs[A], 'actor' | 'at' | 'fingerprint'>;

interface ActionRoute<A extends ActionName> {
  name: A;
  url: string;
  summary: string;
  body?: object;
  /** The field a refusal names. */
  field: string;
  created?: boolean;
  build(p: Params, b: Body, idem: Idempotency, today: string): Specific<A> | Promise<Specific<A>>;
}

const route = <A extends ActionName>(r: ActionRoute<A>) => r;

export function actionRoutesTable(app: FastifyInstance) {
  return [
    route({ name: 'receiveCase', url: '/cases/:caseId/receipt', summary: 'R5: the receiving AUTHORITY receives the case', field: 'caseId', build: (p) => ({ caseId: p.caseId }) }),
    route({
      name: 'pushToImplementers', url: '/cases/:caseId/implementers', field: 'implementers',
      summary: 'R5: the AUTHORITY pushes the case to the implementers it selects, each with its measures (receiving it too, if not yet)',
      body: {
        type: 'object', additionalProperties: false, required: ['implementers'],
        properties: {
          implementers: {
            type: 'array', minItems: 1, maxItems: 50,
            items: {
              type: 'object', additionalProperties: false, required: ['agencyId', 'measures'],
              properties: { agencyId: text(100), measures: { type: 'array', minItems: 1, maxItems: 100, items: text(64) } },
            },
          },
        },
      },
      build: async (p, b) => ({ caseId: p.caseId, implementers: await checkImplementers(app, b.implementers as ActionArgs['pushToImplementers']['implementers']) }),
    }),
    route({ name: 'acknowledge', url: '/cases/:caseId/acknowledgement', summary: 'R5: an implementer acknowledges the measures pushed to it; they are in force from today', field: 'caseId', build: (p) => ({ caseId: p.caseId }) }),
    route({
      name: 'fileObjection', url: '/cases/:caseId/objections', field: 'caseId', created: true,
      summary: "R11: record the party's objection with the agency that filed the case: its measures are suspended while it verifies (15 working days)",
      body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason } },
      build: (p, b, idem) => ({ caseId: p.caseId, objectionId: derivedId('O', idem.updateId), reason: String(b.reason) }),
    }),
    route({
      name: 'decideObjection', url: '/cases/:caseId/objections/:objectionId/decision', field: 'objectionId',
      summary: 'R11: the filing agency decides: rejected (the period resumes, suspended days added) or upheld (the AUTHORITY releases within 3 working days)',
      body: decision(['rejected', 'upheld']),
      build: (p, b) => ({ caseId: p.caseId, objectionId: p.objectionId, outcome: b.outcome as 'rejected', reason: String(b.reason) }),
    }),
    route({ name: 'releaseCase', url: '/cases/:caseId/release', summary: 'R11: after an upheld objection the AUTHORITY releases the measures, stops publicity and tells the implementers', field: 'caseId', build: (p) => ({ caseId: p.caseId }) }),
    route({
      name: 'fileRepair', url: '/cases/:caseId/repairs', field: 'caseId', created: true,
      summary: "R12: record the party's credit-repair application with the agency that filed the case (reviewed within 15 working days); with secondary materials missing, on a dated commitment",
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          commitment: {
            type: 'object', additionalProperties: false, required: ['materials', 'dueOn'],
            properties: { materials: { type: 'string', minLength: 2, maxLength: 2000 }, dueOn: { type: 'string', description: 'YYYY-MM-DD' } },
          },
        },
      },
      build: (p, b, idem, today) => ({ caseId: p.caseId, repairId: derivedId('R', idem.updateId), commitment: checkCommitment(b.commitment, today) }),
    }),
    route({
      name: 'decideRepair', url: '/cases/:caseId/repairs/:repairId/decision', field: 'repairId', body: decision(['approved', 'rejected']),
      summary: 'R12: the filing agency approves (publicity stops; measures released, legal minimums aside) or rejects a repair',
      build: (p, b) => ({ caseId: p.caseId, repairId: p.repairId, outcome: b.outcome as 'approved', reason: String(b.reason) }),
    }),
    route({ name: 'supplyMaterials', url: '/cases/:caseId/repairs/:repairId/materials', summary: 'R12: the promised secondary materials arrived: the commitment is kept', field: 'repairId', build: (p) => ({ caseId: p.caseId, repairId: p.repairId }) }),
  ];
}

/** R5: each implementer named is a registered IMPLEMENTER, named once. */
async function checkImplementers(app: FastifyInstance, list: ActionArgs['pushToImplementers']['implementers']) {
  const seen = new Set<string>();
  for (const [i, impl] of list.entries()) {
    if (seen.has(impl.agencyId)) throw badRequest(`implementers.${i}.agencyId`, 'is listed twice');
    seen.add(impl.agencyId);
    const agency = await agencyById(app.deps.db, impl.agencyId);
    if (!agency) throw badRequest(`implementers.${i}.agencyId`, `no agency ${impl.agencyId}`);
    if (!agency.roles.includes('IMPLEMENTER')) throw badRequest(`implementers.${i}.agencyId`, `${agency.name} is not an IMPLEMENTER (实施机构)`);
  }
  return list;
}

function checkCommitment(raw: unknown, today: string): { materials: string; dueOn: string } | null {
  if (!raw) return null;
  const c = raw as { materials: string; dueOn: string };
  if (!parseIsoDate(c.dueOn)) throw badRequest('commitment.dueOn', 'is not a real calendar date (YYYY-MM-DD)');
  if (c.dueOn < today) throw badRequest('commitment.dueOn', `is in the past (today is ${today})`);
  return c;
}


/** The case, if the caller stands to it as the action needs (scope: who, never state). */
async function scoped(app: FastifyInstance, request: FastifyRequest, caseId: string, relation: Relation): Promise<CaseScope> {
  const scope = await caseScope(app.deps.db, caseId);
  if (!scope) throw notFound('caseId', `no case ${caseId}`);
  const me = request.agency!.id;
  const stands = relation === 'originator' ? scope.originatorId === me
    : relation === 'authority' ? scope.authorityId === me : scope.implementerIds.includes(me);
  if (!stands) {
    request.log.warn({ agency: me, caseId, relation }, 'access denied: the agency does not stand to the case');
    throw forbidden('caseId', `only ${RELATION_WORDS[relation]} may do this`);
  }
  return scope;
}

/** No body names the acting agency: an action without inputs takes no body at all. */
function refuseBodyFields(request: FastifyRequest): void {
  const body = request.body;
  if (body && typeof body === 'object' && Object.keys(body).length > 0) {
    throw badRequest(Object.keys(body)[0], 'is not an allowed property: this action takes no input; the acting agency is the one of the API key');
  }
}

export async function actionRoutes(app: FastifyInstance): Promise<void> {
  const params = { type: 'object', required: ['caseId'], properties: { caseId: text(64), objectionId: text(64), repairId: text(64) } } as const;
  const engine = () => ({ temporal: app.deps.temporal, deadlineMs: app.deps.engineDeadlineMs });
  for (const r of actionRoutesTable(app) as ActionRoute<ActionName>[]) {
    const def = ACTIONS[r.name];
    app.post<{ Params: Params; Body: Body }>(r.url, {
      onRequest: requireRoles(...def.roles),
      schema: {
        tags: ['cases'], summary: r.summary, security: bearerSecurity, params, ...(r.body ? { body: r.body } : {}),
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', description: 'retries with the same key are applied once' } } },
        response: { [r.created ? 201 : 200]: actionAnswerSchema, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema, 503: errorSchema },
      },
      ...(r.body ? {} : { preValidation: async (request: FastifyRequest) => refuseBodyFields(request) }),
    }, async (request, reply) => {
      const scope = await scoped(app, request, request.params.caseId, def.relation);
      const idem = idempotency(request, reply);
      const now = app.deps.now();
      const specific = await r.build(request.params, request.body ?? {}, idem, shanghaiDateOf(now));
      const args = { ...specific, actor: request.agency!.id, at: now.toISOString(), fingerprint: idem.fingerprint } as ActionArgs[ActionName];
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
