// Where a target stands: its cases (PostgreSQL) and the live state of its workflow (query).
import { WorkflowNotFoundError } from '@temporalio/client';
import { and, asc, eq, inArray, or } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { caseImplementers, caseMeasures, casePersons, cases, overdueSteps, targets } from '../../db/schema';
import { TargetBook } from '../../workflows/target-state';
import { maskIdNumber } from '../../domain/identifiers';
import { targetStateQuery, type TargetState } from '../../workflows/messages';
import { bearerSecurity, requireRoles } from '../auth';
import { DomainError, errorSchema, notFound } from '../errors';

export async function targetRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { targetId: string } }>('/targets/:targetId', {
    onRequest: requireRoles('ENFORCEMENT', 'CREDIT', 'AUTHORITY', 'LEGAL', 'IMPLEMENTER', 'SUPERVISOR'),
    schema: {
      security: bearerSecurity,
      tags: ['targets'],
      summary: "A target's cases, open steps and overdue records, with its workflow's live state",
      params: {
        type: 'object', required: ['targetId'],
        properties: { targetId: { type: 'string', pattern: '^[EP][0-9a-f]{24}$' } },
      },
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (request) => {
    const { db, temporal } = app.deps;
    const [target] = await db.select().from(targets).where(eq(targets.id, request.params.targetId));
    if (!target) throw notFound('targetId', `no target ${request.params.targetId}`);
    const caseRows = await db.select().from(cases).where(eq(cases.targetId, target.id)).orderBy(asc(cases.createdAt));
    // Scope: an AUTHORITY sees targets with a case addressed to it; an IMPLEMENTER those with a
    // case pushed to it (R5). The other roles oversee the whole loop.
    const agency = request.agency!;
    const oversees = agency.roles.some((r) => ['ENFORCEMENT', 'CREDIT', 'LEGAL', 'SUPERVISOR'].includes(r));
    const addressed = agency.roles.includes('AUTHORITY') && caseRows.some((c) => c.authorityId === agency.id);
    const pushedTo = agency.roles.includes('IMPLEMENTER') && caseRows.length > 0 && (await db.select({ c: caseImplementers.caseId })
      .from(caseImplementers).where(and(eq(caseImplementers.agencyId, agency.id), inArray(caseImplementers.caseId, caseRows.map((c) => c.id))))).length > 0;
    if (!oversees && !addressed && !pushedTo) {
      request.log.warn({ agency: agency.id, targetId: target.id }, 'access denied: target outside the agency scope');
      throw new DomainError(403, 'forbidden', 'targetId', 'no case of this target is addressed or pushed to this agency');
    }
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
}
