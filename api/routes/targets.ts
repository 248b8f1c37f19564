// Where a target stands: its cases (PostgreSQL) and the live state of its workflow (query).
import { WorkflowNotFoundError } from '@temporalio/client';
import { and, asc, eq, inArray, or } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { caseImplementers, caseMeasures, casePersons, cases, overdueSteps, targets } from '../../db/schema';
import { TargetBook } from '../../workflows/target-state';
import { maskIdNumber } from '../../domain/identifiers';
import { targetStateQuery, type TargetState } from '../../workflows/messages';
import { bearerSecurity, oversees, requireRoles } from '../auth';
import { targetHistory } from '../history';
import { overdueBoard, searchTargets, type TargetSearch } from '../supervision';
import { DomainError, errorSchema, notFound } from '../errors';

const targetIdParams = {
  type: 'object', required: ['targetId'],
  properties: { targetId: { type: 'string', pattern: '^[EP][0-9a-f]{24}$' } },
} as const;

/**
 * The target and its cases, or 404; 403 outside the agency's scope: an AUTHORITY sees targets
 * with a case addressed to it, an IMPLEMENTER those with a case pushed to it (R5).
 */
async function targetInScope(app: FastifyInstance, request: FastifyRequest, targetId: string) {
  const { db } = app.deps;
  const [target] = await db.select().from(targets).where(eq(targets.id, targetId));
  if (!target) throw notFound('targetId', `no target ${targetId}`);
  const caseRows = await db.select().from(cases).where(eq(cases.targetId, target.id)).orderBy(asc(cases.createdAt));
  const agency = request.agency!;
  const addressed = agency.roles.includes('AUTHORITY') && caseRows.some((c) => c.authorityId === agency.id);
  const pushedTo = agency.roles.includes('IMPLEMENTER') && caseRows.length > 0 && (await db.select({ c: caseImplementers.caseId })
    .from(caseImplementers).where(and(eq(caseImplementers.agencyId, agency.id), inArray(caseImplementers.caseId, caseRows.map((c) => c.id))))).length > 0;
  if (!oversees(agency) && !addressed && !pushedTo) {
    request.log.warn({ agency: agency.id, targetId: target.id }, 'access denied: target outside the agency scope');
    throw new DomainError(403, 'forbidden', 'targetId', 'no case of this target is addressed or pushed to this agency');
  }
  return { target, caseRows };
}

export async function targetRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { targetId: string } }>('/targets/:targetId', {
    onRequest: requireRoles('ENFORCEMENT', 'CREDIT', 'AUTHORITY', 'LEGAL', 'IMPLEMENTER', 'SUPERVISOR'),
    schema: {
      security: bearerSecurity,
      tags: ['targets'],
      summary: "A target's cases, open steps and overdue records, with its workflow's live state",
      params: targetIdParams,
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (request) => {
    const { db, temporal } = app.deps;
    const { target, caseRows } = await targetInScope(app, request, request.params.targetId);
    const overdue = await db.select().from(overdueSteps).where(caseRows.length === 0
      ? eq(overdueSteps.targetId, target.id)
      : or(eq(overdueSteps.targetId, target.id), inArray(overdueSteps.caseId, caseRows.map((c) => c.id))));

    // The PostgreSQL view stands on its own; the workflow's live state is added when the
    // engine answers within 3 s (a supervisor can still read while the engine is down).
    let workflow: TargetState | null = null;
    let workflowStatus: 'running' | 'not_found' | 'unavailable' = 'running';
    try {
      workflow = await temporal.connection.withDeadline(Date.now() + 3000,
        () => temporal.workflow.getHandle(target.workflowId).query(targetStateQuery));
    } catch (err) {
      workflowStatus = err instanceof WorkflowNotFoundError ? 'not_found' : 'unavailable';
      if (workflowStatus === 'unavailable') request.log.warn({ err, targetId: target.id }, 'workflow state unavailable');
    }
    const ids = caseRows.map((c) => c.id);
    const pushed = ids.length === 0 ? [] : await db.select().from(caseImplementers).where(inArray(caseImplementers.caseId, ids));
    const measures = ids.length === 0 ? [] : await db.select().from(caseMeasures).where(inArray(caseMeasures.caseId, ids));
    const persons = ids.length === 0 ? [] : await db.select().from(casePersons).where(inArray(casePersons.caseId, ids));
    return {
      targetId: target.id,
      kind: target.kind,
      name: target.name,
      creditCode: target.creditCode,
      idNumber: target.idNumber ? maskIdNumber(target.idNumber) : null,
      workflowId: target.workflowId,
      cases: caseRows.map((c) => ({
        ...c,
        implementers: pushed.filter((p) => p.caseId === c.id),
        // Each measure as carried out: status, period end, why it was released.
        measuresInForce: measures.filter((m) => m.caseId === c.id),
        // R13: recorded persons, their identity numbers masked.
        persons: persons.filter((p) => p.caseId === c.id).map((p) => ({
          personTargetId: p.personTargetId, role: p.role, name: p.name, idNumber: maskIdNumber(p.idNumber),
        })),
      })),
      // Every step still owed, with its due date (from the workflow's live state).
      openSteps: workflow ? new TargetBook(workflow).openStepList() : [],
      overdue,
      workflow,
      workflowStatus,
    };
  });

  app.get<{ Params: { targetId: string } }>('/targets/:targetId/history', {
    onRequest: requireRoles('ENFORCEMENT', 'CREDIT', 'AUTHORITY', 'LEGAL', 'IMPLEMENTER', 'SUPERVISOR'),
    schema: {
      security: bearerSecurity,
      tags: ['supervision'],
      summary: "A target's history as one story, oldest first (R14)",
      description: 'Every line of the journal with its instant (Asia/Shanghai), acting agency, kind, rule and a sentence ' +
        'in the words of DOMAIN.md, linked to the event in the Temporal UI; continued-as-new runs read as one story.',
      params: targetIdParams,
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (request) => {
    const { target } = await targetInScope(app, request, request.params.targetId);
    const { db, temporal, temporalUi } = app.deps;
    return targetHistory({ db, temporal, ui: temporalUi }, target);
  });

  app.get<{ Querystring: TargetSearch }>('/targets', {
    onRequest: requireRoles('ENFORCEMENT', 'CREDIT', 'AUTHORITY', 'LEGAL', 'IMPLEMENTER', 'SUPERVISOR'),
    schema: {
      security: bearerSecurity,
      tags: ['supervision'],
      summary: 'Search targets: name, credit code, status, agency, field, measure, overdue only (paginated)',
      description: 'An AUTHORITY or IMPLEMENTER sees only the targets of its own cases.',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          q: { type: 'string', minLength: 1, maxLength: 100, description: 'part of the name, or the start of the credit code' },
          creditCode: { type: 'string', pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$' },
          kind: { type: 'string', enum: ['enterprise', 'person'] },
          status: { type: 'string', enum: ['open', 'closed'] },
          agencyId: { type: 'string', minLength: 1, maxLength: 100, description: 'pushing, receiving or implementing agency' },
          field: { type: 'string', minLength: 1, maxLength: 100, description: "the field of the receiving AUTHORITY" },
          measure: { type: 'string', pattern: '^[A-Z0-9-]{1,40}$', description: 'a measure code of one of its cases' },
          overdue: { type: 'boolean', description: 'only targets with an open overdue step' },
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 },
          offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
        },
      },
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema },
    },
  }, async (request) => {
    const agency = request.agency!;
    // Scope: outside the overseeing roles, an agency searches only among its own targets.
    const scope = oversees(agency) ? undefined : agency.id;
    return searchTargets(app.deps.db, request.query, scope);
  });

  app.get<{ Querystring: { agencyId?: string; rule?: string; limit: number; offset: number } }>('/overdue', {
    onRequest: requireRoles('ENFORCEMENT', 'CREDIT', 'AUTHORITY', 'LEGAL', 'IMPLEMENTER', 'SUPERVISOR'),
    schema: {
      security: bearerSecurity,
      tags: ['supervision'],
      summary: 'The overdue board: every open overdue step, the latest first (R14)',
      description: 'An AUTHORITY or IMPLEMENTER sees only the steps it is responsible for.',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          agencyId: { type: 'string', minLength: 1, maxLength: 100 },
          rule: { type: 'string', pattern: '^R[0-9]{1,2}$' },
          limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
        },
      },
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema },
    },
  }, async (request) => {
    const agency = request.agency!;
    const agencyId = oversees(agency) ? request.query.agencyId : agency.id;
    return overdueBoard(app.deps.db, { ...request.query, agencyId }, app.deps.now());
  });
}
