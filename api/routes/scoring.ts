// R15 Acts and scores over HTTP. ENFORCEMENT or CREDIT records an act (失信行为) against a target
// from its source document; the target's workflow then reads its tier and carries out a change
// through the loop. GET …/score explains the score on a day: each act, its points, the rule that
// gave them, and the tier with its validity and cause.
import { createHash, randomBytes } from 'node:crypto';
import { isoDateSchema } from './schemas';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actById, actStandings, claimAct, correctAct, policyForTarget, policyInForce, scoreOf, type ActRow } from '../../db/queries/scoring';
import { recordTarget } from '../../db/queries/cases';
import { caseStandings, targetWithCases } from '../../db/queries/targets';
import { parseIsoDate, shanghaiDateOf } from '../../domain/dates';
import { creditCodeProblem, documentNumberKey, idNumberProblem } from '../../domain/identifiers';
import { scoreVisible } from '../../domain/regions';
import { targetWorkflowId, type ActionAnswer, type TargetKind } from '../../workflows/messages';
import { audit } from '../audit';
import { bearerSecurity, readScope, requireRoles } from '../auth';
import { idempotency, scoreWithStart, type EngineTarget } from '../engine';
import { targetSummary } from '../../domain/engine-summaries';
import { badRequest, conflict, DomainError, errorSchema, forbidden, notFound } from '../errors';
import { targetIdOf } from '../identity';
import { READERS } from './target-schemas';
import { targetIdParams } from './targets';

const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max } as const);
const isoDate = { ...isoDateSchema, description: 'YYYY-MM-DD (Asia/Shanghai)' } as const;

const actFields = {
  policyId: { ...text(100), description: 'the scoring policy (GET /scoring-policies); a target is scored under one' },
  class: { ...text(64), description: "one of the policy's actClasses codes" },
  item: { ...text(200), description: 'the catalog item (目录清单项目) the act falls under; repeat rules count penalties per item' },
  date: { ...isoDate, description: 'the day it became an act (not in the future)' },
  document: {
    type: 'object', additionalProperties: false, required: ['number', 'issuer'],
    properties: { number: text(100), issuer: text(200), issuedOn: isoDate },
  },
  correctionDueOn: { ...isoDate, description: '责令限期改正: the deadline the order to correct set' },
  correctedOn: { ...isoDate, description: 'the day the act was corrected' },
} as const;
const ACT_REQUIRED = ['policyId', 'class', 'item', 'date', 'document'];

interface ActBody {
  policyId: string;
  class: string;
  item: string;
  date: string;
  document: { number: string; issuer: string; issuedOn?: string };
  correctionDueOn?: string;
  correctedOn?: string;
  target?: { kind: TargetKind; name: string; creditCode?: string; idNumber?: string };
}

/** Whether the agency reads the target's score whole (domain/regions.ts scoreVisible, R15). */
async function readsScore(app: FastifyInstance, request: FastifyRequest, targetId: string): Promise<boolean> {
  const { db } = app.deps;
  const found = await targetWithCases(db, targetId);
  const tierCases = (found?.caseRows ?? []).filter((c) => c.source === 'score_tier').map((c) => c.id);
  const standings = await caseStandings(db, tierCases);
  return scoreVisible(readScope(request.agency!), await actStandings(db, targetId), [...standings.values()]);
}

/** The target, or 404; 403 when the agency does not read its score. */
async function scoredTarget(app: FastifyInstance, request: FastifyRequest, targetId: string) {
  const found = await targetWithCases(app.deps.db, targetId);
  if (!found) throw notFound('targetId', `no target ${targetId}`);
  if (!(await readsScore(app, request, targetId))) {
    request.log.warn({ agency: request.agency!.id, targetId }, 'access denied: a score outside the agency scope');
    throw new DomainError(403, 'forbidden', 'targetId', "this agency does not see every act of this target nor a case its tiers filed");
  }
  return found.target;
}

/**
 * What the loop did is told to an agency that reads the score; another recorder (an act of its
 * own against a target scored in other regions too) learns only that its act was taken.
 */
async function loopAnswer(app: FastifyInstance, request: FastifyRequest, targetId: string, answer: ActionAnswer) {
  if (await readsScore(app, request, targetId)) return answer;
  return { action: answer.action, at: answer.at, caseId: null, fingerprint: answer.fingerprint, opened: [], closed: [], detail: null };
}

function presentAct(a: ActRow) {
  return {
    actId: a.id, targetId: a.targetId, policyId: a.policyId, class: a.class, item: a.item, date: a.date,
    document: { number: a.documentNumber, issuer: a.documentIssuer, issuedOn: a.documentIssuedOn },
    correctionDueOn: a.correctionDueOn, correctedOn: a.correctedOn, recordedBy: a.recordedBy, recordedAt: a.recordedAt.toISOString(),
  };
}

function checkDates(body: ActBody, today: string): void {
  const dates = [['date', body.date], ['document.issuedOn', body.document.issuedOn], ['correctionDueOn', body.correctionDueOn], ['correctedOn', body.correctedOn]] as const;
  for (const [field, value] of dates) if (value !== undefined && !parseIsoDate(value)) throw badRequest(field, 'is not a real calendar date');
  if (body.date > today) throw badRequest('date', `is in the future (today is ${today} in Asia/Shanghai)`);
  if (body.document.issuedOn && body.document.issuedOn > today) throw badRequest('document.issuedOn', `is in the future (today is ${today})`);
  if (body.correctionDueOn && body.correctionDueOn < body.date) throw badRequest('correctionDueOn', `is before the act's date ${body.date}`);
  if (body.correctedOn && body.correctedOn < body.date) throw badRequest('correctedOn', `is before the act's date ${body.date}`);
  if (body.correctedOn && body.correctedOn > today) throw badRequest('correctedOn', `is in the future (today is ${today})`);
}

/** R15: the act is recorded (idempotently), then the target's workflow reads its tier; the answer says what the loop did. */
async function recordAct(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply,
  target: EngineTarget, body: ActBody) {
  const { db, now } = app.deps;
  const idem = idempotency(request, reply);
  const today = shanghaiDateOf(now());
  checkDates(body, today);
  const scored = await policyForTarget(db, target.targetId, today);
  if (scored && scored.row.policyId !== body.policyId) {
    throw conflict('policyId', `this target is scored under ${scored.row.policyId} (version ${scored.row.version}); a target is scored under one policy`);
  }
  const policy = scored?.row ?? await policyInForce(db, body.policyId, today);
  if (!policy) throw badRequest('policyId', `no scoring policy ${body.policyId} is in force: it must be proposed and approved by CREDIT and LEGAL`);
  const classes = policy.document.actClasses.map((c) => c.code);
  if (!classes.includes(body.class)) throw badRequest('class', `is not a class of ${policy.policyId}: one of ${classes.join(', ')}`);

  const documentKey = documentNumberKey(body.document.number);
  const facts = { targetId: target.targetId, policyId: body.policyId, class: body.class, item: body.item, date: body.date, documentKey,
    issuer: body.document.issuer, issuedOn: body.document.issuedOn ?? null, correctionDueOn: body.correctionDueOn ?? null, correctedOn: body.correctedOn ?? null };
  const given = request.headers['idempotency-key'];
  const claim = await claimAct(db, {
    id: `A${randomBytes(12).toString('hex')}`, targetId: target.targetId, policyId: body.policyId, class: body.class, item: body.item, date: body.date,
    documentNumber: body.document.number, documentKey, documentIssuer: body.document.issuer, documentIssuedOn: body.document.issuedOn ?? null,
    correctionDueOn: body.correctionDueOn ?? null, correctedOn: body.correctedOn ?? null, recordedBy: request.agency!.id, recordedAt: now(),
    idempotencyKey: given ? idem.updateId : null, fingerprint: createHash('sha256').update(JSON.stringify(facts)).digest('hex').slice(0, 32),
  }, { policyId: policy.policyId, version: policy.version });
  if ('conflict' in claim) {
    if (claim.conflict === 'key_reused') throw new DomainError(422, 'idempotency_key_reused', 'idempotency-key', 'this Idempotency-Key was used for a different act');
    if (claim.conflict === 'another_policy') throw conflict('policyId', 'this target has just been scored under another policy');
    throw conflict('document.number', {
      another_agency: 'this document and item were recorded by another agency; an act belongs to the agency that recorded it',
      another_target: 'this agency has already recorded this document and item against another target',
      another_act: `this document already records an act of item ${body.item} with other facts; one document records one act per item`,
    }[claim.conflict]);
  }
  const engine = { temporal: app.deps.temporal, deadlineMs: app.deps.engineDeadlineMs };
  const answer = await scoreWithStart(engine, target, { actId: claim.act.id, actor: request.agency!.id, at: now().toISOString(), fingerprint: idem.fingerprint });
  const loop = await loopAnswer(app, request, target.targetId, answer);
  return reply.status(claim.fresh ? 201 : 200).send({ act: presentAct(claim.act), targetId: target.targetId, workflowId: target.workflowId, loop });
}

export async function scoringRoutes(app: FastifyInstance): Promise<void> {
  const answers = { 200: { type: 'object', additionalProperties: true }, 201: { type: 'object', additionalProperties: true },
    400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema, 503: errorSchema };

  app.post<{ Params: { targetId: string }; Body: ActBody }>('/targets/:targetId/acts', {
    onRequest: requireRoles('ENFORCEMENT', 'CREDIT'),
    schema: {
      tags: ['scoring'], security: bearerSecurity, params: targetIdParams,
      summary: 'R15: record an act against a target (ENFORCEMENT or CREDIT); a tier change it causes goes through the loop',
      description: 'Idempotent by Idempotency-Key, and by document number and item for the agency that recorded them (200 with the act). '
        + 'The answer is the act and what the workflow did: score, tier, the case it filed or released.',
      body: { type: 'object', additionalProperties: false, required: ACT_REQUIRED, properties: actFields },
      response: answers,
    },
  }, async (request, reply) => {
    // An act may be recorded against any target the agency names: its answer tells what the agency reads (loopAnswer).
    const found = await targetWithCases(app.deps.db, request.params.targetId);
    if (!found) throw notFound('targetId', `no target ${request.params.targetId}`);
    const { target } = found;
    return recordAct(app, request, reply, {
      targetId: target.id, kind: target.kind, workflowId: target.workflowId,
      summary: targetSummary({ kind: target.kind, name: target.name, creditCode: target.creditCode ?? undefined, idNumber: target.idNumber ?? undefined }),
    }, request.body);
  });

  app.post<{ Body: ActBody }>('/acts', {
    onRequest: requireRoles('ENFORCEMENT', 'CREDIT'),
    schema: {
      tags: ['scoring'], security: bearerSecurity,
      summary: 'R15: record an act against a party named by its identity (a target the system may not know yet)',
      body: {
        type: 'object', additionalProperties: false, required: [...ACT_REQUIRED, 'target'],
        properties: {
          ...actFields,
          target: {
            type: 'object', additionalProperties: false, required: ['kind', 'name'],
            properties: { kind: { type: 'string', enum: ['enterprise', 'person'] }, name: text(200), creditCode: { type: 'string', maxLength: 18 }, idNumber: { type: 'string', maxLength: 18 } },
          },
        },
      },
      response: answers,
    },
  }, async (request, reply) => {
    const t = request.body.target!;
    const field = t.kind === 'enterprise' ? 'target.creditCode' : 'target.idNumber';
    const identifier = t.kind === 'enterprise' ? t.creditCode : t.idNumber;
    if (!identifier) throw badRequest(field, `is required for ${t.kind === 'enterprise' ? 'an enterprise' : 'a person'}`);
    const problem = t.kind === 'enterprise' ? creditCodeProblem(identifier) : idNumberProblem(identifier);
    if (problem) throw badRequest(field, problem);
    const targetId = targetIdOf(app.deps.targetIdKey, t.kind, identifier);
    const workflowId = targetWorkflowId(targetId);
    await recordTarget(app.deps.db, {
      id: targetId, kind: t.kind, name: t.name, workflowId, creditCode: t.creditCode ?? null, idNumber: t.idNumber ?? null,
    });
    const { target: _identity, ...act } = request.body;
    return recordAct(app, request, reply, { targetId, kind: t.kind, workflowId, summary: targetSummary(t) }, act);
  });

  app.post<{ Params: { targetId: string; actId: string }; Body: { correctedOn: string } }>('/targets/:targetId/acts/:actId/correction', {
    onRequest: requireRoles('ENFORCEMENT', 'CREDIT'),
    schema: {
      tags: ['scoring'], security: bearerSecurity,
      summary: 'R15: the agency that recorded an act records that it was corrected (纠正); escalations for not correcting (e.g. 一般→较重) read it',
      params: { type: 'object', required: ['targetId', 'actId'], properties: { ...targetIdParams.properties, actId: text(64) } },
      body: { type: 'object', additionalProperties: false, required: ['correctedOn'], properties: { correctedOn: actFields.correctedOn } },
      response: answers,
    },
  }, async (request, reply) => {
    const { db, now } = app.deps;
    const found = await targetWithCases(db, request.params.targetId);
    if (!found) throw notFound('targetId', `no target ${request.params.targetId}`);
    const { target } = found;
    const act = await actById(db, request.params.actId);
    if (!act || act.targetId !== target.id) throw notFound('actId', `no act ${request.params.actId} on this target`);
    if (act.recordedBy !== request.agency!.id) throw forbidden('actId', 'only the agency that recorded the act records its correction');
    const { correctedOn } = request.body;
    const today = shanghaiDateOf(now());
    if (!parseIsoDate(correctedOn)) throw badRequest('correctedOn', 'is not a real calendar date');
    if (correctedOn > today) throw badRequest('correctedOn', `is in the future (today is ${today})`);
    if (correctedOn < act.date) throw badRequest('correctedOn', `is before the act's date ${act.date}`);
    if (act.correctedOn && act.correctedOn !== correctedOn) throw conflict('correctedOn', `the act was already recorded as corrected on ${act.correctedOn}`);
    const idem = idempotency(request, reply);
    const corrected = act.correctedOn ? act : await correctAct(db, act, correctedOn, request.agency!.id, now()) ?? await actById(db, act.id);
    if (corrected?.correctedOn !== correctedOn) throw conflict('correctedOn', `the act was already recorded as corrected on ${corrected?.correctedOn}`);
    const engine = { temporal: app.deps.temporal, deadlineMs: app.deps.engineDeadlineMs };
    const loop = await scoreWithStart(engine, { targetId: target.id, kind: target.kind, workflowId: target.workflowId },
      { actId: act.id, actor: request.agency!.id, at: now().toISOString(), fingerprint: idem.fingerprint }, `score/${act.id}/corrected`);
    return reply.status(200).send({ act: presentAct(corrected), targetId: target.id, workflowId: target.workflowId, loop: await loopAnswer(app, request, target.id, loop) });
  });

  app.get<{ Params: { targetId: string }; Querystring: { at?: string } }>('/targets/:targetId/score', {
    onRequest: requireRoles(...READERS),
    schema: {
      tags: ['scoring'], security: bearerSecurity, params: targetIdParams,
      summary: "R15: the target's score on a day, explained: each act, its points and the rule that gave them, the tier and why",
      querystring: { type: 'object', additionalProperties: false, properties: { at: { ...isoDate, description: 'default: today in Asia/Shanghai' } } },
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (request) => {
    const at = request.query.at ?? shanghaiDateOf(app.deps.now());
    if (!parseIsoDate(at)) throw badRequest('at', 'is not a real calendar date');
    const target = await scoredTarget(app, request, request.params.targetId);
    const found = await scoreOf(app.deps.db, target.id, at);
    if (!found) throw new DomainError(404, 'not_found', 'targetId', 'no act has been recorded against this target (R15)');
    await audit(request, 'target.score_read', { targetId: target.id, detail: { at, acts: found.rows.length } });
    const { policy, rows, result } = found;
    const rowOf = new Map(rows.map((r) => [r.id, r]));
    const classOf = new Map(policy.row.document.actClasses.map((c) => [c.code, c.label]));
    return {
      targetId: target.id,
      policy: {
        id: policy.row.policyId, version: policy.row.version, title: policy.row.title, changeId: policy.row.id,
        firstScoredUnder: policy.pinnedVersion, since: policy.since.toISOString(), rescored: policy.rescored,
      },
      ...result,
      acts: result.acts.map((a) => {
        const row = rowOf.get(a.id)!;
        return { ...a, classLabel: classOf.get(a.class) ?? a.class, document: { number: row.documentNumber, issuer: row.documentIssuer }, recordedBy: row.recordedBy };
      }),
    };
  });
}
