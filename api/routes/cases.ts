// Intake (R2, R3) and the receipt step (R5) of a case. Intake signals-with-start the
// target's long-lived workflow: a new cause against a known target joins its workflow.
import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { measureInEffect } from '../../db/measures';
import { agencies, caseImplementers, caseMeasures, casePersons, cases, objections, repairs, targets } from '../../db/schema';
import { periodEnd } from '../../domain/periods';
import { parseIsoDate, shanghaiDateOf } from '../../domain/dates';
import { creditCodeProblem, idNumberProblem } from '../../domain/identifiers';
import { addWorkingDays } from '../../domain/working-days';
import {
  caseFiledSignal, TASK_QUEUE, targetActionUpdate, targetWorkflowId, type CaseFiled, type TargetAction,
} from '../../workflows/messages';
import type { targetWorkflow } from '../../workflows/target';
import { targetKindKey } from '../../workflows/search-attributes';
import { bearerSecurity, requireRoles } from '../auth';
import { badRequest, DomainError, errorSchema, notFound } from '../errors';
import { caseIdOf, targetIdOf } from '../identity';

/** R2/R3: push within 3 working days of the decision, 15 when consultation (会商) was asked. */
export const PUSH_WORKING_DAYS = 3;
export const PUSH_WORKING_DAYS_WITH_CONSULTATION = 15;

const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max } as const);
const isoDate = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' } as const;

const caseBody = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'document', 'target', 'measures', 'authority'],
  properties: {
    source: { type: 'string', enum: ['penalty_decision', 'external_document'] },
    document: {
      type: 'object',
      additionalProperties: false,
      required: ['number', 'issuedOn', 'issuer'],
      properties: { number: text(100), issuedOn: isoDate, issuer: text(200) },
    },
    consultation: { type: 'boolean', default: false },
    target: {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'name'],
      properties: {
        kind: { type: 'string', enum: ['enterprise', 'person'] },
        name: text(200),
        creditCode: { type: 'string', description: '统一社会信用代码 (enterprise)' },
        idNumber: { type: 'string', description: '公民身份号码 (person)' },
      },
    },
    persons: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['role', 'idNumber', 'name'],
        properties: {
          role: { type: 'string', enum: ['legal_representative', 'principal', 'responsible_person'] },
          idNumber: { type: 'string' },
          name: text(100),
        },
      },
    },
    measures: { type: 'array', minItems: 1, maxItems: 100, items: text(64), description: 'measure codes from GET /measures' },
    periods: {
      type: 'object', maxProperties: 100, description: 'the period the decision sets for a measure whose period rule is by_decision, by code',
      additionalProperties: {
        type: 'object', minProperties: 1, maxProperties: 1, additionalProperties: false,
        properties: { years: { type: 'integer', minimum: 1, maximum: 100 }, months: { type: 'integer', minimum: 1, maximum: 1200 }, days: { type: 'integer', minimum: 1, maximum: 36500 } },
      },
    },
    authority: { ...text(100), description: 'id of the receiving AUTHORITY' },
    seriousness: { type: 'string', enum: ['general', 'serious', 'especially_serious'], default: 'general', description: 'R12: limits credit repair' },
    repeated: { type: 'boolean', default: false, description: 'R12: repeats an earlier serious case' },
  },
} as const;

const intakeResult = {
  type: 'object',
  required: ['caseId', 'targetId', 'workflowId', 'pushDueOn', 'late'],
  properties: {
    caseId: { type: 'string' },
    targetId: { type: 'string' },
    workflowId: { type: 'string' },
    pushDueOn: { type: 'string', description: 'last day of the R2/R3 push limit' },
    pushDueProvisional: { type: 'boolean', description: 'true while a year of the count has no loaded schedule (R16)' },
    late: { type: 'boolean' },
  },
} as const;

interface CaseBody {
  source: 'penalty_decision' | 'external_document';
  document: { number: string; issuedOn: string; issuer: string };
  consultation: boolean;
  target: { kind: 'enterprise' | 'person'; name: string; creditCode?: string; idNumber?: string };
  persons?: { role: string; idNumber: string; name: string }[];
  measures: string[];
  periods?: Record<string, { years: number } | { months: number } | { days: number }>;
  authority: string;
  seriousness: 'general' | 'serious' | 'especially_serious';
  repeated: boolean;
}

export async function caseRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: CaseBody }>('/cases', {
    onRequest: requireRoles('ENFORCEMENT', 'CREDIT'),
    schema: {
      tags: ['cases'],
      summary: 'Push a target with its cause (R2 penalty decision by ENFORCEMENT, R3 external document by CREDIT)',
      security: bearerSecurity,
      body: caseBody,
      response: { 200: intakeResult, 202: intakeResult, 400: errorSchema, 401: errorSchema, 403: errorSchema },
    },
    // R2: ENFORCEMENT pushes its own penalty decisions; R3: CREDIT receives external documents.
    // Checked before validation, so that the wrong role hears 403 whatever else is wrong.
    preValidation: async (request) => {
      const source = (request.body as { source?: unknown } | undefined)?.source;
      const needed = source === 'penalty_decision' ? 'ENFORCEMENT' : source === 'external_document' ? 'CREDIT' : null;
      if (needed && !request.agency!.roles.includes(needed)) {
        request.log.warn({ agency: request.agency!.id, source }, 'access denied');
        throw new DomainError(403, 'forbidden', 'source', `a ${source} is pushed by ${needed}`);
      }
    },
  }, async (request, reply) => {
    const body = request.body;
    const { db, temporal, calendar, targetIdKey, now } = app.deps;
    const today = shanghaiDateOf(now());

    if (!parseIsoDate(body.document.issuedOn)) throw badRequest('document.issuedOn', 'is not a real calendar date');
    if (body.document.issuedOn > today) throw badRequest('document.issuedOn', `is in the future (today is ${today} in Asia/Shanghai)`);
    let identifier: string;
    if (body.target.kind === 'enterprise') {
      if (!body.target.creditCode) throw badRequest('target.creditCode', 'is required for an enterprise');
      const problem = creditCodeProblem(body.target.creditCode);
      if (problem) throw badRequest('target.creditCode', problem);
      identifier = body.target.creditCode;
    } else {
      if (!body.target.idNumber) throw badRequest('target.idNumber', 'is required for a person');
      const problem = idNumberProblem(body.target.idNumber);
      if (problem) throw badRequest('target.idNumber', problem);
      identifier = body.target.idNumber;
    }
    (body.persons ?? []).forEach((p, i) => {
      const problem = idNumberProblem(p.idNumber);
      if (problem) throw badRequest(`persons.${i}.idNumber`, problem);
    });

    // R2/R3: the receiving AUTHORITY must be a registered agency in that role.
    const [authority] = await db.select().from(agencies).where(eq(agencies.id, body.authority));
    if (!authority) throw badRequest('authority', `no agency ${body.authority}`);
    if (!authority.roles.includes('AUTHORITY')) throw badRequest('authority', `${authority.name} is not an AUTHORITY (业务主管机构)`);

    // R1: only measures on the two lists, in effect today, for this kind of target; each case
    // keeps the version it was matched against.
    const measures: CaseFiled['measures'] = [];
    for (const [i, code] of body.measures.entries()) {
      const m = await measureInEffect(db, code, today);
      if (!m) throw badRequest(`measures.${i}`, `${code} is not on either list (R1)`);
      if (m.status === 'retired') throw badRequest(`measures.${i}`, `${code} (${m.nameZh}) has been retired from the list`);
      // R13: a measure on persons in an enterprise's case applies to the persons listed with it.
      const onPersons = body.target.kind === 'enterprise' && m.targetKinds.includes('person') && (body.persons ?? []).length > 0;
      if (!m.targetKinds.includes(body.target.kind) && !onPersons) {
        throw badRequest(`measures.${i}`, body.target.kind === 'enterprise' && m.targetKinds.includes('person')
          ? `${code} (${m.nameZh}) applies to persons: list them in persons (R13)`
          : `${code} (${m.nameZh}) does not apply to ${body.target.kind === 'enterprise' ? 'an enterprise' : 'a person'}`);
      }
      if (measures.some((p) => p.code === code)) throw badRequest(`measures.${i}`, `${code} is listed twice`);
      const period = body.periods?.[code];
      if (period && m.period.rule !== 'by_decision') {
        throw badRequest(`periods.${code}`, `${code} has a ${m.period.rule} period; only a by_decision measure takes the decision's period`);
      }
      measures.push(period ? { code, version: m.version, period } : { code, version: m.version });
    }
    for (const code of Object.keys(body.periods ?? {})) {
      if (!body.measures.includes(code)) throw badRequest(`periods.${code}`, `${code} is not one of the measures`);
    }

    const targetId = targetIdOf(targetIdKey, body.target.kind, identifier);
    const workflowId = targetWorkflowId(targetId);
    const caseId = caseIdOf(body.document.issuer, body.document.number);
    const limit = body.consultation ? PUSH_WORKING_DAYS_WITH_CONSULTATION : PUSH_WORKING_DAYS;
    const push = addWorkingDays(await calendar(), body.document.issuedOn, limit);
    const result = {
      caseId, targetId, workflowId, pushDueOn: push.due, pushDueProvisional: push.provisional,
      late: today > push.due,
    };

    // The same issuer and document number again: the same case and the same answer.
    const [existing] = await db.select({ id: cases.id, pushDueOn: cases.pushDueOn, late: cases.late }).from(cases).where(eq(cases.id, caseId));
    if (existing) {
      return reply.status(200).send({ ...result, pushDueOn: existing.pushDueOn ?? result.pushDueOn, late: existing.pushDueOn ? existing.late : result.late });
    }

    await db.insert(targets).values({
      id: targetId,
      kind: body.target.kind,
      name: body.target.name,
      creditCode: body.target.creditCode ?? null,
      idNumber: body.target.idNumber ?? null,
      workflowId,
    }).onConflictDoNothing();

    // R13: the persons of an enterprise's case, under ids that are keyed hashes.
    if (body.target.kind === 'enterprise' && (body.persons ?? []).length > 0) {
      await db.insert(casePersons).values(body.persons!.map((p) => ({
        caseId, personTargetId: targetIdOf(targetIdKey, 'person', p.idNumber), role: p.role as 'principal', name: p.name, idNumber: p.idNumber,
      }))).onConflictDoNothing();
    }

    const filed: CaseFiled = {
      caseId,
      source: body.source,
      document: body.document,
      consultation: body.consultation,
      measures,
      authorityId: authority.id,
      seriousness: body.seriousness,
      repeated: body.repeated,
      pushDueOn: result.pushDueOn,
      late: result.late,
      pushedBy: request.agency!.id,
      pushedAt: now().toISOString(),
    };
    await temporal.workflow.signalWithStart<typeof targetWorkflow, [CaseFiled]>('targetWorkflow', {
      workflowId,
      taskQueue: TASK_QUEUE,
      args: [{ targetId, kind: body.target.kind }],
      signal: caseFiledSignal,
      signalArgs: [filed],
      typedSearchAttributes: [{ key: targetKindKey, value: body.target.kind }],
    });
    return reply.status(202).send(result);
  });

  app.post<{ Params: { caseId: string }; Body: { by: string } }>('/cases/:caseId/receipt', {
    onRequest: requireRoles('AUTHORITY'),
    schema: {
      tags: ['cases'],
      summary: 'R5: the receiving AUTHORITY confirms receipt of a pushed case',
      security: bearerSecurity,
      params: { type: 'object', properties: { caseId: text(64) }, required: ['caseId'] },
      body: {
        type: 'object', additionalProperties: false, required: ['by'],
        properties: { by: { ...text(100), description: 'the receiving agency' } },
      },
      response: {
        202: { type: 'object', properties: { caseId: { type: 'string' }, status: { type: 'string' } } },
        400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema,
      },
    },
  }, async (request, reply) => {
    const { now } = app.deps;
    const { workflowId } = await addressedCase(app, request, request.params.caseId);
    await act(app, workflowId, {
      type: 'caseReceived', body: { caseId: request.params.caseId, by: request.body.by, receivedAt: now().toISOString() },
    });
    return reply.status(202).send({ caseId: request.params.caseId, status: 'accepted' });
  });
}

/**
 * An agency's action on a target's workflow, as an Update: the workflow refuses what its state
 * does not allow (→ 409 with its reason, naming `field`) and answers once the action is handled.
 */
async function act(app: FastifyInstance, workflowId: string, action: TargetAction, field = 'caseId'): Promise<void> {
  try {
    await app.deps.temporal.workflow.getHandle(workflowId).executeUpdate(targetActionUpdate, { args: [action] });
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      throw new DomainError(409, 'conflict', field, err.cause?.message ?? err.message);
    }
    throw err;
  }
}

/** A case and its target's workflow id, or 404 naming the case. */
async function caseWithWorkflow(app: FastifyInstance, caseId: string) {
  const [row] = await app.deps.db.select({ c: cases, workflowId: targets.workflowId }).from(cases)
    .innerJoin(targets, eq(cases.targetId, targets.id)).where(eq(cases.id, caseId));
  if (!row) throw notFound('caseId', `no case ${caseId}`);
  return row;
}

/** The case, if the calling AUTHORITY is the one it is addressed to (R5 scope). */
async function addressedCase(app: FastifyInstance, request: FastifyRequest, caseId: string) {
  const row = await caseWithWorkflow(app, caseId);
  if (row.c.authorityId !== request.agency!.id) {
    request.log.warn({ agency: request.agency!.id, caseId }, 'access denied: case addressed to another authority');
    throw new DomainError(403, 'forbidden', 'caseId', 'this case is addressed to another AUTHORITY');
  }
  return row;
}

export async function implementationRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Params: { caseId: string }; Body: { implementers: { agencyId: string; measures: string[] }[] } }>('/cases/:caseId/implementers', {
    onRequest: requireRoles('AUTHORITY'),
    schema: {
      tags: ['cases'],
      summary: 'R5: the AUTHORITY pushes the case to the implementers it selects, each with its measures',
      description: 'Also receives the case if it had not been received. Each implementer acknowledges within 3 working days.',
      security: bearerSecurity,
      params: { type: 'object', required: ['caseId'], properties: { caseId: text(64) } },
      body: {
        type: 'object', additionalProperties: false, required: ['implementers'],
        properties: {
          implementers: {
            type: 'array', minItems: 1, maxItems: 50,
            items: {
              type: 'object', additionalProperties: false, required: ['agencyId', 'measures'],
              properties: { agencyId: text(100), measures: { type: 'array', minItems: 1, maxItems: 100, items: text(64) } },
            },
          },
        },
      },
      response: { 202: { type: 'object', additionalProperties: true }, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
    },
  }, async (request, reply) => {
    const { db, now } = app.deps;
    const { c, workflowId } = await addressedCase(app, request, request.params.caseId);
    if (c.status === 'implementing') throw new DomainError(409, 'conflict', 'caseId', 'the case has already been pushed to implementers');
    const onCase = new Set(c.measures.map((m) => m.code));
    const seen = new Set<string>();
    for (const [i, impl] of request.body.implementers.entries()) {
      if (seen.has(impl.agencyId)) throw badRequest(`implementers.${i}.agencyId`, 'is listed twice');
      seen.add(impl.agencyId);
      const [agency] = await db.select().from(agencies).where(eq(agencies.id, impl.agencyId));
      if (!agency) throw badRequest(`implementers.${i}.agencyId`, `no agency ${impl.agencyId}`);
      if (!agency.roles.includes('IMPLEMENTER')) throw badRequest(`implementers.${i}.agencyId`, `${agency.name} is not an IMPLEMENTER (实施机构)`);
      for (const [j, code] of impl.measures.entries()) {
        if (!onCase.has(code)) throw badRequest(`implementers.${i}.measures.${j}`, `${code} is not a measure of this case`);
        const m = await measureInEffect(db, code, shanghaiDateOf(now()));
        // R4: executed outside the local system; recorded and reported upward, not pushed here.
        if (m?.outsideLocalAuthority) throw badRequest(`implementers.${i}.measures.${j}`, `${code} is executed outside the local system (R4)`);
      }
    }
    await act(app, workflowId, {
      type: 'implementersSelected', body: { caseId: c.id, by: request.agency!.id, implementers: request.body.implementers, at: now().toISOString() },
    });
    return reply.status(202).send({ caseId: c.id, status: 'accepted' });
  });

  app.post<{ Params: { caseId: string } }>('/cases/:caseId/acknowledgement', {
    onRequest: requireRoles('IMPLEMENTER'),
    schema: {
      tags: ['cases'],
      summary: 'R5: an implementer acknowledges the measures pushed to it',
      security: bearerSecurity,
      params: { type: 'object', required: ['caseId'], properties: { caseId: text(64) } },
      response: { 202: { type: 'object', additionalProperties: true }, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
    },
  }, async (request, reply) => {
    const { db, now } = app.deps;
    const [row] = await db.select({ pushed: caseImplementers, workflowId: targets.workflowId }).from(caseImplementers)
      .innerJoin(cases, eq(caseImplementers.caseId, cases.id)).innerJoin(targets, eq(cases.targetId, targets.id))
      .where(and(eq(caseImplementers.caseId, request.params.caseId), eq(caseImplementers.agencyId, request.agency!.id)));
    if (!row) {
      const [exists] = await db.select({ id: cases.id }).from(cases).where(eq(cases.id, request.params.caseId));
      if (!exists) throw notFound('caseId', `no case ${request.params.caseId}`);
      request.log.warn({ agency: request.agency!.id, caseId: request.params.caseId }, 'access denied: case not pushed to this implementer');
      throw new DomainError(403, 'forbidden', 'caseId', 'this case was not pushed to this implementer');
    }
    if (row.pushed.acknowledgedAt) throw new DomainError(409, 'conflict', 'caseId', 'already acknowledged');
    await act(app, row.workflowId, {
      type: 'acknowledged', body: { caseId: request.params.caseId, agencyId: request.agency!.id, at: now().toISOString() },
    });
    return reply.status(202).send({ caseId: request.params.caseId, status: 'accepted' });
  });
}

export async function feedbackRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: { targetId: string; month: string; summary: string } }>('/feedback', {
    onRequest: requireRoles('IMPLEMENTER'),
    schema: {
      tags: ['cases'],
      summary: "R9: an implementer reports a month's implementation of a target's measures (due before the 7th of the next month)",
      security: bearerSecurity,
      body: {
        type: 'object', additionalProperties: false, required: ['targetId', 'month', 'summary'],
        properties: {
          targetId: { type: 'string', pattern: '^[EP][0-9a-f]{24}$' },
          month: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, the month reported on' },
          summary: { type: 'string', minLength: 2, maxLength: 10000, description: 'what was carried out: restrictions applied, enhanced supervision, typical cases' },
        },
      },
      response: { 202: { type: 'object', additionalProperties: true }, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (request, reply) => {
    const { db, now } = app.deps;
    const { targetId, month, summary } = request.body;
    const thisMonth = shanghaiDateOf(now()).slice(0, 7);
    if (month > thisMonth) throw badRequest('month', `is after this month (${thisMonth})`);
    const [target] = await db.select().from(targets).where(eq(targets.id, targetId));
    if (!target) throw notFound('targetId', `no target ${targetId}`);
    const [mine] = await db.select({ code: caseMeasures.code }).from(caseMeasures).innerJoin(cases, eq(caseMeasures.caseId, cases.id))
      .where(and(eq(cases.targetId, targetId), eq(caseMeasures.implementerId, request.agency!.id))).limit(1);
    if (!mine) {
      request.log.warn({ agency: request.agency!.id, targetId }, 'access denied: no measure of this target carried out by this implementer');
      throw new DomainError(403, 'forbidden', 'targetId', 'this implementer carries out no measure of this target');
    }
    await act(app, target.workflowId, {
      type: 'feedbackReported', body: { month, implementerId: request.agency!.id, summary, at: now().toISOString() },
    }, 'month');
    return reply.status(202).send({ targetId, month, status: 'accepted' });
  });
}

/** R11: objections to a case's cause, their verification, and the release after an upheld one. */
export async function objectionRoutes(app: FastifyInstance): Promise<void> {
  const params = { type: 'object', required: ['caseId'], properties: { caseId: text(64), objectionId: text(64) } } as const;

  app.post<{ Params: { caseId: string }; Body: { reason: string } }>('/cases/:caseId/objections', {
    onRequest: requireRoles('CREDIT', 'ENFORCEMENT'),
    schema: {
      tags: ['cases'],
      summary: "R11: record the target's objection to a case's cause: its measures are suspended while it is verified (15 working days)",
      security: bearerSecurity, params,
      body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', minLength: 2, maxLength: 5000 } } },
      response: { 202: { type: 'object', additionalProperties: true }, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
    },
  }, async (request, reply) => {
    const { db, now } = app.deps;
    const { c, workflowId } = await caseWithWorkflow(app, request.params.caseId);
    const [pending] = await db.select({ id: objections.id }).from(objections)
      .where(and(eq(objections.caseId, c.id), isNull(objections.outcome)));
    if (pending) throw new DomainError(409, 'conflict', 'caseId', `objection ${pending.id} is still being verified`);
    const objectionId = `O${randomBytes(6).toString('hex')}`;
    await act(app, workflowId, {
      type: 'objectionFiled', body: { objectionId, caseId: c.id, by: request.agency!.id, reason: request.body.reason, at: now().toISOString() },
    });
    return reply.status(202).send({ caseId: c.id, objectionId, status: 'accepted' });
  });

  app.post<{ Params: { caseId: string; objectionId: string }; Body: { outcome: 'rejected' | 'upheld'; reason: string } }>('/cases/:caseId/objections/:objectionId/decision', {
    onRequest: requireRoles('CREDIT', 'ENFORCEMENT'),
    schema: {
      tags: ['cases'],
      summary: 'R11: the verification: rejected (the period resumes, suspended days added) or upheld (the AUTHORITY releases within 3 working days)',
      security: bearerSecurity, params,
      body: {
        type: 'object', additionalProperties: false, required: ['outcome', 'reason'],
        properties: { outcome: { type: 'string', enum: ['rejected', 'upheld'] }, reason: { type: 'string', minLength: 2, maxLength: 5000 } },
      },
      response: { 202: { type: 'object', additionalProperties: true }, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
    },
  }, async (request, reply) => {
    const { db, now } = app.deps;
    const { c, workflowId } = await caseWithWorkflow(app, request.params.caseId);
    const [o] = await db.select().from(objections).where(and(eq(objections.id, request.params.objectionId), eq(objections.caseId, c.id)));
    if (!o) throw notFound('objectionId', `no objection ${request.params.objectionId} on this case`);
    if (o.outcome) throw new DomainError(409, 'conflict', 'objectionId', `already decided: ${o.outcome}`);
    await act(app, workflowId, {
      type: 'objectionDecided',
      body: { objectionId: o.id, caseId: c.id, outcome: request.body.outcome, by: request.agency!.id, reason: request.body.reason, at: now().toISOString() },
    }, 'objectionId');
    return reply.status(202).send({ caseId: c.id, objectionId: o.id, outcome: request.body.outcome, status: 'accepted' });
  });

  app.post<{ Params: { caseId: string }; Body: { reason: 'objection' } }>('/cases/:caseId/release', {
    onRequest: requireRoles('AUTHORITY'),
    schema: {
      tags: ['cases'],
      summary: 'R11: after an upheld objection the addressed AUTHORITY releases the measures, stops publicity and tells the implementers',
      security: bearerSecurity, params,
      body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: { type: 'string', enum: ['objection'] } } },
      response: { 202: { type: 'object', additionalProperties: true }, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
    },
  }, async (request, reply) => {
    const { db, now } = app.deps;
    const { c, workflowId } = await addressedCase(app, request, request.params.caseId);
    const [o] = await db.select().from(objections)
      .where(and(eq(objections.caseId, c.id), eq(objections.outcome, 'upheld'), isNull(objections.releasedAt)));
    if (!o) throw new DomainError(409, 'conflict', 'caseId', 'no upheld objection awaits release on this case');
    await act(app, workflowId, {
      type: 'caseReleased', body: { caseId: c.id, by: request.agency!.id, reason: 'objection', at: now().toISOString() },
    });
    return reply.status(202).send({ caseId: c.id, status: 'accepted' });
  });
}

/** R12: credit repair on a case: application (with the serious-case limits), review, commitment. */
export async function repairRoutes(app: FastifyInstance): Promise<void> {
  const params = { type: 'object', required: ['caseId'], properties: { caseId: text(64), repairId: text(64) } } as const;
  const reply202 = { type: 'object', additionalProperties: true } as const;

  app.post<{ Params: { caseId: string }; Body: { commitment?: { materials: string; dueOn: string } } }>('/cases/:caseId/repairs', {
    onRequest: requireRoles('CREDIT'),
    schema: {
      tags: ['cases'],
      summary: "R12: record the target's credit-repair application (reviewed within 15 working days); with missing secondary materials, on a dated commitment",
      security: bearerSecurity, params,
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          commitment: {
            type: 'object', additionalProperties: false, required: ['materials', 'dueOn'],
            properties: { materials: { type: 'string', minLength: 2, maxLength: 2000 }, dueOn: { type: 'string', description: 'YYYY-MM-DD' } },
          },
        },
      },
      response: { 202: reply202, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
    },
  }, async (request, reply) => {
    const { db, now } = app.deps;
    const { c, workflowId } = await caseWithWorkflow(app, request.params.caseId);
    const today = shanghaiDateOf(now());
    // R12: especially serious cases are never repaired; a first serious case not within a year
    // of publication, a repeated one not within three (001 §10, 002 篇十三).
    if (c.seriousness === 'especially_serious') throw badRequest('caseId', 'an especially serious case cannot be repaired (R12)');
    if (c.seriousness === 'serious') {
      const [first] = await db.select({ from: caseMeasures.activeFrom }).from(caseMeasures)
        .where(eq(caseMeasures.caseId, c.id)).orderBy(caseMeasures.activeFrom).limit(1);
      const published = first?.from ?? shanghaiDateOf(c.createdAt);
      const from = periodEnd(published, { years: c.repeated ? 3 : 1 });
      if (today < from) throw badRequest('caseId', `a ${c.repeated ? 'repeated ' : ''}serious case can be repaired from ${from} (R12)`);
    }
    const commitment = request.body.commitment ?? null;
    if (commitment) {
      if (!parseIsoDate(commitment.dueOn)) throw badRequest('commitment.dueOn', 'is not a real calendar date');
      if (commitment.dueOn < today) throw badRequest('commitment.dueOn', `is in the past (today is ${today})`);
    }
    const [pending] = await db.select({ id: repairs.id }).from(repairs).where(and(eq(repairs.caseId, c.id), isNull(repairs.outcome)));
    if (pending) throw new DomainError(409, 'conflict', 'caseId', `repair ${pending.id} is still under review`);
    const repairId = `R${randomBytes(6).toString('hex')}`;
    await act(app, workflowId, {
      type: 'repairFiled', body: { repairId, caseId: c.id, by: request.agency!.id, commitment, at: now().toISOString() },
    });
    return reply.status(202).send({ caseId: c.id, repairId, status: 'accepted' });
  });

  app.post<{ Params: { caseId: string; repairId: string }; Body: { outcome: 'approved' | 'rejected'; reason: string } }>('/cases/:caseId/repairs/:repairId/decision', {
    onRequest: requireRoles('CREDIT'),
    schema: {
      tags: ['cases'],
      summary: 'R12: approve (publicity stops at once; measures released, legal minimums aside) or reject a repair',
      security: bearerSecurity, params,
      body: {
        type: 'object', additionalProperties: false, required: ['outcome', 'reason'],
        properties: { outcome: { type: 'string', enum: ['approved', 'rejected'] }, reason: { type: 'string', minLength: 2, maxLength: 5000 } },
      },
      response: { 202: reply202, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
    },
  }, async (request, reply) => {
    const { db, now } = app.deps;
    const { c, workflowId } = await caseWithWorkflow(app, request.params.caseId);
    const [r] = await db.select().from(repairs).where(and(eq(repairs.id, request.params.repairId), eq(repairs.caseId, c.id)));
    if (!r) throw notFound('repairId', `no repair ${request.params.repairId} on this case`);
    if (r.outcome) throw new DomainError(409, 'conflict', 'repairId', `already ${r.outcome}`);
    await act(app, workflowId, {
      type: 'repairDecided',
      body: { repairId: r.id, caseId: c.id, outcome: request.body.outcome, by: request.agency!.id, reason: request.body.reason, at: now().toISOString() },
    }, 'repairId');
    return reply.status(202).send({ caseId: c.id, repairId: r.id, outcome: request.body.outcome, status: 'accepted' });
  });

  app.post<{ Params: { caseId: string; repairId: string } }>('/cases/:caseId/repairs/:repairId/materials', {
    onRequest: requireRoles('CREDIT'),
    schema: {
      tags: ['cases'], summary: 'R12: the promised secondary materials were supplied: the commitment is kept', security: bearerSecurity, params,
      response: { 202: reply202, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
    },
  }, async (request, reply) => {
    const { db, now } = app.deps;
    const { c, workflowId } = await caseWithWorkflow(app, request.params.caseId);
    const [r] = await db.select().from(repairs).where(and(eq(repairs.id, request.params.repairId), eq(repairs.caseId, c.id)));
    if (!r) throw notFound('repairId', `no repair ${request.params.repairId} on this case`);
    if (!r.commitment) throw new DomainError(409, 'conflict', 'repairId', 'this repair was not accepted on a commitment');
    if (r.commitmentFulfilledAt || r.revokedAt) throw new DomainError(409, 'conflict', 'repairId', r.revokedAt ? 'the repair was revoked' : 'already supplied');
    await act(app, workflowId, { type: 'commitmentFulfilled', body: { repairId: r.id, caseId: c.id, at: now().toISOString() } }, 'repairId');
    return reply.status(202).send({ caseId: c.id, repairId: r.id, status: 'accepted' });
  });
}
