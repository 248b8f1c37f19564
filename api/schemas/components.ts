// The shared component schemas of the OpenAPI document (#/components/schemas/<$id>): one error
// shape for every refusal and the shapes that several answers repeat. Registered once with
// app.addSchema; an answer refers to one as { $ref: '<$id>#' }.
import { errorSchema } from '../errors';
import { actionAnswerSchema, stepViewSchema } from '../routes/schemas';

const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const obj = { type: 'object', additionalProperties: true } as const;
const objOrNull = { type: ['object', 'null'], additionalProperties: true } as const;

const STEP = {
  key: 'implementer_push/C1a2b3c4d5e6f7a8b9c0d1e2f', kind: 'implementer_push', rule: 'R5', label: '推送实施机构', caseId: 'C1a2b3c4d5e6f7a8b9c0d1e2f',
  agencyId: 'hz-registration', month: null, ref: null, dueOn: '2026-11-21', dueAt: '2026-11-22T00:00:00+08:00', provisional: false, overdue: false,
};

export const ref = (id: string) => ({ $ref: `${id}#` }) as const;

/** `{ items: [...] }`, optionally with the paging figures. */
export const listOf = (items: object, paged = false) => ({
  type: 'object', required: ['items'],
  properties: { items: { type: 'array', items }, ...(paged ? { total: int, limit: int, offset: int } : {}) },
}) as const;

export const COMPONENTS = [
  {
    $id: 'Error', ...errorSchema, description: 'Every refusal: the machine-readable code, the failing field and why',
    example: { error: 'bad_request', field: 'document.issuedOn', message: 'document.issuedOn: is not a real calendar date' },
  },
  { $id: 'Step', ...stepViewSchema, description: 'A step as the API shows it: who owes what by when (step registry, domain/steps.ts)', example: STEP },
  {
    ...actionAnswerSchema, $id: 'ActionAnswer', properties: { ...actionAnswerSchema.properties, opened: { type: 'array', items: ref('Step') } },
    example: { action: 'receiveCase', caseId: 'C1a2b3c4d5e6f7a8b9c0d1e2f', at: '2026-11-18T10:00:00.000Z', opened: [STEP], closed: ['receipt/C1a2b3c4d5e6f7a8b9c0d1e2f'] },
  },
  {
    $id: 'Agency', type: 'object', required: ['id', 'name', 'roles'],
    properties: {
      id: str, name: str, level: str, parentId: strOrNull, region: strOrNull, nationalScope: bool, field: strOrNull,
      roles: { type: 'array', items: str }, implementerKind: strOrNull, publisherChannel: strOrNull, notifyUrl: strOrNull,
      hasNotifySecret: bool, notifyLegacySignature: bool, createdAt: str,
    },
    example: { id: 'hz-amr', name: '杭州市市场监督管理局', level: 'city', parentId: null, region: '330100', roles: ['ENFORCEMENT'] },
  },
  {
    $id: 'Measure', type: 'object', required: ['code'],
    properties: {
      code: str, version: int, list: str, category: str, name: str, nameEn: str, legalBasis: obj, source: objOrNull,
      targetKinds: { type: 'array', items: str }, period: obj, legalMinimum: objOrNull, implementerKind: str,
      mandatory: bool, feedbackSet: bool, outsideLocalAuthority: bool, publicityChannels: { type: 'array', items: str },
      status: str, effectiveFrom: strOrNull,
    },
  },
  {
    $id: 'TargetSummary', type: 'object', required: ['targetId'],
    properties: { targetId: str, kind: str, name: str, creditCode: strOrNull, status: str, updatedAt: str },
    example: { targetId: 'E0123456789abcdef01234567', kind: 'enterprise', name: '杭州某某贸易有限公司', creditCode: '91330106MA2H3X0A1H', status: 'open', updatedAt: '2026-11-18T18:00:00+08:00' },
  },
  {
    $id: 'TargetDetail', type: 'object', required: ['targetId', 'kind', 'cases', 'openSteps', 'timers', 'overdue', 'workflowStatus'],
    properties: {
      targetId: str, kind: { type: 'string', enum: ['enterprise', 'person'] }, name: str, creditCode: strOrNull,
      idNumber: { type: ['string', 'null'], description: 'masked (R13)' }, status: str, workflowId: str,
      cases: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: str, derivedFrom: { ...strOrNull, description: 'R13: the enterprise case a person\'s case was taken from' },
            derivedFromTargetId: { ...strOrNull, description: 'the target of that case' },
            implementers: { type: 'array', items: obj }, measuresInForce: { type: 'array', items: obj }, persons: { type: 'array', items: obj },
          },
        },
      },
      openSteps: { type: 'array', items: ref('Step') },
      timers: { type: 'array', items: ref('Step'), description: 'what the system itself does next: period ends (R10), a promised date (R12), the month\'s end (R9)' },
      overdue: { type: 'array', items: ref('Step') },
      workflow: { ...objOrNull, description: 'the live state of the target\'s workflow (live=true), null when not asked for or when the engine does not answer' },
      workflowStatus: { type: 'string', enum: ['running', 'not_found', 'unavailable', 'not_read'], description: '`not_read` unless live=true' },
    },
  },
  {
    $id: 'History', type: 'object', required: ['targetId', 'items'],
    properties: {
      targetId: str, workflowId: str, engine: str, runs: { type: 'array', items: obj },
      items: {
        type: 'array',
        items: {
          type: 'object', required: ['at', 'kind'],
          properties: {
            at: str, agency: strOrNull, agencyId: strOrNull, kind: str, label: str, rule: strOrNull, caseId: strOrNull,
            documentNumber: strOrNull, summary: str, detail: {}, link: str,
          },
        },
      },
    },
  },
  {
    $id: 'ChangeDecision', type: 'object', required: ['changeId', 'status'],
    properties: { changeId: str, role: { type: 'string', enum: ['CREDIT', 'LEGAL'] }, approve: bool, status: str },
  },
  {
    $id: 'UnderReview', type: 'object', required: ['changeId', 'status'],
    properties: { changeId: str, workflowId: str, policyId: str, version: int, status: { type: 'string', enum: ['under_review'] } },
  },
  {
    $id: 'ActAnswer', type: 'object', required: ['act', 'targetId'],
    properties: { act: obj, targetId: str, workflowId: str, loop: obj },
  },
  {
    $id: 'Notice', type: 'object', required: ['id'],
    properties: { id: int, agencyId: str, kind: str, rule: strOrNull, subject: str, detail: {}, createdAt: str, readAt: strOrNull },
  },
  {
    $id: 'Letter', type: 'object', required: ['letterId', 'caseId'],
    properties: {
      letterId: str, caseId: str, kind: str, title: str, issuedBy: str, issuedAt: str, deliveredOn: strOrNull, deliveryWay: strOrNull,
      deliveredBy: strOrNull, content: { type: 'object', additionalProperties: true, description: 'only when one letter is read as JSON' },
    },
  },
] as const;
