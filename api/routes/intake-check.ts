// R2, R3 what intake checks before a case reaches its workflow, and the filing itself: one
// function each, shared by POST /cases and the bulk import (POST /imports), so that a row of a
// file is refused exactly as the same request would be, naming the same field.
import type { FastifyInstance } from 'fastify';
import { agencyById } from '../../db/agencies';
import { measureInEffect } from '../../db/measures';
import { claimCaseNumber, hasEarlierSeriousCase, recordPersons, recordTarget, saveIntakeAnswer } from '../../db/queries/cases';
import { parseIsoDate } from '../../domain/dates';
import { DOCUMENT_KIND_IDS, type DocumentKind } from '../../domain/document-kinds';
import { creditCodeProblem, documentNumberKey, idNumberProblem } from '../../domain/identifiers';
import { pinMeasure, type PinnedMeasure } from '../../domain/measures';
import { publicityTerms, warningRefusal, type PenaltyFacts, type PublicityTerms } from '../../domain/publicity';
import { publicityRules } from '../../db/publicity-rules';
import type { PeriodLength } from '../../domain/periods';
import type { Role } from '../../domain/roles';
import { targetWorkflowId, type CaseRecorded, type FileCase, type TakenSteps } from '../../workflows/messages';
import { fileCaseWithStart } from '../engine';
import { badRequest, conflict } from '../errors';
import { targetIdOf } from '../identity';
import { targetSummary } from '../../domain/engine-summaries';
import type { CaseBody } from './intake-schema';

/** R2: ENFORCEMENT files its own penalty decisions; R3: CREDIT receives external documents. */
export function roleFiling(source: CaseBody['source']): Role {
  return source === 'penalty_decision' ? 'ENFORCEMENT' : 'CREDIT';
}

/** A case as intake checked it: everything its workflow needs but the case id, the actor and the instant. */
export interface CheckedCase {
  body: CaseBody;
  targetId: string;
  workflowId: string;
  /** R2/R3: the document number as claimed (documentNumberKey). */
  numberKey: string;
  filing: Omit<FileCase, 'caseId' | 'actor' | 'at' | 'repeated' | 'taken'>;
}

/** Every check of POST /cases on a body its JSON Schema admitted; throws the first refusal (DomainError, naming the field). */
export async function checkCase(app: FastifyInstance, body: CaseBody, today: string): Promise<CheckedCase> {
  const { kind: documentKind, receivedOn } = checkDocument(body, today);
  const identifier = checkTarget(body);
  const authority = await agencyById(app.deps.db, body.authority);
  if (!authority) throw badRequest('authority', `no agency ${body.authority}`);
  if (!authority.roles.includes('AUTHORITY')) throw badRequest('authority', `${authority.name} is not an AUTHORITY (业务主管机构)`);
  const { penalty, terms } = await checkPenalty(app, body);
  const measures = await pinMeasures(app, body, today, terms);
  const { consultWith, legalReview } = await checkConsultations(app, body);
  const targetId = targetIdOf(app.deps.targetIdKey, body.target.kind, identifier);
  return {
    body, targetId, workflowId: targetWorkflowId(targetId), numberKey: documentNumberKey(body.document.number),
    filing: {
      source: body.source, document: { number: body.document.number, issuedOn: body.document.issuedOn, issuer: body.document.issuer, kind: documentKind },
      receivedOn, consultation: body.consultation || consultWith.length > 0 || Boolean(legalReview), consultWith, legalReview,
      measures, authorityId: authority.id, seriousness: body.seriousness, penalty, terms,
    },
  };
}

/**
 * R2, R3: claims the document number for the filing agency and files the case into its target's
 * workflow with update-with-start. Filing it again answers the same case (fresh: false); a number
 * another agency filed, or this agency against another target, is refused (409).
 */
export async function fileChecked(app: FastifyInstance, checked: CheckedCase, actor: string, at: string, taken: TakenSteps | null = null):
  Promise<{ fresh: boolean; answer: CaseRecorded & { targetId: string; workflowId: string; repeated?: boolean; persons?: unknown[] } }> {
  const { db, targetIdKey } = app.deps;
  const { body, targetId, workflowId } = checked;
  const claim = await claimCaseNumber(db, { number: checked.numberKey, filedBy: actor, targetId });
  if ('conflict' in claim) {
    throw conflict('document.number', claim.conflict === 'another_agency'
      ? 'this document number has been filed by another agency; a case belongs to the agency that filed it. If this is a different document, check the number'
      : 'this agency has already filed this document number against another target');
  }
  if (claim.answer) return { fresh: false, answer: { ...claim.answer as unknown as CaseRecorded, targetId, workflowId } };
  await recordTarget(db, {
    id: targetId, kind: body.target.kind, name: body.target.name, workflowId,
    creditCode: body.target.creditCode ?? null, idNumber: body.target.idNumber ?? null,
  });
  if (body.target.kind === 'enterprise') {
    await recordPersons(db, (body.persons ?? []).map((p) => ({
      caseId: claim.caseId, personTargetId: targetIdOf(targetIdKey, 'person', p.idNumber), role: p.role, name: p.name, idNumber: p.idNumber,
    })));
  }
  // R12: a serious case against a target with an earlier serious case is repeated, whatever the clerk said.
  const repeated = body.repeated || (body.seriousness !== 'general' && await hasEarlierSeriousCase(db, targetId, claim.caseId));
  const filed: FileCase = { ...checked.filing, caseId: claim.caseId, actor, at, repeated, ...(taken ? { taken } : {}) };
  const recorded = await fileCaseWithStart({ temporal: app.deps.temporal, deadlineMs: app.deps.engineDeadlineMs }, { targetId, kind: body.target.kind, workflowId, summary: targetSummary(body.target) }, filed);
  // R13: the persons' targets and derived cases, as the workflow handed them over.
  const answer = { ...recorded, targetId, workflowId, repeated, persons: (recorded.detail?.persons as unknown[] | undefined) ?? [] };
  await saveIntakeAnswer(db, claim.caseId, answer);
  return { fresh: claim.fresh, answer };
}

/**
 * R2/R3: the agencies asked to consult (会商): AUTHORITY or CREDIT on a penalty decision, AUTHORITY
 * or ENFORCEMENT on an external document; the one asked to review (法制审核) is a LEGAL agency.
 */
async function checkConsultations(app: FastifyInstance, body: CaseBody): Promise<{ consultWith: string[]; legalReview: string | null }> {
  const may = body.source === 'penalty_decision' ? ['AUTHORITY', 'CREDIT'] : ['AUTHORITY', 'ENFORCEMENT'];
  for (const [i, id] of body.consultWith.entries()) {
    const a = await agencyById(app.deps.db, id);
    if (!a) throw badRequest(`consultWith.${i}`, `no agency ${id}`);
    if (!a.roles.some((r) => may.includes(r))) throw badRequest(`consultWith.${i}`, `${a.name} is not ${may.join(' or ')}: it cannot be consulted on a ${body.source}`);
  }
  if (body.legalReview) {
    const a = await agencyById(app.deps.db, body.legalReview);
    if (!a) throw badRequest('legalReview', `no agency ${body.legalReview}`);
    if (!a.roles.includes('LEGAL')) throw badRequest('legalReview', `${a.name} is not a LEGAL agency (法制机构)`);
  }
  return { consultWith: body.consultWith, legalReview: body.legalReview ?? null };
}

/** R8/004: the penalty's facts, and the publicity terms the ADMIN's rules give them now. */
async function checkPenalty(app: FastifyInstance, body: CaseBody): Promise<{ penalty: PenaltyFacts | null; terms: PublicityTerms | null }> {
  if (!body.penalty) return { penalty: null, terms: null };
  const { type, field } = body.penalty;
  const amount = body.penalty.amount ?? null;
  if (type === 'fine' && amount === null) throw badRequest('penalty.amount', 'is required for a fine (罚款): the amount in yuan');
  if (type !== 'fine' && amount !== null) throw badRequest('penalty.amount', `is only for a fine; this penalty is ${type}`);
  const penalty = { type, amount, field };
  return { penalty, terms: publicityTerms(penalty, await publicityRules(app.deps.db)) };
}

/** R2, R3: the decision date, and for an external document its kind and the day CREDIT received it. */
function checkDocument(body: CaseBody, today: string): { kind: DocumentKind | null; receivedOn: string | null } {
  const { issuedOn } = body.document;
  if (!parseIsoDate(issuedOn)) throw badRequest('document.issuedOn', 'is not a real calendar date');
  if (issuedOn > today) throw badRequest('document.issuedOn', `is in the future (today is ${today} in Asia/Shanghai)`);
  if (body.source === 'penalty_decision') {
    if (body.document.kind) throw badRequest('document.kind', 'is for an external document (R3); a penalty decision has none');
    if (body.receivedOn) throw badRequest('receivedOn', 'is for an external document (R3): a penalty decision counts from its date');
    return { kind: null, receivedOn: null };
  }
  if (!body.document.kind) throw badRequest('document.kind', `is required for an external document (R3): one of ${DOCUMENT_KIND_IDS.join(', ')}`);
  const receivedOn = body.receivedOn ?? today;
  if (!parseIsoDate(receivedOn)) throw badRequest('receivedOn', 'is not a real calendar date');
  if (receivedOn > today) throw badRequest('receivedOn', `is in the future (today is ${today} in Asia/Shanghai)`);
  if (receivedOn < issuedOn) throw badRequest('receivedOn', `is before the document was issued (${issuedOn})`);
  return { kind: body.document.kind, receivedOn };
}

/** The identifying number of the target (GB 32100 credit code or GB 11643 identity number), and the persons'. */
function checkTarget(body: CaseBody): string {
  (body.persons ?? []).forEach((p, i) => {
    const problem = idNumberProblem(p.idNumber);
    if (problem) throw badRequest(`persons.${i}.idNumber`, problem);
  });
  if (body.target.kind === 'enterprise') {
    if (!body.target.creditCode) throw badRequest('target.creditCode', 'is required for an enterprise');
    const problem = creditCodeProblem(body.target.creditCode);
    if (problem) throw badRequest('target.creditCode', problem);
    return body.target.creditCode;
  }
  if (!body.target.idNumber) throw badRequest('target.idNumber', 'is required for a person');
  const problem = idNumberProblem(body.target.idNumber);
  if (problem) throw badRequest('target.idNumber', problem);
  return body.target.idNumber;
}

/**
 * R1: only measures on the two lists, in effect today, for this kind of target, each pinned to
 * the version it was matched against. R10: every measure has an end: a by_decision measure takes
 * the period the decision set, and is refused without it.
 */
async function pinMeasures(app: FastifyInstance, body: CaseBody, today: string, terms: PublicityTerms | null): Promise<PinnedMeasure[]> {
  const pinned: PinnedMeasure[] = [];
  for (const [i, code] of body.measures.entries()) {
    const m = await measureInEffect(app.deps.db, code, today);
    if (!m) throw badRequest(`measures.${i}`, `${code} is not on either list (R1)`);
    if (m.status === 'retired') throw badRequest(`measures.${i}`, `${code} (${m.nameZh}) has been retired from the list`);
    // R13: a measure on persons in an enterprise's case applies to the persons listed with it.
    const onPersons = body.target.kind === 'enterprise' && m.targetKinds.includes('person') && (body.persons ?? []).length > 0;
    if (!m.targetKinds.includes(body.target.kind) && !onPersons) {
      throw badRequest(`measures.${i}`, body.target.kind === 'enterprise' && m.targetKinds.includes('person')
        ? `${code} (${m.nameZh}) applies to persons: list them in persons (R13)`
        : `${code} (${m.nameZh}) does not apply to ${body.target.kind === 'enterprise' ? 'an enterprise' : 'a person'}`);
    }
    if (pinned.some((p) => p.code === code)) throw badRequest(`measures.${i}`, `${code} is listed twice`);
    const period: PeriodLength | undefined = body.periods?.[code];
    if (period && m.period.rule !== 'by_decision') {
      throw badRequest(`periods.${code}`, `${code} has a ${m.period.rule} period; only a by_decision measure takes the decision's period`);
    }
    // 004: a penalty of 警告 only is not published.
    const unpublished = m.publicityChannels.length > 0 ? warningRefusal(body.penalty ? { ...body.penalty, amount: body.penalty.amount ?? null } : null) : null;
    if (unpublished) throw badRequest(`measures.${i}`, `${code} (${m.nameZh}): ${unpublished}`);
    const p = pinMeasure(m, period, terms);
    if (!p) throw badRequest(`periods.${code}`, `is required: ${code} (${m.nameZh}) runs for the period the decision sets; give it, e.g. {"years": 1} (R10)`);
    // R13: it falls on the persons listed, each in a case of its own (domain/persons.ts), not on the enterprise.
    pinned.push(onPersons && !m.targetKinds.includes('enterprise') ? { ...p, onPersons: true } : p);
  }
  for (const code of Object.keys(body.periods ?? {})) {
    if (!body.measures.includes(code)) throw badRequest(`periods.${code}`, `${code} is not one of the measures`);
  }
  return pinned;
}
