// One registry of the OpenAPI metadata of every operation, keyed by "METHOD /url" as Fastify
// declares the route: its operationId, and the success bodies the route itself leaves
// undocumented. api/contract.ts applies it to each route as it is declared; a route missing
// here fails the app's start, so no operation goes undocumented.
import { TOTAL_COUNTED_UP_TO } from '../../db/queries/totals';
import { listOf, ref } from './components';

export interface OperationMeta {
  id: string;
  /** Success bodies, by status, for routes that do not declare them. */
  ok?: Record<number, object>;
  /** Error statuses beyond those api/contract.ts derives from the route's shape. */
  errors?: number[];
  /** The request body as the document shows it, for a route that reads its body raw (no JSON Schema to validate). */
  requestBody?: object;
}

const file = { schema: { type: 'string', format: 'binary' } } as const;

const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const obj = { type: 'object', additionalProperties: true } as const;
const page = (items: object) => listOf(items, true);
/** A page whose matches are counted up to a bound (db/queries/totals.ts). */
const countedPage = (items: object) => ({
  type: 'object', required: ['items', 'total', 'totalExact', 'limit', 'offset'],
  properties: {
    items: { type: 'array', items },
    total: { type: 'integer', description: `the matches: exact up to ${TOTAL_COUNTED_UP_TO.toLocaleString('en')}, beyond that a lower bound (totalExact false); always past this page when a next one exists` },
    totalExact: { type: 'boolean', description: 'false when there are at least total matches, possibly more' },
    limit: int, offset: int,
  },
});
const change = {
  type: 'object', required: ['id', 'status'],
  properties: { id: str, kind: str, code: str, status: str, reason: str, proposedBy: str, workflowId: str, effectiveFrom: strOrNull },
} as const;
const policy = {
  type: 'object', required: ['changeId', 'status'],
  properties: { changeId: str, policyId: str, version: int, title: str, status: str, document: obj, tiers: { type: 'array', items: obj } },
} as const;
const keyRequest = { type: 'object', required: ['id', 'status'], properties: { id: str, agencyId: str, status: str, reason: str } } as const;
const withAgency = (status: number, secret: boolean) => ({
  [status]: { type: 'object', required: ['agency'], properties: { agency: ref('Agency'), ...(secret ? { notifySecret: str } : {}) } },
});

export const OPERATIONS: Record<string, OperationMeta> = {
  'GET /health': { id: 'getHealth' },
  'GET /health/ready': { id: 'getReadiness' },
  'POST /cases': { id: 'createCase' },
  'POST /cases/:caseId/receipt': { id: 'confirmReceipt' },
  'POST /cases/:caseId/implementers': { id: 'pushToImplementers' },
  'POST /cases/:caseId/not-applicable': { id: 'declareNotApplicable' },
  'POST /cases/:caseId/acknowledgement': { id: 'acknowledgeCase' },
  'POST /cases/:caseId/upward-reports/:reportId/forward': { id: 'forwardUpwardReport' },
  'POST /cases/:caseId/upward-reports/:reportId/confirm': { id: 'confirmUpwardReport' },
  'POST /cases/:caseId/consultations/:requestId/answer': { id: 'answerConsultation' },
  'POST /cases/:caseId/objections': { id: 'fileObjection' },
  'POST /cases/:caseId/flags': { id: 'flagCase' },
  'POST /cases/:caseId/objections/:objectionId/decision': { id: 'decideObjection' },
  'POST /cases/:caseId/complaints': { id: 'fileComplaint' },
  'POST /cases/:caseId/complaints/:complaintId/decision': { id: 'decideComplaint' },
  'POST /cases/:caseId/release': { id: 'releaseCase' },
  'POST /cases/:caseId/cause-changes': { id: 'changeCause' },
  'POST /cases/:caseId/adjustment': { id: 'adjustCase' },
  'POST /cases/:caseId/repairs': { id: 'applyForRepair' },
  'POST /cases/:caseId/repairs/:repairId/decision': { id: 'decideRepair' },
  'POST /cases/:caseId/repairs/:repairId/materials': { id: 'supplyRepairMaterials' },
  'POST /cases/:caseId/publicity-orders/:orderId/confirmation': { id: 'confirmPublicityOrder' },
  'POST /cases/:caseId/letters/:letterId/delivery': { id: 'recordLetterDelivery' },
  'POST /feedback': { id: 'reportFeedback' },
  'GET /targets/:targetId': { id: 'getTarget', ok: { 200: ref('TargetDetail') } },
  'GET /targets/:targetId/history': { id: 'getTargetHistory', ok: { 200: ref('History') } },
  'GET /targets': { id: 'searchTargets', ok: { 200: countedPage(ref('TargetSummary')) } },
  'GET /overdue': {
    id: 'getOverdueBoard',
    ok: { 200: countedPage({ type: 'object', properties: { targetId: strOrNull, step: str, rule: str, agencyId: strOrNull, dueAt: str } }) },
  },
  'GET /tasks': { id: 'listTasks' },
  'GET /calendar/deadline': { id: 'computeDeadline' },
  'GET /calendar/days': { id: 'listCalendarDays' },
  'GET /calendar/feedback-due': { id: 'computeFeedbackDue' },
  'PUT /calendar/years/:year': { id: 'loadCalendarYear' },
  'GET /calendar/years': { id: 'listCalendarYears' },
  'POST /calendar/years/:year/preview': { id: 'previewCalendarYear' },
  'GET /calendar/deadline-rules': { id: 'listDeadlineRules' },
  'PUT /calendar/deadline-rules/:kind': { id: 'setDeadlineRule' },
  'GET /step-deadlines': { id: 'listStepDeadlines' },
  'PUT /step-deadlines/:kind': { id: 'setStepDeadline' },
  'GET /escalation-intervals': { id: 'listEscalationIntervals' },
  'PUT /escalation-intervals/:step': {
    id: 'setEscalationInterval', ok: { 200: { type: 'object', required: ['step', 'intervalWorkingDays'], properties: { step: str, intervalWorkingDays: int } } },
  },
  'GET /measures': { id: 'listMeasures', ok: { 200: page(ref('Measure')) } },
  'GET /measures/:code': {
    id: 'getMeasure',
    ok: { 200: { type: 'object', required: ['code', 'versions'], properties: { code: str, status: str, name: str, versions: { type: 'array', items: ref('Measure') } } } },
  },
  'POST /measures/changes': { id: 'proposeMeasureChange', ok: { 202: ref('UnderReview') } },
  'GET /measures/changes': { id: 'listMeasureChanges', ok: { 200: listOf(change) } },
  'GET /measures/changes/:changeId': { id: 'getMeasureChange', ok: { 200: change } },
  'POST /measures/changes/:changeId/decision': { id: 'decideMeasureChange', ok: { 200: ref('ChangeDecision') } },
  'GET /matching/proposals': {
    id: 'proposeMeasures',
    ok: {
      200: {
        type: 'object', required: ['documentKind', 'items'],
        properties: {
          documentKind: str, field: strOrNull, targetKind: str,
          items: { type: 'array', items: { type: 'object', properties: { code: str, name: str, list: str, category: str, rule: str } } },
        },
      },
    },
  },
  'POST /scoring-policies': { id: 'proposeScoringPolicy', ok: { 202: ref('UnderReview') } },
  'GET /scoring-policies': { id: 'listScoringPolicies', ok: { 200: listOf(policy) } },
  'GET /scoring-policies/:changeId': { id: 'getScoringPolicy', ok: { 200: policy } },
  'POST /scoring-policies/:changeId/decision': { id: 'decideScoringPolicy', ok: { 200: ref('ChangeDecision') } },
  'POST /targets/:targetId/acts': { id: 'recordAct', ok: { 200: ref('ActAnswer'), 201: ref('ActAnswer') } },
  'POST /acts': { id: 'recordActByCode', ok: { 200: ref('ActAnswer'), 201: ref('ActAnswer') } },
  'POST /targets/:targetId/acts/:actId/correction': { id: 'correctAct', ok: { 200: ref('ActAnswer'), 201: ref('ActAnswer') } },
  'GET /targets/:targetId/score': {
    id: 'getScore',
    ok: { 200: { type: 'object', required: ['targetId', 'policy', 'acts'], properties: { targetId: str, policy: obj, acts: { type: 'array', items: obj } } } },
  },
  'GET /inbox': { id: 'readInbox', ok: { 200: listOf(ref('Notice')) } },
  'GET /notices/parked': { id: 'listParkedNotices', ok: { 200: page({ type: 'object', required: ['id'], properties: { id: int, webhookId: str, agencyId: str, kind: str, attempts: int, lastError: strOrNull, retries: { type: 'array', items: obj } } }) } },
  'POST /notices/:id/retry': {
    id: 'retryNotice', ok: { 202: { type: 'object', required: ['id'], properties: { id: int, retriedAt: str, retriedBy: str, by: strOrNull, attemptsBefore: int } } },
  },
  'POST /agencies': {
    id: 'registerAgency',
    ok: { 201: { type: 'object', required: ['agency', 'keyId', 'apiKey'], properties: { agency: ref('Agency'), keyId: str, apiKey: str, notifySecret: str } } },
  },
  'GET /agencies': { id: 'listAgencies', ok: { 200: listOf(ref('Agency')) } },
  'PATCH /agencies/:agencyId': { id: 'changeAgency', ok: withAgency(200, true) },
  'POST /agencies/:agencyId/notify-secret': { id: 'replaceNotifySecret', ok: withAgency(201, true) },
  'GET /agencies/directory': { id: 'getAgencyDirectory' },
  'GET /agencies/:agencyId/keys': { id: 'listAgencyKeys' },
  'POST /agencies/:agencyId/keys': {
    id: 'requestAgencyKey', ok: { 202: { type: 'object', required: ['requestId', 'status'], properties: { requestId: str, agencyId: str, status: str, message: str } } },
  },
  'DELETE /agencies/:agencyId/keys/:keyId': { id: 'revokeAgencyKey', ok: { 200: { type: 'object', required: ['keyId', 'revoked'], properties: { keyId: str, revoked: bool } } } },
  'POST /reports': { id: 'fileReport' },
  'GET /reports': { id: 'listReports' },
  'GET /publicity/feed': { id: 'readPublicityFeed' },
  'GET /cases/:caseId/publicity': {
    id: 'getCasePublicity', ok: { 200: { type: 'object', required: ['caseId', 'items'], properties: { caseId: str, items: { type: 'array', items: { type: 'object', properties: { recordId: {}, code: str, channel: str, status: str, orders: { type: 'array', items: obj } } } } } } },
  },
  'GET /publicity/rules': { id: 'getPublicityRules' },
  'PUT /publicity/rules': { id: 'setPublicityRules', ok: { 200: { type: 'object', required: ['rules'], properties: { rules: obj, sources: { type: 'object', additionalProperties: str } } } } },
  'GET /cases/:caseId/letters': { id: 'listLetters', ok: { 200: { type: 'object', required: ['caseId', 'items'], properties: { caseId: str, items: { type: 'array', items: ref('Letter') } } } } },
  'GET /cases/:caseId/letters/:letterId': {
    id: 'getLetter',
    ok: { 200: { description: 'the letter as JSON (format=json) or as a PDF (the default)', content: { 'application/json': { schema: ref('Letter') }, 'application/pdf': { schema: { type: 'string', format: 'binary' } } } } },
  },
  'GET /public/credit': { id: 'queryPublicCredit' },
  'POST /key-requests/:requestId/decision': {
    id: 'decideKeyRequest',
    ok: {
      200: { description: 'refused', type: 'object', required: ['requestId', 'status'], properties: { requestId: str, status: str } },
      201: { description: 'approved: the key is here and only here', type: 'object', required: ['requestId', 'status', 'keyId', 'apiKey'], properties: { requestId: str, status: str, agencyId: str, keyId: str, apiKey: str } },
    },
  },
  'GET /key-requests': { id: 'listKeyRequests', ok: { 200: listOf(keyRequest) } },
  'GET /audit': {
    id: 'readAudit',
    ok: { 200: page({ type: 'object', required: ['id', 'at', 'action'], properties: { id: {}, at: str, action: str, actorAgencyId: strOrNull, actorKeyId: strOrNull, targetId: strOrNull, detail: {}, requestId: strOrNull } }) },
  },
  'GET /stats': {
    id: 'getStats',
    ok: {
      200: {
        description: 'the figures as JSON, or as CSV (format=csv)',
        content: {
          'application/json': { schema: { type: 'object', required: ['from', 'to', 'total'], properties: { from: str, to: str, agencyId: strOrNull, asOf: str, total: obj, steps: {} } } },
          'text/csv': { schema: str },
        },
      },
    },
  },
  'GET /imports/columns': {
    id: 'getImportColumns',
    ok: { 200: { type: 'object', required: ['formats', 'columns'], properties: { formats: { type: 'array', items: str }, maxRows: int, rows: str, columns: { type: 'array', items: obj } } } },
  },
  'POST /imports': {
    id: 'createImport',
    requestBody: {
      required: true, description: 'the file itself',
      content: { 'text/csv': file, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': file, 'application/x-ndjson': file },
    },
  },
  'GET /imports/:id': { id: 'getImport' },
  'GET /me': { id: 'whoAmI' },
  'GET /vocabulary': { id: 'getVocabulary', ok: { 200: { type: 'object', required: ['roles', 'steps', 'actions'], properties: { roles: obj, steps: obj, actions: obj, journal: obj }, description: 'labels of every vocabulary (kinds, rules, steps) for the workbench' } } },
};
