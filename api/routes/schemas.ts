// JSON Schemas shared by the routes: a step as the API shows it, and an action's answer.
import { STEP_KINDS } from '../../domain/steps';

/** A calendar day of the years the product works in: the schema says what the API accepts (a real date, 1900–2199). */
export const DATE_PATTERN = '^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$';
export const isoDateSchema = { type: 'string', pattern: DATE_PATTERN, format: 'date', description: 'YYYY-MM-DD' } as const;
/** A year the holiday schedules may be loaded for: 1990–2100. */
export const YEAR_PATTERN = '^(199[0-9]|20[0-9]{2}|2100)$';
/** What the API answers for a value off DATE_PATTERN or the date format. */
export const NOT_A_DATE = 'is not a real calendar date (YYYY-MM-DD)';

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
