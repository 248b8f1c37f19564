// JSON Schemas shared by the routes: a step as the API shows it, and an action's answer.
import { STEP_KINDS } from '../../domain/steps';

export const stepViewSchema = {
  type: 'object',
  properties: {
    key: { type: 'string' },
    kind: { type: 'string', enum: STEP_KINDS },
    rule: { type: 'string' },
    label: { type: 'string', description: '中文, from the step registry' },
    caseId: { type: ['string', 'null'] },
    agencyId: { type: ['string', 'null'], description: 'the agency responsible' },
    month: { type: ['string', 'null'] },
    ref: { type: ['string', 'null'], description: 'the objection, complaint, repair, consultation or upward-report hop the step is about' },
    dueOn: { type: 'string', description: 'the last day it may be done on (Asia/Shanghai)' },
    dueAt: { type: 'string', description: 'the instant it ends: 24:00 of dueOn, +08:00' },
    provisional: { type: 'boolean' },
    overdue: { type: 'boolean' },
  },
} as const;

export const actionAnswerSchema = {
  type: 'object',
  required: ['action', 'at', 'opened', 'closed'],
  properties: {
    action: { type: 'string' },
    caseId: { type: ['string', 'null'] },
    at: { type: 'string' },
    opened: { type: 'array', items: stepViewSchema, description: 'steps the action opened, with their deadlines' },
    closed: { type: 'array', items: { type: 'string' }, description: 'keys of the steps it completed or made moot' },
    detail: { type: 'object', additionalProperties: true },
  },
} as const;
