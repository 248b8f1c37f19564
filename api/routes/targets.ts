// Where a target stands: its cases and open steps (PostgreSQL), and on asking the live state of its
// workflow (query); its story (R14); the search and the overdue board.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { overdueBoard, searchTargets, type TargetSearch } from '../../db/queries/search';
import { caseDetails, caseSources, caseStandings, openStepRows, targetWithCases } from '../../db/queries/targets';
import { toShanghaiIso } from '../../domain/dates';
import { maskIdNumber } from '../../domain/identifiers';
import { caseVisible } from '../../domain/regions';
import { isObligation, refOfKey, stepLabel, stepView, type StepView } from '../../domain/steps';
import { targetStateQuery, type TargetState } from '../../workflows/messages';
import { audit } from '../audit';
import { bearerSecurity, readScope, requireRoles } from '../auth';
import { DomainError, errorSchema, notFound } from '../errors';
import { targetHistory } from '../history';
import { searchQuerystring, overdueQuerystring, READERS, targetQuerystring } from './target-schemas';

export const targetIdParams = {
  type: 'object', required: ['targetId'],
  properties: { targetId: { type: 'string', pattern: '^[EP][0-9a-f]{24}$' } },
} as const;

/**
 * The target and the cases of it the agency sees (domain/regions.ts), or 404; 403 when it sees
 * none: a regional reader sees the cases of its region and below, every agency the cases it filed,
 * was addressed or was pushed (R5). `whole` is whether it sees every case: only then does it read
 * what belongs to the target as a whole. Nothing in the answer tells of a case it does not see.
 */
async function targetInScope(app: FastifyInstance, request: FastifyRequest, targetId: string) {
  const found = await targetWithCases(app.deps.db, targetId);
  if (!found) throw notFound('targetId', `no target ${targetId}`);
  const agency = request.agency!;
  const scope = readScope(agency);
  const standings = await caseStandings(app.deps.db, found.caseRows.map((c) => c.id));
  const caseRows = found.caseRows.filter((c) => caseVisible(scope, standings.get(c.id)!));
  if (caseRows.length === 0) {
    request.log.warn({ agency: agency.id, targetId }, 'access denied: target outside the agency scope');
    throw new DomainError(403, 'forbidden', 'targetId', 'no case of this target is in this agency\'s region or addressed, pushed or filed by it');
  }
  return { target: found.target, caseRows, whole: caseRows.length === found.caseRows.length };
}

/** What a reader who does not see every case reads of the workflow: its cases and steps, nothing of the others. */
function partialState(state: TargetState, caseIds: Set<string>, agencyId: string): TargetState {
  return {
    targetId: state.targetId,
    kind: state.kind,
    cases: state.cases.filter((c) => caseIds.has(c.caseId)),
    steps: state.steps.filter((s) => (s.caseId ? caseIds.has(s.caseId) : s.agencyId === agencyId)),
    reported: state.reported.filter((r) => r.endsWith(`|${agencyId}`)),
    applied: state.applied.filter((a) => a.answer.caseId !== null && caseIds.has(a.answer.caseId)),
  };
}

/** The workflow's live state when the engine answers within 3 s (or the app's engine deadline, if shorter); a supervisor still reads while it is down. */
async function liveState(app: FastifyInstance, request: FastifyRequest, workflowId: string) {
  const { temporal } = app.deps;
  try {
    const deadline = Date.now() + Math.min(3000, app.deps.engineDeadlineMs);
    const state = await temporal.connection.withDeadline(deadline, () => temporal.workflow.getHandle(workflowId).query(targetStateQuery));
    return { workflow: state as TargetState | null, workflowStatus: 'running' as const };
  } catch (err) {
    const status = err instanceof WorkflowNotFoundError ? 'not_found' as const : 'unavailable' as const;
    if (status === 'unavailable') request.log.warn({ err, workflowId }, 'workflow state unavailable');
    return { workflow: null, workflowStatus: status };
  }
}

export async function targetRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { targetId: string }; Querystring: { live: boolean } }>('/targets/:targetId', {
    onRequest: requireRoles(...READERS),
    schema: {
      security: bearerSecurity, tags: ['targets'], params: targetIdParams, querystring: targetQuerystring,
      summary: "A target's cases, its open steps (with their deadlines and labels) and overdue steps; with live=true its workflow's live state",
      description: 'Read from PostgreSQL, whose steps the workflow\'s activities keep: `workflow` is null and `workflowStatus` is `not_read`. ' +
        'With `live=true` the target\'s workflow is also queried (its steps then come from the workflow): a query of a workflow the worker ' +
        'has evicted from its cache replays its whole history, hundreds of milliseconds with many open targets (issue 17).',
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (request) => {
    const { target, caseRows, whole } = await targetInScope(app, request, request.params.targetId);
    const agencyId = request.agency!.id;
    const visible = new Set(caseRows.map((c) => c.id));
    const [{ pushed, measures, persons, derived }, sources] = await Promise.all([
      caseDetails(app.deps.db, caseRows.map((c) => c.id)),
      caseSources(app.deps.db, caseRows.map((c) => c.derivedFrom).filter((id): id is string => id !== null)),
    ]);
    // Issue 17: the workflow only on asking; an evicted workflow's query replays its history.
    const live = request.query.live ? await liveState(app, request, target.workflowId) : { workflow: null, workflowStatus: 'not_read' as const };
    const workflow = live.workflow && !whole ? partialState(live.workflow, visible, agencyId) : live.workflow;
    const { workflowStatus } = live;
    // Every step still owed, with its due date: from the workflow when it was read and answered, else from PostgreSQL.
    const seen = (s: { caseId: string | null; agencyId: string | null }) => whole || (s.caseId ? visible.has(s.caseId) : s.agencyId === agencyId);
    const steps: StepView[] = workflow
      ? workflow.steps.map(stepView)
      : (await openStepRows(app.deps.db, target.id)).filter(seen).map((s) => ({
        key: s.id.slice(target.id.length + 1), kind: s.kind as StepView['kind'], rule: s.rule as StepView['rule'], label: stepLabel(s.kind, s.month),
        caseId: s.caseId, agencyId: s.agencyId, month: s.month, ref: refOfKey(s.kind, s.id.slice(target.id.length + 1)), dueOn: toShanghaiIso(s.dueAt.getTime() - 1).slice(0, 10),
        dueAt: toShanghaiIso(s.dueAt), provisional: s.provisional, overdue: s.overdueAt !== null,
      }));
    await audit(request, 'target.read', { targetId: target.id, detail: { cases: caseRows.map((c) => c.id) } });
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
        // R13: a person's case names the target of the enterprise case it was taken from.
        derivedFromTargetId: c.derivedFrom ? sources.get(c.derivedFrom) ?? null : null,
        implementers: pushed.filter((p) => p.caseId === c.id),
        // Each measure as carried out: status, period end, why it was released.
        measuresInForce: measures.filter((m) => m.caseId === c.id),
        // R13: recorded persons, their identity numbers masked, each with the case it took from this one.
        persons: persons.filter((p) => p.caseId === c.id).map((p) => ({
          personTargetId: p.personTargetId, role: p.role, name: p.name, idNumber: maskIdNumber(p.idNumber),
          personCaseId: derived.find((d) => d.derivedFrom === c.id && d.targetId === p.personTargetId)?.id ?? null,
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
    const { target, caseRows, whole } = await targetInScope(app, request, request.params.targetId);
    const { db, temporal, temporalUi } = app.deps;
    const agencyId = request.agency!.id;
    const visible = new Set(caseRows.map((c) => c.id));
    await audit(request, 'target.history_read', { targetId: target.id, detail: { cases: [...visible] } });
    // A reader who does not see every case reads the lines of its cases and its own, nothing else.
    const shown = whole ? undefined : (line: { caseId: string | null; agencyId: string | null }) =>
      (line.caseId ? visible.has(line.caseId) : line.agencyId === agencyId);
    return targetHistory({ db, temporal, ui: temporalUi }, target, shown);
  });

  app.get<{ Querystring: TargetSearch }>('/targets', {
    onRequest: requireRoles(...READERS),
    schema: {
      security: bearerSecurity, tags: ['supervision'], querystring: searchQuerystring,
      summary: 'Search targets: name, credit code, status, agency, field, measure, overdue only (paginated)',
      description: 'Targets with a case the agency sees: ENFORCEMENT, CREDIT, LEGAL and SUPERVISOR those of their region and the regions ' +
        'below it (or every region, with national scope), every agency those of the cases it filed, was addressed or was pushed.',
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema },
    },
  }, async (request) => {
    // Scope: the targets with a case the agency sees (its region's, or its own).
    const found = await searchTargets(app.deps.db, request.query, readScope(request.agency!));
    const { limit, offset, ...asked } = request.query;
    await audit(request, 'targets.searched', { detail: { query: asked, limit, offset, total: found.total, totalExact: found.totalExact, shown: found.items.map((i) => i.targetId) } });
    return found;
  });

  app.get<{ Querystring: { agencyId?: string; rule?: string; limit: number; offset: number } }>('/overdue', {
    onRequest: requireRoles(...READERS),
    schema: {
      security: bearerSecurity, tags: ['supervision'], querystring: overdueQuerystring,
      summary: 'The overdue board: every step overdue and still open, the latest first (R14)',
      description: 'An AUTHORITY or IMPLEMENTER sees only the steps it is responsible for; a regional reader also those of the cases ' +
        'it sees and those owed in its region.',
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema },
    },
  }, async (request) => {
    const board = await overdueBoard(app.deps.db, request.query, app.deps.now(), readScope(request.agency!));
    const shown = [...new Set(board.items.map((i) => i.targetId).filter((t): t is string => t !== null))];
    await audit(request, 'overdue.read', { detail: { query: request.query, total: board.total, totalExact: board.totalExact, shown } });
    return board;
  });
}
