// "My tasks" (待办, R14): every open step the key's agency is responsible for, soonest first, with
// the working days left on the server's working-day calendar (R16). The agency is always the
// key's; no query names another.
import type { FastifyInstance } from 'fastify';
import { tasksOf } from '../../db/queries/tasks';
import { shanghaiDateOf, toShanghaiIso } from '../../domain/dates';
import { ROLES } from '../../domain/roles';
import { refOfKey, stepLabel } from '../../domain/steps';
import { workingDaysLeft } from '../../domain/working-days';
import { bearerSecurity, requireRoles } from '../auth';
import { errorSchema } from '../errors';

const taskSchema = {
  type: 'object',
  required: ['id', 'kind', 'rule', 'label', 'dueOn', 'dueAt', 'overdue', 'workingDaysLeft'],
  properties: {
    id: { type: 'string' },
    key: { type: ['string', 'null'], description: "the step's key within its target (null for an R1 review)" },
    kind: { type: 'string' },
    rule: { type: 'string' },
    label: { type: 'string', description: '中文, from the step registry' },
    month: { type: ['string', 'null'] },
    ref: { type: ['string', 'null'], description: 'the objection, complaint, repair, consultation or report hop the step is about' },
    targetId: { type: ['string', 'null'] },
    targetName: { type: ['string', 'null'] },
    caseId: { type: ['string', 'null'] },
    documentNumber: { type: ['string', 'null'] },
    changeId: { type: ['string', 'null'], description: 'R1: the list change to review' },
    measureCode: { type: ['string', 'null'], description: 'R1: the measure the change is about' },
    dueOn: { type: 'string', description: 'the last day it may be done on (Asia/Shanghai)' },
    dueAt: { type: 'string', description: 'the instant it ends: 24:00 of dueOn, +08:00' },
    provisional: { type: 'boolean' },
    overdue: { type: 'boolean', description: 'R14: the overdue record has been made' },
    workingDaysLeft: { type: 'integer', description: 'working days after today up to dueOn (0: due today); negative: working days late' },
    reminders: { type: 'integer' },
  },
} as const;

export async function taskRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { limit: number; offset: number } }>('/tasks', {
    onRequest: requireRoles(...ROLES),
    schema: {
      tags: ['supervision'], security: bearerSecurity,
      summary: "My tasks (待办): the key's agency's open steps, soonest due first, with the working days left (R14, R16)",
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 } },
      },
      response: {
        200: {
          type: 'object', required: ['items', 'total', 'overdue', 'today'],
          properties: {
            items: { type: 'array', items: taskSchema },
            total: { type: 'integer' }, overdue: { type: 'integer', description: 'how many of them are overdue' },
            today: { type: 'string', description: 'the day the working days are counted from (Asia/Shanghai)' },
            limit: { type: 'integer' }, offset: { type: 'integer' },
          },
        },
        400: errorSchema, 401: errorSchema,
      },
    },
  }, async (request) => {
    const agency = request.agency!;
    const reviewer = agency.roles.filter((r): r is 'CREDIT' | 'LEGAL' => r === 'CREDIT' || r === 'LEGAL');
    const { rows, total, overdue } = await tasksOf(app.deps.db, agency.id, reviewer, request.query);
    const today = shanghaiDateOf(app.deps.now());
    const calendar = await app.deps.calendar();
    const items = rows.map((r) => {
      const dueMs = new Date(r.due_at).getTime();
      const dueOn = toShanghaiIso(dueMs - 1).slice(0, 10);
      const key = r.target_id ? r.id.slice(r.target_id.length + 1) : null;
      return {
        id: r.id, key, kind: r.kind, rule: r.rule, label: stepLabel(r.kind, r.month), month: r.month,
        ref: key ? refOfKey(r.kind, key) : null, targetId: r.target_id, targetName: r.target_name, caseId: r.case_id,
        documentNumber: r.document_number, changeId: r.change_id, measureCode: r.change_code,
        dueOn, dueAt: toShanghaiIso(dueMs), provisional: r.provisional, overdue: r.overdue_at !== null,
        workingDaysLeft: workingDaysLeft(calendar, today, dueOn), reminders: r.reminders,
      };
    });
    return { items, total, overdue, today, limit: request.query.limit, offset: request.query.offset };
  });
}
