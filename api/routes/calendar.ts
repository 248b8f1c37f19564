// R16 Working days over HTTP: deadline arithmetic and the day kinds are public; loading a
// year of the State Council schedule is for ADMIN and heals provisional deadlines.
import type { FastifyInstance } from 'fastify';
import { isoDateSchema, YEAR_PATTERN } from './schemas';
import { fixedDayRule, loadYear } from '../../db/calendar-store';
import { CalendarFileError, type YearFile } from '../../domain/calendar-file';
import { addDays, endOfShanghaiDay, parseIsoDate, toEpochDay } from '../../domain/dates';
import { feedbackDueOn7th, periodEnd } from '../../domain/periods';
import { addWorkingDays, dayInfo } from '../../domain/working-days';
import { audit } from '../audit';
import { bearerSecurity, requireRoles } from '../auth';
import { tellProvisionalTargets } from '../calendar-heal';
import { badRequest, DomainError, errorSchema } from '../errors';

const MAX_WORKING_DAYS = 1000;

const isoDate = { ...isoDateSchema, description: 'YYYY-MM-DD (Asia/Shanghai)' } as const;
const notice = {
  type: 'object', additionalProperties: false, required: ['title'],
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 300 },
    number: { type: ['string', 'null'], maxLength: 100 },
    publishedOn: { type: ['string', 'null'] },
  },
} as const;
const dayList = {
  type: 'array', maxItems: 200,
  items: {
    type: 'object', additionalProperties: false, required: ['date', 'name'],
    properties: { date: isoDate, name: { type: 'string', minLength: 1, maxLength: 50 } },
  },
} as const;

/** A year of the schedule, as db/calendar/*.json holds it (PUT /calendar/years/:year and its preview). */
export const yearBody = {
  type: 'object', additionalProperties: false, required: ['notice', 'holidays', 'makeupWorkdays'],
  properties: {
    year: { type: 'integer' }, notice, amendments: { type: 'array', maxItems: 10, items: notice },
    holidays: dayList, makeupWorkdays: dayList, source: { type: 'string', maxLength: 200 },
  },
} as const;

function dateParam(value: string, field: string): string {
  const date = parseIsoDate(value);
  if (!date) throw badRequest(field, `"${value}" is not a real calendar date (YYYY-MM-DD)`);
  return date;
}

export async function calendarRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { from: string; workingDays: number } }>('/calendar/deadline', {
    schema: {
      tags: ['calendar'],
      summary: 'R16: the end of the Nth working day after a date',
      description: 'Counting starts the day after `from`; the deadline is 24:00 Asia/Shanghai of the Nth working day. ' +
        'A year whose State Council schedule is not loaded is counted Monday–Friday and the answer is provisional.',
      querystring: {
        type: 'object', required: ['from', 'workingDays'],
        properties: { from: isoDate, workingDays: { type: 'integer', minimum: 0, maximum: MAX_WORKING_DAYS } },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            from: { type: 'string' }, workingDays: { type: 'integer' }, due: { type: 'string' },
            dueAt: { type: 'string', description: 'ISO 8601 instant with +08:00' },
            provisional: { type: 'boolean' }, missingYears: { type: 'array', items: { type: 'integer' } },
          },
        },
        400: errorSchema,
      },
    },
  }, async (request) => {
    const from = dateParam(request.query.from, 'from');
    const n = request.query.workingDays; // an integer 0–MAX_WORKING_DAYS (the schema)
    const d = addWorkingDays(await app.deps.calendar(), from, n);
    return { from: d.from, workingDays: d.workingDays, due: d.due, dueAt: d.dueAt, provisional: d.provisional, missingYears: d.missingYears };
  });

  app.get<{ Querystring: { from: string; to: string } }>('/calendar/days', {
    schema: {
      tags: ['calendar'],
      summary: 'R16: every day of a range with its kind (workday, weekend, holiday, makeup_workday)',
      querystring: {
        type: 'object', required: ['from', 'to'],
        properties: { from: isoDate, to: { ...isoDate, description: 'inclusive; at most 3 years after from' } },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            items: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  date: { type: 'string' },
                  kind: { type: 'string', enum: ['workday', 'weekend', 'holiday', 'makeup_workday'] },
                  holiday: { type: 'string' },
                  provisional: { type: 'boolean' },
                },
              },
            },
          },
        },
        400: errorSchema,
      },
    },
  }, async (request) => {
    const from = dateParam(request.query.from, 'from');
    const to = dateParam(request.query.to, 'to');
    const span = toEpochDay(to) - toEpochDay(from);
    if (span < 0) throw badRequest('to', 'is before from');
    // At most 3 years inclusive: 2025-01-01 … 2027-12-31, not … 2028-01-01.
    if (to >= periodEnd(from, { years: 3 })) throw badRequest('to', 'is more than 3 years after from');
    const calendar = await app.deps.calendar();
    const items = [];
    for (let i = 0; i <= span; i += 1) {
      const info = dayInfo(calendar, addDays(from, i));
      items.push(info.holiday === undefined ? { date: info.date, kind: info.kind, provisional: info.provisional } : info);
    }
    return { items };
  });

  app.get<{ Querystring: { month: string } }>('/calendar/feedback-due', {
    schema: {
      tags: ['calendar'],
      summary: "R9: when implementers' report on a month is due (before the 7th of the next month)",
      querystring: { type: 'object', required: ['month'], properties: { month: { type: 'string', pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, the month reported on' } } },
      response: {
        200: {
          type: 'object',
          properties: {
            month: { type: 'string' }, due: { type: 'string' }, dueAt: { type: 'string' },
            moved: { type: 'boolean', description: 'the due day was not a working day and moved' },
            dueDay: { type: 'integer', description: 'the day of the next month reports are due (the 7th unless an ADMIN set another)' },
            nonWorkingDay: { type: 'string', enum: ['next_working_day', 'keep_date'] },
            provisional: { type: 'boolean' },
          },
        },
        400: errorSchema,
      },
    },
  }, async (request) => {
    const m = /^(\d{4})-(\d{2})$/.exec(request.query.month);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw badRequest('month', `"${request.query.month}" is not a month (YYYY-MM)`);
    const rule = await fixedDayRule(app.deps.db, 'monthly_feedback');
    const due = feedbackDueOn7th(await app.deps.calendar(), request.query.month, rule.nonWorkingDay, rule.day);
    return { ...due, dueAt: endOfShanghaiDay(due.due).at, nonWorkingDay: rule.nonWorkingDay, dueDay: rule.day };
  });

  app.put<{ Params: { year: string }; Body: Omit<YearFile, 'year'> & { year?: number } }>('/calendar/years/:year', {
    onRequest: requireRoles('ADMIN'),
    schema: {
      tags: ['calendar'],
      summary: 'R16: load or correct one year of the State Council holiday schedule (ADMIN)',
      description: 'Replaces the year, journals who loaded it and which days changed, and tells every running ' +
        'target holding a provisional deadline in that year to recompute it.',
      security: bearerSecurity,
      params: { type: 'object', required: ['year'], properties: { year: { type: 'string', pattern: YEAR_PATTERN, description: '1990–2100' } } },
      body: yearBody,
      response: {
        200: {
          type: 'object',
          properties: {
            year: { type: 'integer' }, created: { type: 'boolean' },
            changes: { type: 'object', additionalProperties: true },
            targetsNotified: { type: 'integer', description: 'running targets told to recompute provisional deadlines' },
          },
        },
        400: errorSchema, 401: errorSchema, 403: errorSchema, 503: errorSchema,
      },
    },
  }, async (request) => {
    const year = Number(request.params.year);
    if (year < 1990 || year > 2100) throw badRequest('year', 'must be between 1990 and 2100');
    if (request.body.year !== undefined && request.body.year !== year) {
      throw badRequest('year', `is ${request.body.year} in the body but ${year} in the path`);
    }
    let result;
    try {
      result = await loadYear(app.deps.db, { ...request.body, year }, {
        actor: `${request.agency!.id} (${request.agency!.name})`, via: 'api', at: app.deps.now(),
      });
    } catch (err) {
      if (err instanceof CalendarFileError) throw badRequest(err.field, err.reason);
      throw err;
    }
    await audit(request, 'calendar.changed', { detail: { year, notice: request.body.notice } });
    try {
      const { notified } = await app.deps.temporal.connection.withDeadline(Date.now() + 10_000,
        () => tellProvisionalTargets(app.deps.temporal, [year], `schedule of ${year} loaded by ${request.agency!.name}`));
      return { ...result, targetsNotified: notified };
    } catch (err) {
      // The year is committed; only telling running targets failed. The same PUT again is safe.
      request.log.error({ err, year }, 'provisional deadlines not recomputed');
      throw new DomainError(503, 'engine_unavailable', null,
        `the schedule of ${year} is saved, but running targets could not be told to recompute provisional deadlines; send the same request again`);
    }
  });
}
