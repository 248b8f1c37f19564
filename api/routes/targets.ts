// Where a target stands: its cases (PostgreSQL) and the live state of its workflow (query); its
// story (R14); the search and the overdue board.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { overdueBoard, searchTargets, type TargetSearch } from '../../db/queries/search';
import { agencyStandsToTarget, caseDetails, openStepRows, targetWithCases } from '../../db/queries/targets';
import { toShanghaiIso } from '../../domain/dates';
import { maskIdNumber } from '../../domain/identifiers';
import { isObligation, refOfKey, stepLabel, stepView, type StepView } from '../../domain/steps';
import { targetStateQuery, type TargetState } from '../../workflows/messages';
import { bearerSecurity, oversees, requireRoles } from '../auth';
import { DomainError, errorSchema, notFound } from '../errors';
import { targetHistory } from '../history';
import { searchQuerystring, overdueQuerystring, READERS } from './target-schemas';

const targetIdParams = {
  type: 'object', required: ['targetId'],
  properties: { targetId: { type: 'string', pattern: '^[EP][0-9a-f]{24}$' } },
} as const;

/**
 * The target and its cases, or 404; 403 outside the agency's scope: an AUTHORITY sees targets
 * with a case addressed to it, an IMPLEMENTER those with a case pushed to it (R5).
 */
async function targetInScope(app: FastifyInstance, request: FastifyRequest, targetId: string) {
  const found = await targetWithCases(app.deps.db, targetId);
  if (!found) throw notFound('targetId', `no target ${targetId}`);
  const agency = request.agency!;
  if (!oversees(agency) && !(await agencyStandsToTarget(app.deps.db, targetId, agency.id))) {
    request.log.warn({ agency: agency.id, targetId }, 'access denied: target outside the agency scope');
    throw new DomainError(403, 'forbidden', 'targetId', 'no case of this target is addressed or pushed to this agency');
  }
  return found;
}

/** The workflow's live state when the engine answers within 3 s; a supervisor still reads while it is down. */
async function liveState(app: FastifyInstance, request: FastifyRequest, workflowId: string) {
  const { temporal } = app.deps;
  try {
    const state = await temporal.connection.withDeadline(Date.now() + 3000, () => temporal.workflow.getHandle(workflowId).query(targetStateQuery));
    return { workflow: state as TargetState | null, workflowStatus: 'running' as const };
  } catch (err) {
    const status = err instanceof WorkflowNotFoundError ? 'not_found' as const : 'unavailable' as const;
    if (status === 'unavailable') request.log.warn({ err, workflowId }, 'workflow state unavailable');
    return { workflow: null, workflowStatus: status };
  }
}

export async function targetRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { targetId: string } }>('/targets/:targetId', {
    onRequest: requireRoles(...READERS),
    schema: {
      security: bearerSecurity, tags: ['targets'], params: targetIdParams,
      summary: "A target's cases, its open steps (with their deadlines and labels) and overdue steps, with its workflow's live state",
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (request) => {
    const { target, caseRows } = await targetInScope(app, request, request.params.targetId);
    const { pushed, measures, persons } = await caseDetails(app.deps.db, caseRows.map((c) => c.id));
    const { workflow, workflowStatus } = await liveState(app, request, target.workflowId);
    // Every step still owed, with its due date: from the workflow, or from PostgreSQL when it does not answer.
    const steps: StepView[] = workflow
      ? workflow.steps.map(stepView)
      : (await openStepRows(app.deps.db, target.id)).map((s) => ({
        key: s.id.slice(target.id.length + 1), kind: s.kind as StepView['kind'], rule: s.rule as StepView['rule'], label: stepLabel(s.kind, s.month),
        caseId: s.caseId, agencyId: s.agencyId, month: s.month, ref: refOfKey(s.kind, s.id.slice(target.id.length + 1)), dueOn: toShanghaiIso(s.dueAt.getTime() - 1).slice(0, 10),
        dueAt: toShanghaiIso(s.dueAt), provisional: s.provisional, overdue: s.overdueAt !== null,
      }));
    return {
      targetId: target.id,
      kind: target.kind,
      name: target.name,
      creditCode: target.creditCode,
      idNumber: target.idNumber ? maskIdNumber(target.idNumber) : null,
      status: target.status,
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
      openSteps: steps.filter((s) => isObligation(s.kind)),
      // What the system itself does next: period ends (R10), a promised date (R12), the month's end (R9).
      timers: steps.filter((s) => !isObligation(s.kind)),
      overdue: steps.filter((s) => s.overdue),
      workflow,
      workflowStatus,
    };
  });

  app.get<{ Params: { targetId: string } }>('/targets/:targetId/history', {
    onRequest: requireRoles(...READERS),
    schema: {
      security: bearerSecurity, tags: ['supervision'], params: targetIdParams,
      summary: "A target's history as one story, oldest first (R14)",
      description: 'Every line of the journal with its instant (Asia/Shanghai), acting agency, kind, rule and a sentence ' +
        'in the words of DOMAIN.md, linked to the event in the Temporal UI; continued-as-new runs read as one story.',
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (request) => {
    const { target } = await targetInScope(app, request, request.params.targetId);
    const { db, temporal, temporalUi } = app.deps;
    return targetHistory({ db, temporal, ui: temporalUi }, target);
  });

  app.get<{ Querystring: TargetSearch }>('/targets', {
    onRequest: requireRoles(...READERS),
    schema: {
      security: bearerSecurity, tags: ['supervision'], querystring: searchQuerystring,
      summary: 'Search targets: name, credit code, status, agency, field, measure, overdue only (paginated)',
      description: 'An AUTHORITY or IMPLEMENTER sees only the targets of its own cases.',
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema },
    },
  }, async (request) => {
    const agency = request.agency!;
    // Scope: outside the overseeing roles, an agency searches only among its own targets.
    return searchTargets(app.deps.db, request.query, oversees(agency) ? undefined : agency.id);
  });

  app.get<{ Querystring: { agencyId?: string; rule?: string; limit: number; offset: number } }>('/overdue', {
    onRequest: requireRoles(...READERS),
    schema: {
      security: bearerSecurity, tags: ['supervision'], querystring: overdueQuerystring,
      summary: 'The overdue board: every step overdue and still open, the latest first (R14)',
      description: 'An AUTHORITY or IMPLEMENTER sees only the steps it is responsible for.',
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema },
    },
  }, async (request) => {
    const agency = request.agency!;
    const agencyId = oversees(agency) ? request.query.agencyId : agency.id;
    return overdueBoard(app.deps.db, { ...request.query, agencyId }, app.deps.now());
  });
}
