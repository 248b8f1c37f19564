// R1 The two lists over HTTP: reading them is public (the lists are published); AUTHORITY
// proposes changes, CREDIT and LEGAL decide them; R3 matching proposals for CREDIT.
import { randomBytes } from 'node:crypto';
import { isoDateSchema } from './schemas';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import {
  CATALOG_FIELDS, documentKindsWithRules, matchingRulesFor, measureInEffect, measuresInEffect, versionsOf, type CatalogEntry, type MeasureVersion,
} from '../../db/measures';
import { measureChangeById, measureChangesWhere, openChangeOf, recordProposedChange, type MeasureChangeStatus } from '../../db/queries/measure-changes';
import { ROLES } from '../../domain/roles';
import { parseIsoDate, shanghaiDateOf } from '../../domain/dates';
import { CHANNEL_IDS } from '../../domain/publicity';
import { decideMeasureChangeUpdate, measureReviewWorkflowId, REFUSED, TASK_QUEUE, type ReviewerRole } from '../../workflows/messages';
import type { measureReviewWorkflow } from '../../workflows/measure-review';
import { bearerSecurity, requireRoles } from '../auth';
import { badRequest, DomainError, errorSchema, notFound } from '../errors';

const ALL_ROLES = [...ROLES];
const CODE = '^(DM|ES)-R[678]-[A-Z0-9]+(-[A-Z0-9]+)*$';

const length = {
  type: 'object', minProperties: 1, maxProperties: 1, additionalProperties: false,
  properties: { years: { type: 'integer', minimum: 1 }, months: { type: 'integer', minimum: 1 }, days: { type: 'integer', minimum: 1 } },
} as const;
const measureFields = {
  list: { type: 'string', enum: ['discipline', 'enhanced_supervision'] },
  category: { type: 'string', enum: ['R6', 'R7', 'R8'] },
  nameZh: { type: 'string', minLength: 1, maxLength: 100 },
  nameEn: { type: 'string', minLength: 1, maxLength: 200 },
  legalBasis: {
    type: ['object', 'null'], additionalProperties: false, required: ['document'],
    properties: { document: { type: 'string', minLength: 1 }, article: { type: ['string', 'null'] } },
  },
  source: { type: ['object', 'null'], additionalProperties: false, properties: { seed: { type: 'string' }, where: { type: 'string' } } },
  targetKinds: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: ['enterprise', 'person'] } },
  period: {
    type: 'object', required: ['rule'], additionalProperties: false,
    properties: { rule: { type: 'string', enum: ['fixed', 'by_decision', 'permanent'] }, length },
  },
  legalMinimum: { type: ['object', 'null'], additionalProperties: false, properties: { years: { type: 'integer', minimum: 1 }, months: { type: 'integer', minimum: 1 } } },
  implementerKind: { type: 'string', enum: ['approval_agency', 'other_department', 'industry_association', 'market_entity', 'authority'] },
  mandatory: { type: 'boolean' },
  feedbackSet: { type: 'boolean' },
  outsideLocalAuthority: { type: 'boolean' },
  publicityChannels: { type: 'array', uniqueItems: true, maxItems: 5, items: { type: 'string', enum: CHANNEL_IDS }, description: 'R8: the platforms it is published on while in force' },
} as const;

/** The public shape of a measure version. */
function present(m: MeasureVersion) {
  return {
    code: m.code, version: m.version, list: m.list, category: m.category, name: m.nameZh, nameEn: m.nameEn,
    legalBasis: m.legalBasis ? { ...m.legalBasis, status: 'stated' } : { document: null, article: null, status: 'basis to be confirmed' },
    source: m.source, targetKinds: m.targetKinds, period: m.period, legalMinimum: m.legalMinimum,
    implementerKind: m.implementerKind, mandatory: m.mandatory, feedbackSet: m.feedbackSet,
    outsideLocalAuthority: m.outsideLocalAuthority, publicityChannels: m.publicityChannels, status: m.status, effectiveFrom: m.effectiveFrom,
  };
}

interface ChangeBody {
  kind: 'add' | 'amend' | 'retire';
  code: string;
  reason: string;
  measure?: Partial<CatalogEntry>;
  effectiveFrom?: string;
}

export async function measureRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { limit: number; offset: number; list?: string; category?: string; targetKind?: string; q?: string; status?: string } }>('/measures', {
    schema: {
      tags: ['measures'],
      summary: 'R1: the two lists (失信惩戒措施清单, 强化监管措施清单) as in effect today',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
          offset: { type: 'integer', minimum: 0, default: 0 },
          list: { type: 'string', enum: ['discipline', 'enhanced_supervision'] },
          category: { type: 'string', enum: ['R6', 'R7', 'R8'] },
          targetKind: { type: 'string', enum: ['enterprise', 'person'] },
          status: { type: 'string', enum: ['active', 'retired'] },
          q: { type: 'string', maxLength: 100, description: 'text in the code or the Chinese or English name' },
        },
      },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', additionalProperties: true } }, total: { type: 'integer' } } }, 400: errorSchema },
    },
  }, async (request) => {
    const { limit, offset, list, category, targetKind, q, status } = request.query;
    const needle = q?.toLowerCase();
    const all = (await measuresInEffect(app.deps.db, shanghaiDateOf(app.deps.now()))).filter((m) =>
      (!list || m.list === list) && (!category || m.category === category) && (!status || m.status === status)
      && (!targetKind || m.targetKinds.includes(targetKind as 'enterprise'))
      && (!needle || `${m.code} ${m.nameZh} ${m.nameEn}`.toLowerCase().includes(needle)));
    return { items: all.slice(offset, offset + limit).map(present), total: all.length };
  });

  app.get<{ Params: { code: string } }>('/measures/:code', {
    schema: {
      tags: ['measures'],
      summary: 'R1: one measure as in effect today, with every version',
      params: { type: 'object', required: ['code'], properties: { code: { type: 'string', maxLength: 64 } } },
      response: { 404: errorSchema },
    },
  }, async (request) => {
    const versions = await versionsOf(app.deps.db, request.params.code);
    if (versions.length === 0) throw notFound('code', `no measure ${request.params.code}`);
    const current = await measureInEffect(app.deps.db, request.params.code, shanghaiDateOf(app.deps.now()));
    return { ...(current ? present(current) : { code: request.params.code, status: 'not yet in effect' }), versions: versions.map(present) };
  });

  app.post<{ Body: ChangeBody }>('/measures/changes', {
    onRequest: requireRoles('AUTHORITY'),
    schema: {
      tags: ['measures'],
      summary: 'R1: AUTHORITY proposes adding, amending or retiring a measure (立改废), with a reason',
      description: 'Starts a review by CREDIT and LEGAL with a deadline of 10 working days. An addition needs every field; an amendment the fields that change.',
      security: bearerSecurity,
      body: {
        type: 'object', additionalProperties: false, required: ['kind', 'code', 'reason'],
        properties: {
          kind: { type: 'string', enum: ['add', 'amend', 'retire'] },
          code: { type: 'string', pattern: CODE },
          reason: { type: 'string', minLength: 2, maxLength: 2000 },
          measure: { type: 'object', additionalProperties: false, properties: measureFields },
          effectiveFrom: { ...isoDateSchema, description: 'YYYY-MM-DD; default: the day both approve' },
        },
      },
      response: { 202: { type: 'object', additionalProperties: true }, 400: errorSchema, 401: errorSchema, 403: errorSchema, 409: errorSchema },
    },
  }, async (request, reply) => {
    const { db, temporal, now } = app.deps;
    const body = request.body;
    const today = shanghaiDateOf(now());
    if (body.effectiveFrom !== undefined && !parseIsoDate(body.effectiveFrom)) throw badRequest('effectiveFrom', 'is not a real calendar date');
    if (body.effectiveFrom && body.effectiveFrom < today) throw badRequest('effectiveFrom', `is in the past (today is ${today})`);
    const current = await measureInEffect(db, body.code, today);
    if (body.kind === 'add') {
      if (current || (await versionsOf(db, body.code)).length > 0) throw badRequest('code', `${body.code} already exists; propose an amendment`);
      const missing = CATALOG_FIELDS.find((f) => body.measure?.[f] === undefined && f !== 'source' && f !== 'legalBasis' && f !== 'legalMinimum' && f !== 'outsideLocalAuthority' && f !== 'publicityChannels');
      if (missing) throw badRequest(`measure.${missing}`, 'is required for a new measure');
      if (!body.code.startsWith(body.measure!.list === 'discipline' ? 'DM-' : 'ES-')) throw badRequest('code', `must start with ${body.measure!.list === 'discipline' ? 'DM-' : 'ES-'} for this list`);
    } else {
      if (!current) throw badRequest('code', `no measure ${body.code} in effect`);
      if (current.status === 'retired') throw badRequest('code', `${body.code} is already retired`);
      if (body.kind === 'amend' && (!body.measure || Object.keys(body.measure).length === 0)) throw badRequest('measure', 'an amendment names the fields that change');
      if (body.kind === 'retire' && body.measure) throw badRequest('measure', 'a retirement changes no fields');
    }
    if (body.measure?.period?.rule === 'fixed' && !body.measure.period.length) throw badRequest('measure.period.length', 'is required for a fixed period');
    const open = await openChangeOf(db, body.code);
    if (open) throw new DomainError(409, 'conflict', 'code', `change ${open.id} of ${body.code} is still under review`);

    const changeId = `MC${randomBytes(6).toString('hex')}`;
    const workflowId = measureReviewWorkflowId(changeId);
    const proposedAt = now().toISOString();
    await recordProposedChange(db, {
      id: changeId, kind: body.kind, code: body.code, proposedBy: request.agency!.id, reason: body.reason,
      proposal: body.measure ?? null, effectiveFrom: body.effectiveFrom ?? null, workflowId,
    });
    await temporal.workflow.start<typeof measureReviewWorkflow>('measureReviewWorkflow', {
      workflowId, taskQueue: TASK_QUEUE,
      args: [{ changeId, kind: body.kind, code: body.code, proposedAt, effectiveFrom: body.effectiveFrom ?? null }],
    });
    return reply.status(202).send({ changeId, workflowId, status: 'under_review' });
  });

  app.get<{ Querystring: { status?: MeasureChangeStatus; code?: string } }>('/measures/changes', {
    onRequest: requireRoles(...ALL_ROLES),
    schema: {
      tags: ['measures'], summary: 'R1: proposed changes and their reviews', security: bearerSecurity,
      querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', enum: ['under_review', 'approved', 'rejected', 'effective'] }, code: { type: 'string' } } },
    },
  }, async (request) => ({ items: await measureChangesWhere(app.deps.db, request.query) }));

  app.get<{ Params: { changeId: string } }>('/measures/changes/:changeId', {
    onRequest: requireRoles(...ALL_ROLES),
    schema: { tags: ['measures'], summary: 'R1: one proposed change with both decisions', security: bearerSecurity, response: { 404: errorSchema } },
  }, async (request) => {
    const row = await measureChangeById(app.deps.db, request.params.changeId);
    if (!row) throw notFound('changeId', `no change ${request.params.changeId}`);
    return row;
  });

  app.post<{ Params: { changeId: string }; Body: { approve: boolean; reason?: string; role?: ReviewerRole } }>('/measures/changes/:changeId/decision', {
    onRequest: requireRoles('CREDIT', 'LEGAL'),
    schema: {
      tags: ['measures'],
      summary: 'R1: CREDIT or LEGAL approves or rejects a proposed change (a rejection needs its reason)',
      security: bearerSecurity,
      body: {
        type: 'object', additionalProperties: false, required: ['approve'],
        properties: {
          approve: { type: 'boolean' }, reason: { type: 'string', maxLength: 2000 },
          role: { type: 'string', enum: ['CREDIT', 'LEGAL'], description: 'only for an agency holding both roles' },
        },
      },
      response: { 200: { type: 'object', additionalProperties: true }, 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
    },
  }, async (request, reply) => {
    const { db, temporal, now } = app.deps;
    const agency = request.agency!;
    const held = (['CREDIT', 'LEGAL'] as const).filter((r) => agency.roles.includes(r));
    const role = request.body.role ?? (held.length === 1 ? held[0] : undefined);
    if (!role) throw badRequest('role', 'this agency is both CREDIT and LEGAL: say in which role it decides');
    if (!held.includes(role)) throw new DomainError(403, 'forbidden', 'role', `${agency.name} is not ${role}`);
    if (!request.body.approve && !request.body.reason?.trim()) throw badRequest('reason', 'is required when rejecting');
    const change = await measureChangeById(db, request.params.changeId);
    if (!change) throw notFound('changeId', `no change ${request.params.changeId}`);
    // R1 (separation of duties): the agency that proposed a change does not review it.
    if (change.proposedBy === agency.id) {
      request.log.warn({ agency: agency.id, changeId: change.id }, 'access denied: a proposer reviewing its own change');
      throw new DomainError(403, 'forbidden', 'changeId', `${agency.name} proposed this change; it is reviewed by other agencies`);
    }
    // The review workflow judges whether the change is still open and this role still to decide.
    let state;
    try {
      state = await temporal.connection.withDeadline(Date.now() + app.deps.engineDeadlineMs, () => temporal.workflow.getHandle(change.workflowId)
        .executeUpdate(decideMeasureChangeUpdate, { args: [{
          role, agencyId: agency.id, agencyName: agency.name, approve: request.body.approve, reason: request.body.reason ?? null, at: now().toISOString(),
        }] }));
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && (err.cause as { type?: string } | undefined)?.type === REFUSED) {
        throw new DomainError(409, 'conflict', 'changeId', err.cause!.message);
      }
      if (err instanceof WorkflowNotFoundError) throw new DomainError(409, 'conflict', 'changeId', `the change is already ${change.status}`);
      throw err;
    }
    return reply.status(200).send({ changeId: change.id, role, approve: request.body.approve, status: state.status });
  });

  app.get<{ Querystring: { documentKind: string; field?: string; targetKind: 'enterprise' | 'person' } }>('/matching/proposals', {
    onRequest: requireRoles('CREDIT'),
    schema: {
      tags: ['measures'],
      summary: 'R3: measures the matching rules propose for an external document, for CREDIT to confirm or edit',
      security: bearerSecurity,
      querystring: {
        type: 'object', additionalProperties: false, required: ['documentKind', 'targetKind'],
        properties: { documentKind: { type: 'string', maxLength: 64 }, field: { type: 'string', maxLength: 64 }, targetKind: { type: 'string', enum: ['enterprise', 'person'] } },
      },
      response: { 400: errorSchema },
    },
  }, async (request) => {
    const { documentKind, field, targetKind } = request.query;
    const rules = await matchingRulesFor(app.deps.db, documentKind, field);
    if (rules.length === 0) {
      const kinds = await documentKindsWithRules(app.deps.db);
      throw badRequest('documentKind', `no matching rule for ${documentKind}; known: ${kinds.join(', ')}`);
    }
    const today = shanghaiDateOf(app.deps.now());
    const proposals: { code: string; name: string; list: string; category: string; rule: string }[] = [];
    for (const rule of rules.filter((r) => r.targetKinds.includes(targetKind))) {
      for (const code of rule.measureCodes) {
        const m = await measureInEffect(app.deps.db, code, today);
        if (!m || m.status !== 'active' || !m.targetKinds.includes(targetKind) || proposals.some((p) => p.code === code)) continue;
        proposals.push({ code, name: m.nameZh, list: m.list, category: m.category, rule: rule.id });
      }
    }
    return { documentKind, field: field ?? null, targetKind, items: proposals };
  });
}
