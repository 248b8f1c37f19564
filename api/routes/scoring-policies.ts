// R15 Scoring policies over HTTP: ADMIN proposes a policy file (a new regime, or a new version of
// one), with the AUTHORITY that receives its tier cases; CREDIT and LEGAL, two different agencies,
// decide it as they decide list changes (R1). Versions are kept; a target keeps the one it was
// first scored under unless a later version says otherwise.
import { randomBytes } from 'node:crypto';
import { isoDateSchema } from './schemas';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { agencyById } from '../../db/agencies';
import { measuresInEffect } from '../../db/measures';
import { highestVersionTaken, policyChange, policyChanges, recordProposedPolicy, type PolicyRow } from '../../db/queries/scoring';
import type { ScoringPolicyStatus } from '../../db/schema';
import { validateScoringPolicy } from '../../db/scoring-policies';
import { parseIsoDate, shanghaiDateOf } from '../../domain/dates';
import { ROLES } from '../../domain/roles';
import {
  decideScoringPolicyUpdate, REFUSED, scoringPolicyReviewWorkflowId, TASK_QUEUE, type ReviewerRole,
} from '../../workflows/messages';
import type { scoringPolicyReviewWorkflow } from '../../workflows/scoring-policy-review';
import { bearerSecurity, requireRoles } from '../auth';
import { badRequest, conflict, DomainError, errorSchema, notFound } from '../errors';

interface ProposalBody {
  policy: Record<string, unknown>;
  authority: string;
  reason: string;
  effectiveFrom?: string;
}

const STATUSES: ScoringPolicyStatus[] = ['under_review', 'approved', 'rejected', 'effective'];

/** A proposal as the API shows it; the file itself only when asked for one proposal. */
function present(row: PolicyRow, withDocument = false) {
  const { document, ...rest } = row;
  return { ...rest, changeId: row.id, ...(withDocument ? { document } : { tiers: document.tiers.map((t) => ({ code: t.code, label: t.label, minPoints: t.minPoints })) }) };
}

export async function scoringPolicyRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: ProposalBody }>('/scoring-policies', {
    onRequest: requireRoles('ADMIN'),
    schema: {
      tags: ['scoring'],
      summary: 'R15: ADMIN proposes a scoring-policy file (policies/scoring-policy.schema.json) for CREDIT and LEGAL to review',
      description: 'The file is validated by its JSON Schema and its references (a refusal is 400 naming the JSON path, e.g. '
        + 'policy.tiers[1].minPoints). Its version must be higher than every version of the same id taken. `authority` is the '
        + 'AUTHORITY that receives the cases a tier change files (R5). Starts a review of 10 working days.',
      security: bearerSecurity,
      body: {
        type: 'object', additionalProperties: false, required: ['policy', 'authority', 'reason'],
        properties: {
          policy: { type: 'object', description: 'the policy file, as docs/scoring-policy.md describes it' },
          authority: { type: 'string', minLength: 1, maxLength: 100 },
          reason: { type: 'string', minLength: 2, maxLength: 2000 },
          effectiveFrom: { ...isoDateSchema, description: 'YYYY-MM-DD; default: the day both approve' },
        },
      },
      response: { 202: { type: 'object', additionalProperties: true }, 400: errorSchema, 401: errorSchema, 403: errorSchema, 409: errorSchema },
    },
  }, async (request, reply) => {
    const { db, temporal, now } = app.deps;
    const body = request.body;
    const today = shanghaiDateOf(now());
    const measureCodes = new Set((await measuresInEffect(db, today)).filter((m) => m.status === 'active').map((m) => m.code));
    const check = validateScoringPolicy(body.policy, { measureCodes });
    if (!check.ok) {
      const [first] = check.errors;
      throw badRequest(`policy${first.path.slice(1)}`, check.errors.map((e) => `policy${e.path.slice(1)}: ${e.message}`).join('; '));
    }
    const policy = check.policy;
    const authority = await agencyById(db, body.authority);
    if (!authority) throw badRequest('authority', `no agency ${body.authority}`);
    if (!authority.roles.includes('AUTHORITY')) throw badRequest('authority', `${authority.name} is not an AUTHORITY (业务主管机构)`);
    if (body.effectiveFrom !== undefined && !parseIsoDate(body.effectiveFrom)) throw badRequest('effectiveFrom', 'is not a real calendar date');
    if (body.effectiveFrom && body.effectiveFrom < today) throw badRequest('effectiveFrom', `is in the past (today is ${today})`);
    const taken = await highestVersionTaken(db, policy.id);
    if (policy.version <= taken) {
      throw conflict('policy.version', `version ${taken} of ${policy.id} is already proposed or in force; propose version ${taken + 1} or higher`);
    }

    const changeId = `SP${randomBytes(6).toString('hex')}`;
    const workflowId = scoringPolicyReviewWorkflowId(changeId);
    const proposedAt = now().toISOString();
    await recordProposedPolicy(db, {
      id: changeId, policyId: policy.id, version: policy.version, title: policy.title, document: policy, authorityId: authority.id,
      proposedBy: request.agency!.id, reason: body.reason, status: 'under_review', effectiveFrom: body.effectiveFrom ?? null, workflowId,
    });
    await temporal.workflow.start<typeof scoringPolicyReviewWorkflow>('scoringPolicyReviewWorkflow', {
      workflowId, taskQueue: TASK_QUEUE, args: [{ changeId, proposedAt, effectiveFrom: body.effectiveFrom ?? null }],
    });
    return reply.status(202).send({ changeId, workflowId, policyId: policy.id, version: policy.version, status: 'under_review' });
  });

  app.get<{ Querystring: { policyId?: string; status?: ScoringPolicyStatus } }>('/scoring-policies', {
    onRequest: requireRoles(...ROLES),
    schema: {
      tags: ['scoring'], summary: 'R15: scoring-policy versions and proposals with their reviews', security: bearerSecurity,
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { policyId: { type: 'string', maxLength: 100 }, status: { type: 'string', enum: STATUSES } },
      },
      response: { 400: errorSchema, 401: errorSchema },
    },
  }, async (request) => ({ items: (await policyChanges(app.deps.db, request.query)).map((r) => present(r)) }));

  app.get<{ Params: { changeId: string } }>('/scoring-policies/:changeId', {
    onRequest: requireRoles(...ROLES),
    schema: {
      tags: ['scoring'], summary: 'R15: one proposed version, its file and both decisions', security: bearerSecurity,
      params: { type: 'object', required: ['changeId'], properties: { changeId: { type: 'string', maxLength: 64 } } },
      response: { 401: errorSchema, 404: errorSchema },
    },
  }, async (request) => {
    const row = await policyChange(app.deps.db, request.params.changeId);
    if (!row) throw notFound('changeId', `no scoring-policy change ${request.params.changeId}`);
    return present(row, true);
  });

  app.post<{ Params: { changeId: string }; Body: { approve: boolean; reason?: string; role?: ReviewerRole } }>('/scoring-policies/:changeId/decision', {
    onRequest: requireRoles('CREDIT', 'LEGAL'),
    schema: {
      tags: ['scoring'],
      summary: 'R15: CREDIT or LEGAL approves or rejects a proposed scoring policy (two different agencies; a rejection needs its reason)',
      security: bearerSecurity,
      params: { type: 'object', required: ['changeId'], properties: { changeId: { type: 'string', maxLength: 64 } } },
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
    const change = await policyChange(db, request.params.changeId);
    if (!change) throw notFound('changeId', `no scoring-policy change ${request.params.changeId}`);
    // R1 (separation of duties): the agency that proposed a policy does not review it.
    if (change.proposedBy === agency.id) {
      request.log.warn({ agency: agency.id, changeId: change.id }, 'access denied: a proposer reviewing its own scoring policy');
      throw new DomainError(403, 'forbidden', 'changeId', `${agency.name} proposed this policy; it is reviewed by other agencies`);
    }
    // The review workflow judges whether the proposal is still open, this role still to decide, and the agencies two.
    let state;
    try {
      state = await temporal.connection.withDeadline(Date.now() + app.deps.engineDeadlineMs, () => temporal.workflow.getHandle(change.workflowId)
        .executeUpdate(decideScoringPolicyUpdate, { args: [{
          role, agencyId: agency.id, agencyName: agency.name, approve: request.body.approve, reason: request.body.reason ?? null, at: now().toISOString(),
        }] }));
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError && (err.cause as { type?: string } | undefined)?.type === REFUSED) {
        throw conflict('changeId', err.cause!.message);
      }
      if (err instanceof WorkflowNotFoundError) throw conflict('changeId', `the proposal is already ${change.status}`);
      throw err;
    }
    return reply.status(200).send({ changeId: change.id, role, approve: request.body.approve, status: state.status });
  });
}
