// The shape of a filed case (R2, R3) and of intake's answer, as JSON Schema for Fastify.
import { DOCUMENT_KIND_IDS, type DocumentKind } from '../../domain/document-kinds';
import type { PeriodLength } from '../../domain/periods';
import { PERSON_ROLES, type PersonRole } from '../../domain/persons';
import { PENALTY_FIELD_IDS, PENALTY_TYPE_IDS, type PenaltyFacts } from '../../domain/publicity';
import { stepViewSchema, isoDateSchema } from './schemas';

const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max } as const);
const isoDate = isoDateSchema;


export const caseBody = {
  type: 'object',
  additionalProperties: false,
  required: ['source', 'document', 'target', 'measures', 'authority'],
  properties: {
    source: { type: 'string', enum: ['penalty_decision', 'external_document'] },
    document: {
      type: 'object',
      additionalProperties: false,
      required: ['number', 'issuedOn', 'issuer'],
      properties: {
        number: text(100), issuedOn: isoDate, issuer: text(200),
        kind: { type: 'string', enum: DOCUMENT_KIND_IDS, description: 'R3: 判决书, 裁定书, 仲裁裁决书, 外部门行政处罚, 行政裁决 or 其他文书 (external documents only)' },
      },
    },
    receivedOn: { ...isoDate, description: 'R3: the day CREDIT received the external document (default today); its 3 working days count from it' },
    consultation: { type: 'boolean', default: false, description: 'R2/R3: consultation (会商) was asked: 15 working days instead of 3 (implied by consultWith)' },
    consultWith: {
      type: 'array', maxItems: 10, uniqueItems: true, items: text(100), default: [],
      description: 'R2/R3: agencies asked to consult (会商): AUTHORITY or CREDIT for a penalty decision, AUTHORITY or ENFORCEMENT for an external document; each answers as a step of its own',
    },
    legalReview: { ...text(100), description: 'R2/R3: the LEGAL agency asked for a legal review (法制审核)' },
    penalty: {
      type: 'object', additionalProperties: false, required: ['type', 'field'],
      description: 'R8/004: the penalty the decision imposed and its field: a warning is not published; 通报批评 or a small fine is published 3 months; repair of other published penalties opens after 6 months, except in food, drugs and special equipment',
      properties: {
        type: { type: 'string', enum: PENALTY_TYPE_IDS, description: '警告, 通报批评, 罚款, 没收, 暂扣或降低资质, 吊销许可, 限制生产经营, 行政拘留, 其他' },
        amount: { type: 'number', minimum: 0, maximum: 1e12, description: 'the fine in yuan (罚款 only)' },
        field: { type: 'string', enum: PENALTY_FIELD_IDS, description: '食品, 药品, 特种设备 or 其他领域' },
      },
    },
    target: {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'name'],
      properties: {
        kind: { type: 'string', enum: ['enterprise', 'person'] },
        name: text(200),
        creditCode: { type: 'string', maxLength: 18, description: '统一社会信用代码 (enterprise)' },
        idNumber: { type: 'string', maxLength: 18, description: '公民身份号码 (person)' },
      },
    },
    persons: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['role', 'idNumber', 'name'],
        properties: { role: { type: 'string', enum: PERSON_ROLES }, idNumber: { type: 'string', maxLength: 18 }, name: text(100) },
      },
    },
    measures: { type: 'array', minItems: 1, maxItems: 100, items: text(64), description: 'measure codes from GET /measures' },
    periods: {
      type: 'object', maxProperties: 100,
      description: 'the period the decision sets, by code: required for every measure whose period rule is by_decision',
      additionalProperties: {
        type: 'object', minProperties: 1, maxProperties: 1, additionalProperties: false,
        properties: { years: { type: 'integer', minimum: 1, maximum: 100 }, months: { type: 'integer', minimum: 1, maximum: 1200 }, days: { type: 'integer', minimum: 1, maximum: 36500 } },
      },
    },
    authority: { ...text(100), description: 'id of the receiving AUTHORITY' },
    seriousness: { type: 'string', enum: ['general', 'serious', 'especially_serious'], default: 'general', description: 'R12: limits credit repair' },
    repeated: { type: 'boolean', default: false, description: "R12: repeats an earlier serious case; derived from the target's earlier cases too (the clerk may raise it, never lower it)" },
  },
} as const;

export interface CaseBody {
  source: 'penalty_decision' | 'external_document';
  document: { number: string; issuedOn: string; issuer: string; kind?: DocumentKind };
  receivedOn?: string;
  consultation: boolean;
  consultWith: string[];
  legalReview?: string;
  penalty?: { type: PenaltyFacts['type']; amount?: number; field: PenaltyFacts['field'] };
  target: { kind: 'enterprise' | 'person'; name: string; creditCode?: string; idNumber?: string };
  persons?: { role: PersonRole; idNumber: string; name: string }[];
  measures: string[];
  periods?: Record<string, PeriodLength>;
  authority: string;
  seriousness: 'general' | 'serious' | 'especially_serious';
  repeated: boolean;
}

export const intakeAnswer = {
  type: 'object',
  required: ['caseId', 'targetId', 'workflowId', 'pushDueOn', 'late', 'opened'],
  properties: {
    action: { type: 'string' },
    caseId: { type: 'string' },
    targetId: { type: 'string' },
    workflowId: { type: 'string' },
    at: { type: 'string' },
    pushDueOn: { type: 'string', description: 'last day of the R2/R3 push limit' },
    pushDueProvisional: { type: 'boolean', description: 'true while a year of the count has no loaded schedule (R16)' },
    late: { type: 'boolean', description: 'pushed after its limit: recorded and escalated (R14)' },
    repeated: { type: 'boolean', description: "R12: a repeated serious case (as filed, or from the target's earlier cases)" },
    opened: { type: 'array', items: stepViewSchema, description: 'the steps the case opened (R5 receipt and push to implementers)' },
    persons: {
      type: 'array', description: "R13: each person listed, a target of its own, with the case it took from this one (the measures on persons)",
      items: { type: 'object', properties: { targetId: { type: 'string' }, caseId: { type: 'string' } } },
    },
  },
} as const;
