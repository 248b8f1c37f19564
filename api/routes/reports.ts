// R9 The monthly report (000 §二(五)): an implementer reports once a month on all its targets,
// per category, with the enhanced supervision carried out and typical cases. The report is
// stored, then a workflow carries it to every target that owes it, closing each target's step.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { listReports, reportView, storeReport } from '../../db/queries/reports';
import { ACTIONS } from '../../domain/actions';
import { shanghaiDateOf } from '../../domain/dates';
import { REPORT_CATEGORIES, REPORT_CATEGORY_KEYS, reportableMonth, type ReportCounts } from '../../domain/report-categories';
import { monthlyReportWorkflowId, TASK_QUEUE } from '../../workflows/messages';
import { bearerSecurity, readScope, requireRoles } from '../auth';
import { badRequest, conflict, DomainError, errorSchema } from '../errors';

const MONTH = { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, the month reported on' } as const;

const countsSchema = {
  type: 'object', additionalProperties: false, required: REPORT_CATEGORY_KEYS,
  description: 'how many times each was carried out in the month',
  properties: Object.fromEntries(REPORT_CATEGORY_KEYS.map((k) => [k, { type: 'integer', minimum: 0, maximum: 1_000_000, description: REPORT_CATEGORIES[k].label }])),
} as const;

const reportSchema = {
  type: 'object',
  properties: {
    implementerId: { type: 'string' }, implementer: { type: ['string', 'null'] }, month: { type: 'string' },
    counts: { type: 'object', additionalProperties: { type: 'integer' } },
    enhancedSupervision: { type: 'string' }, typicalCases: { type: 'string' }, reportedAt: { type: 'string' },
    targetsOwing: { type: 'integer', description: 'the targets that owed this report when it was made' },
    delivered: { type: ['integer', 'null'], description: 'the targets it reached; null while it is being carried to them' },
    deliveredAt: { type: ['string', 'null'] },
  },
} as const;

interface ReportBody {
  month: string;
  counts: ReportCounts;
  enhancedSupervision: string;
  typicalCases: string;
}

export async function reportRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: ReportBody }>('/reports', {
    onRequest: requireRoles(...ACTIONS.reportFeedback.roles),
    schema: {
      tags: ['cases'], security: bearerSecurity,
      summary: "R9: an implementer's monthly report on all its targets: counts per category, enhanced supervision, typical cases",
      description: 'Due before the 7th of the next month (the day an ADMIN set). Every target that owes a report on the month ' +
        'from this implementer has it done. The same report sent again is answered as first stored; a different one is refused.',
      body: {
        type: 'object', additionalProperties: false, required: ['month', 'counts', 'enhancedSupervision', 'typicalCases'],
        properties: {
          month: MONTH, counts: countsSchema,
          enhancedSupervision: { type: 'string', maxLength: 10000, description: '强化监管措施开展情况 (may be empty when none was carried out)' },
          typicalCases: { type: 'string', maxLength: 10000, description: '典型案例 (may be empty)' },
        },
      },
      response: { 200: reportSchema, 201: reportSchema, 400: errorSchema, 401: errorSchema, 403: errorSchema, 409: errorSchema, 503: errorSchema },
    },
  }, async (request, reply) => {
    const body = request.body;
    const now = app.deps.now();
    const notYet = reportableMonth(body.month, shanghaiDateOf(now));
    if (notYet) throw badRequest('month', notYet);
    const agency = request.agency!;
    const fingerprint = createHash('sha256').update(JSON.stringify([body.month, REPORT_CATEGORY_KEYS.map((k) => body.counts[k]), body.enhancedSupervision, body.typicalCases])).digest('hex').slice(0, 32);
    const { report, created } = await storeReport(app.deps.db, {
      implementerId: agency.id, month: body.month, counts: body.counts, enhancedSupervision: body.enhancedSupervision,
      typicalCases: body.typicalCases, reportedAt: now, filedBy: `${agency.id} (${agency.name})`, fingerprint,
    });
    if (!created && report.fingerprint !== fingerprint) {
      throw conflict('month', `the report on ${body.month} was already made at ${report.reportedAt.toISOString()}; it cannot be replaced`);
    }
    await deliver(app, agency.id, body.month, report.reportedAt);
    return reply.status(created ? 201 : 200).send(reportView(report, agency.name));
  });

  app.get<{ Querystring: { month?: string; implementerId?: string } }>('/reports', {
    onRequest: requireRoles('CREDIT', 'LEGAL', 'IMPLEMENTER', 'SUPERVISOR'),
    schema: {
      tags: ['supervision'], security: bearerSecurity,
      summary: 'R9: the monthly reports made, of the implementers in the reader\'s scope (an IMPLEMENTER reads its own)',
      querystring: { type: 'object', additionalProperties: false, properties: { month: MONTH, implementerId: { type: 'string', maxLength: 100 } } },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: reportSchema } } }, 400: errorSchema, 401: errorSchema, 403: errorSchema },
    },
  }, async (request) => {
    const agency = request.agency!;
    const q = request.query;
    const scope = readScope(agency);
    if (scope.kind === 'own' && q.implementerId && q.implementerId !== agency.id) {
      throw badRequest('implementerId', 'an IMPLEMENTER reads only its own reports');
    }
    // Scope (domain/regions.ts): an IMPLEMENTER counts only itself, a regional reader its region.
    return { items: await listReports(app.deps.db, { month: q.month, implementerId: q.implementerId }, scope) };
  });
}

/** The report's workflow, started once per implementer and month; a report sent again finds it started. */
async function deliver(app: FastifyInstance, implementerId: string, month: string, at: Date): Promise<void> {
  const { temporal, engineDeadlineMs } = app.deps;
  try {
    await temporal.connection.withDeadline(Date.now() + engineDeadlineMs, () => temporal.workflow.start('monthlyReportWorkflow', {
      workflowId: monthlyReportWorkflowId(implementerId, month), taskQueue: TASK_QUEUE,
      args: [{ implementerId, month, at: at.toISOString() }],
    }));
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return;
    notDelivered(err);
  }
}

function notDelivered(err: unknown): never {
  throw new DomainError(503, 'engine_unavailable', null,
    `the report is saved, but the engine did not take it to the targets yet (${(err as Error).message}); send the same report again`,
    { 'retry-after': '5' });
}
