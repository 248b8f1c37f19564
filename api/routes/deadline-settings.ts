// The deadline settings an ADMIN may change where the seeds leave a choice: what a fixed-day
// deadline does on a day off and which day of the month it falls on (R9), how often an overdue
// step is reminded (R14), and the working days of the steps the seeds give no number for
// (R4 upward reports, R2/R3 consultation and legal review, R11 complaints). A setting applies to
// the steps opened after it; a step already open keeps the deadline it was given.
import type { FastifyInstance } from 'fastify';
import {
  escalationInterval, FIXED_DAY_DEADLINES, fixedDayRule, setDeadlineRule, setEscalationInterval, setStepDeadline, stepDeadlineSetting,
} from '../../db/calendar-store';
import type { NonWorkingDayRule } from '../../domain/periods';
import { isConfigurable, REMINDED_STEPS, STEP_KINDS, STEPS, workingDaysOf, type StepKind } from '../../domain/steps';
import { audit } from '../audit';
import { bearerSecurity, requireRoles } from '../auth';
import { badRequest, errorSchema } from '../errors';

const CONFIGURABLE = STEP_KINDS.filter(isConfigurable);

const ruleSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string' }, rule: { type: 'string' },
    nonWorkingDay: { type: 'string', enum: ['next_working_day', 'keep_date'] },
    dueDay: { type: 'integer', description: 'the day of the next month it falls on (000 §二(五): the 7th; other regimes the 3rd or the 10th)' },
  },
} as const;

const stepDeadlineSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string' }, rule: { type: 'string' }, label: { type: 'string' },
    workingDays: { type: 'integer' }, defaultWorkingDays: { type: 'integer' }, source: { type: 'string' },
  },
} as const;

const actorOf = (agency: { id: string; name: string }) => `${agency.id} (${agency.name})`;

export async function deadlineSettingRoutes(app: FastifyInstance): Promise<void> {
  const db = app.deps.db;

  app.get('/calendar/deadline-rules', {
    schema: {
      tags: ['calendar'],
      summary: 'R9: the day each fixed-day deadline falls on, and what it does when that day is not a working day',
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: ruleSchema } } } },
    },
  }, async () => ({
    items: await Promise.all(Object.entries(FIXED_DAY_DEADLINES).map(async ([kind, d]) => {
      const r = await fixedDayRule(db, kind);
      return { kind, rule: d.rule, nonWorkingDay: r.nonWorkingDay, dueDay: r.day };
    })),
  }));

  app.put<{ Params: { kind: string }; Body: { nonWorkingDay?: NonWorkingDayRule; dueDay?: number } }>('/calendar/deadline-rules/:kind', {
    onRequest: requireRoles('ADMIN'),
    schema: {
      tags: ['calendar'],
      summary: 'R9: set the day of the month a fixed-day deadline falls on, or what it does on a day off (ADMIN)',
      security: bearerSecurity,
      params: { type: 'object', required: ['kind'], properties: { kind: { type: 'string', enum: Object.keys(FIXED_DAY_DEADLINES) } } },
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: {
          nonWorkingDay: { type: 'string', enum: ['next_working_day', 'keep_date'] },
          dueDay: { type: 'integer', minimum: 1, maximum: 28, description: 'the day of the next month (1–28)' },
        },
      },
      response: { 200: ruleSchema, 400: errorSchema, 401: errorSchema, 403: errorSchema },
    },
  }, async (request) => {
    const { kind } = request.params;
    if (!FIXED_DAY_DEADLINES[kind]) {
      throw badRequest('kind', `unknown deadline kind; known: ${Object.keys(FIXED_DAY_DEADLINES).join(', ')}`);
    }
    const now = await fixedDayRule(db, kind);
    const nonWorkingDay = request.body.nonWorkingDay ?? now.nonWorkingDay;
    const dueDay = request.body.dueDay ?? now.day;
    await setDeadlineRule(db, kind, nonWorkingDay, actorOf(request.agency!), app.deps.now(), dueDay);
    await audit(request, 'calendar.changed', { detail: { deadlineRule: kind, nonWorkingDay, dueDay } });
    return { kind, rule: FIXED_DAY_DEADLINES[kind].rule, nonWorkingDay, dueDay };
  });

  app.get('/step-deadlines', {
    schema: {
      tags: ['calendar'],
      summary: 'The working days of the steps whose limit the seeds leave to the regime (R4 upward reports, consultation, legal review, R11 complaints)',
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: stepDeadlineSchema } } } },
    },
  }, async () => ({ items: await Promise.all(CONFIGURABLE.map((kind) => stepDeadline(kind))) }));

  app.put<{ Params: { kind: string }; Body: { workingDays: number } }>('/step-deadlines/:kind', {
    onRequest: requireRoles('ADMIN'),
    schema: {
      tags: ['calendar'],
      summary: 'Set the working days of a step the seeds give no number for (ADMIN); steps opened from now on count it',
      security: bearerSecurity,
      params: { type: 'object', required: ['kind'], properties: { kind: { type: 'string', enum: CONFIGURABLE } } },
      body: {
        type: 'object', additionalProperties: false, required: ['workingDays'],
        properties: { workingDays: { type: 'integer', minimum: 1, maximum: 60 } },
      },
      response: { 200: stepDeadlineSchema, 400: errorSchema, 401: errorSchema, 403: errorSchema },
    },
  }, async (request) => {
    const kind = request.params.kind as StepKind;
    if (!(CONFIGURABLE as string[]).includes(kind)) {
      throw badRequest('kind', `is not a step whose working days may be set; these are: ${CONFIGURABLE.join(', ')} (the others are fixed by the seeds)`);
    }
    await setStepDeadline(db, kind, request.body.workingDays, actorOf(request.agency!), app.deps.now());
    await audit(request, 'calendar.changed', { detail: { stepDeadline: kind, workingDays: request.body.workingDays } });
    return stepDeadline(kind);
  });

  async function stepDeadline(kind: StepKind) {
    const d = STEPS[kind];
    const defaultWorkingDays = workingDaysOf(kind);
    return { kind, rule: d.rule, label: d.label, workingDays: (await stepDeadlineSetting(db, kind)) ?? defaultWorkingDays, defaultWorkingDays, source: d.source };
  }

  app.get('/escalation-intervals', {
    schema: {
      tags: ['calendar'],
      summary: 'R14: working days between reminders of a step that stays overdue',
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { step: { type: 'string' }, intervalWorkingDays: { type: 'integer' } } } } } } },
    },
  }, async () => ({
    items: await Promise.all(REMINDED_STEPS.map(async (step) => ({ step, intervalWorkingDays: await escalationInterval(db, step) }))),
  }));

  app.put<{ Params: { step: string }; Body: { intervalWorkingDays: number } }>('/escalation-intervals/:step', {
    onRequest: requireRoles('ADMIN'),
    schema: {
      tags: ['calendar'],
      summary: 'R14: set the working days between reminders of an overdue step (ADMIN)',
      security: bearerSecurity,
      params: { type: 'object', required: ['step'], properties: { step: { type: 'string', enum: REMINDED_STEPS } } },
      body: {
        type: 'object', additionalProperties: false, required: ['intervalWorkingDays'],
        properties: { intervalWorkingDays: { type: 'integer', minimum: 1, maximum: 30 } },
      },
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema },
    },
  }, async (request) => {
    const { step } = request.params;
    if (!(REMINDED_STEPS as string[]).includes(step)) throw badRequest('step', `unknown step; known: ${REMINDED_STEPS.join(', ')}`);
    await setEscalationInterval(db, step, request.body.intervalWorkingDays, actorOf(request.agency!), app.deps.now());
    await audit(request, 'calendar.changed', { detail: { reminderInterval: step, intervalWorkingDays: request.body.intervalWorkingDays } });
    return { step, intervalWorkingDays: request.body.intervalWorkingDays };
  });
}
