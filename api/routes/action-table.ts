// The route of every agency action on a case: its URL, the shape of its input, and what the
// Update carries besides the actor and the instant (which api/routes/actions.ts adds from the key
// and the clock). One entry per action of the registry (domain/actions.ts).
import type { FastifyInstance } from 'fastify';
import { isoDateSchema } from './schemas';
import { agencyById } from '../../db/agencies';
import type { CaseScope } from '../../db/queries/cases';
import type { ActionName } from '../../domain/actions';
import { parseIsoDate } from '../../domain/dates';
import type { ActionArgs } from '../../workflows/messages';
import { derivedId, type Idempotency } from '../engine';
import { badRequest } from '../errors';

const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max } as const);
const reason = { type: 'string', minLength: 2, maxLength: 5000 } as const;
const note = { type: 'object', additionalProperties: false, properties: { note: { type: 'string', maxLength: 5000, default: '' } } } as const;
const isoDate = isoDateSchema;
const decision = (outcomes: string[]) => ({
  type: 'object', additionalProperties: false, required: ['outcome', 'reason'],
  properties: { outcome: { type: 'string', enum: outcomes }, reason },
} as const);

type Params = Record<string, string>;
type Body = Record<string, unknown>;
type Specific<A extends ActionName> = Omit<ActionArgs[A], 'actor' | 'at' | 'fingerprint'>;

export interface ActionRoute<A extends ActionName> {
  name: A;
  url: string;
  summary: string;
  body?: object;
  /** The field a refusal names. */
  field: string;
  created?: boolean;
  build(p: Params, b: Body, ctx: { idem: Idempotency; today: string; scope: CaseScope; actor: string }): Specific<A> | Promise<Specific<A>>;
}

const route = <A extends ActionName>(r: ActionRoute<A>) => r;

export function actionRoutesTable(app: FastifyInstance) {
  const date = (field: string, value: unknown) => {
    if (typeof value !== 'string' || !parseIsoDate(value)) throw badRequest(field, 'is not a real calendar date (YYYY-MM-DD)');
    return value;
  };
  return [
    route({ name: 'receiveCase', url: '/cases/:caseId/receipt', summary: 'R5: the receiving AUTHORITY receives the case', field: 'caseId', build: (p) => ({ caseId: p.caseId }) }),
    route({
      name: 'pushToImplementers', url: '/cases/:caseId/implementers', field: 'implementers',
      summary: 'R5: the AUTHORITY pushes measures of the case to implementers of their kind (receiving it too, if not yet); pushes may follow one another until every measure is given out',
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
      build: async (p, b, { scope }) => ({ caseId: p.caseId, implementers: await implementersOf(app, scope, b.implementers as { agencyId: string; measures: string[] }[]) }),
    }),
    route({
      name: 'markNotApplicable', url: '/cases/:caseId/not-applicable', field: 'measures',
      summary: 'R5: the AUTHORITY records measures of the case that no local implementer carries out, each with the reason',
      body: {
        type: 'object', additionalProperties: false, required: ['measures'],
        properties: { measures: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'object', additionalProperties: false, required: ['code', 'reason'], properties: { code: text(64), reason } } } },
      },
      build: (p, b) => ({ caseId: p.caseId, measures: b.measures as { code: string; reason: string }[] }),
    }),
    route({ name: 'acknowledge', url: '/cases/:caseId/acknowledgement', summary: 'R5: an implementer acknowledges the measures pushed to it; they are in force from today', field: 'caseId', build: (p) => ({ caseId: p.caseId }) }),
    route({
      name: 'forwardUpwardReport', url: '/cases/:caseId/upward-reports/:reportId/forward', field: 'reportId', body: note,
      summary: 'R4: the level this report reached passes it to the AUTHORITY above it (its parent), with the 失信情况 note',
      build: async (p, b, { actor }) => {
        const me = await agencyById(app.deps.db, actor);
        if (!me?.parentId) throw badRequest('reportId', 'this agency has no level above it in the registry: confirm the report instead');
        return { caseId: p.caseId, reportId: p.reportId, to: me.parentId, note: String(b.note ?? '') };
      },
    }),
    route({
      name: 'confirmUpwardReport', url: '/cases/:caseId/upward-reports/:reportId/confirm', field: 'reportId', body: note,
      summary: 'R4: the level that carries out the measures (or the last one) confirms the report',
      build: (p, b) => ({ caseId: p.caseId, reportId: p.reportId, note: String(b.note ?? '') }),
    }),
    route({
      name: 'answerConsultation', url: '/cases/:caseId/consultations/:requestId/answer', field: 'requestId',
      summary: 'R2/R3: a consulted agency (会商) or LEGAL (法制审核) answers: agree, or disagree with reasons',
      body: { type: 'object', additionalProperties: false, required: ['agree', 'reason'], properties: { agree: { type: 'boolean' }, reason } },
      build: (p, b) => ({ caseId: p.caseId, requestId: p.requestId, agree: Boolean(b.agree), reason: String(b.reason) }),
    }),
    route({
      name: 'fileObjection', url: '/cases/:caseId/objections', field: 'caseId', created: true,
      summary: "R11: record the party's objection, by the agency that filed the case or a CREDIT agency for it: its measures are suspended while the filer verifies (15 working days)",
      body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason } },
      build: (p, b, { idem }) => ({ caseId: p.caseId, objectionId: derivedId('O', idem.updateId), reason: String(b.reason) }),
    }),
    route({
      name: 'flagInformation', url: '/cases/:caseId/flags', field: 'caseId', created: true,
      summary: 'R11: an implementer finds the information wrong and asks the agency that provided it to verify; the measures are suspended meanwhile',
      body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason } },
      build: (p, b, { idem }) => ({ caseId: p.caseId, objectionId: derivedId('O', idem.updateId), reason: String(b.reason) }),
    }),
    route({
      name: 'decideObjection', url: '/cases/:caseId/objections/:objectionId/decision', field: 'objectionId',
      summary: 'R11: the filing agency decides: rejected (the period resumes, suspended days added) or upheld (the AUTHORITY releases within 3 working days)',
      body: decision(['rejected', 'upheld']),
      build: (p, b) => ({ caseId: p.caseId, objectionId: p.objectionId, outcome: b.outcome as 'rejected', reason: String(b.reason) }),
    }),
    route({
      name: 'fileComplaint', url: '/cases/:caseId/complaints', field: 'caseId', created: true,
      summary: "R11: the joint-conference office (a CREDIT agency) records the party's complaint after a rejected objection; the measures are suspended again",
      body: { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason } },
      build: (p, b, { idem }) => ({ caseId: p.caseId, complaintId: derivedId('K', idem.updateId), reason: String(b.reason) }),
    }),
    route({
      name: 'decideComplaint', url: '/cases/:caseId/complaints/:complaintId/decision', field: 'complaintId', body: decision(['rejected', 'upheld']),
      summary: 'R11: the office decides the complaint: rejected (the period resumes) or upheld (the AUTHORITY releases within 3 working days)',
      build: (p, b) => ({ caseId: p.caseId, complaintId: p.complaintId, outcome: b.outcome as 'rejected', reason: String(b.reason) }),
    }),
    route({ name: 'releaseCase', url: '/cases/:caseId/release', summary: 'R11: after an upheld objection or complaint the AUTHORITY releases the measures, stops publicity and tells the implementers', field: 'caseId', build: (p) => ({ caseId: p.caseId }) }),
    route({
      name: 'recordCauseChange', url: '/cases/:caseId/cause-changes', field: 'confirmedOn',
      summary: 'R11: the filing agency records that review, reconsideration or litigation changed or revoked the cause; the AUTHORITY adjusts within 3 working days of the confirmation',
      body: {
        type: 'object', additionalProperties: false, required: ['change', 'document', 'confirmedOn'],
        properties: {
          change: { type: 'string', enum: ['changed', 'revoked'] },
          document: { type: 'object', additionalProperties: false, required: ['number', 'issuedOn', 'issuer'], properties: { number: text(100), issuedOn: isoDate, issuer: text(200) } },
          confirmedOn: { ...isoDate, description: 'the day the change was confirmed (its 3 working days count from it)' },
        },
      },
      build: (p, b) => {
        const document = b.document as { number: string; issuedOn: string; issuer: string };
        date('document.issuedOn', document.issuedOn);
        return { caseId: p.caseId, change: b.change as 'changed', document, confirmedOn: date('confirmedOn', b.confirmedOn) };
      },
    }),
    route({
      name: 'adjustCase', url: '/cases/:caseId/adjustment', field: 'caseId',
      summary: 'R11: the AUTHORITY releases the case, or drops measures and shortens periods, after the cause changed; the implementers are told',
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          release: { type: 'boolean', default: false },
          drop: { type: 'array', maxItems: 100, items: text(64), default: [] },
          shorten: { type: 'array', maxItems: 100, default: [], items: { type: 'object', additionalProperties: false, required: ['code', 'periodEnd'], properties: { code: text(64), periodEnd: isoDate } } },
        },
      },
      build: (p, b) => {
        const shorten = (b.shorten as { code: string; periodEnd: string }[]).map((s, i) => ({ code: s.code, periodEnd: date(`shorten.${i}.periodEnd`, s.periodEnd) }));
        return { caseId: p.caseId, release: Boolean(b.release), drop: b.drop as string[], shorten };
      },
    }),
    route({
      name: 'fileRepair', url: '/cases/:caseId/repairs', field: 'caseId', created: true,
      summary: "R12: record the party's credit-repair application with the agency that filed the case (reviewed within 15 working days); with secondary materials missing, on a dated commitment",
      body: {
        type: 'object', additionalProperties: false,
        properties: {
          commitment: {
            type: 'object', additionalProperties: false, required: ['materials', 'dueOn'],
            properties: { materials: { type: 'string', minLength: 2, maxLength: 2000 }, dueOn: isoDate },
          },
        },
      },
      build: (p, b, { idem, today }) => ({ caseId: p.caseId, repairId: derivedId('R', idem.updateId), commitment: checkCommitment(b.commitment, today) }),
    }),
    route({
      name: 'decideRepair', url: '/cases/:caseId/repairs/:repairId/decision', field: 'repairId', body: decision(['approved', 'rejected']),
      summary: 'R12: the filing agency approves (publicity stops; measures released, legal minimums aside) or rejects a repair',
      build: (p, b) => ({ caseId: p.caseId, repairId: p.repairId, outcome: b.outcome as 'approved', reason: String(b.reason) }),
    }),
    route({ name: 'supplyMaterials', url: '/cases/:caseId/repairs/:repairId/materials', summary: 'R12: the promised secondary materials arrived: the commitment is kept', field: 'repairId', build: (p) => ({ caseId: p.caseId, repairId: p.repairId }) }),
    route({
      name: 'confirmPublicityOrder', url: '/cases/:caseId/publicity-orders/:orderId/confirmation', field: 'orderId',
      summary: 'R8: the platform an order was sent to confirms it carried it out (published, marked, unmarked or withdrawn), with its own reference',
      body: { type: 'object', additionalProperties: false, required: ['reference'], properties: { reference: { ...text(200), description: "the platform's own id of what it did" } } },
      build: (p, b) => ({ caseId: p.caseId, orderId: p.orderId, reference: String(b.reference) }),
    }),
    route({
      name: 'recordLetterDelivery', url: '/cases/:caseId/letters/:letterId/delivery', field: 'deliveredOn',
      summary: 'R17: the AUTHORITY records when and how a letter (失信告知书 or an answer) reached the party',
      body: {
        type: 'object', additionalProperties: false, required: ['deliveredOn', 'way'],
        properties: { deliveredOn: isoDate, way: { type: 'string', enum: ['direct', 'post', 'electronic'], description: 'direct 直接送达, post 邮寄送达, electronic 电子送达' } },
      },
      build: (p, b, ctx) => {
        const deliveredOn = date('deliveredOn', b.deliveredOn);
        if (deliveredOn > ctx.today) throw badRequest('deliveredOn', `is after today (${ctx.today})`);
        return { caseId: p.caseId, letterId: p.letterId, deliveredOn, way: b.way as 'direct' };
      },
    }),
  ];
}

/**
 * R5: each implementer named is a registered IMPLEMENTER, named once, with its kind from the
 * registry; the case's AUTHORITY itself carries out the measures of the `authority` kind (R7, R8).
 */
export async function implementersOf(app: FastifyInstance, scope: Pick<CaseScope, 'authorityId'>, list: { agencyId: string; measures: string[] }[]) {
  const seen = new Set<string>();
  const out: ActionArgs['pushToImplementers']['implementers'] = [];
  for (const [i, impl] of list.entries()) {
    if (seen.has(impl.agencyId)) throw badRequest(`implementers.${i}.agencyId`, 'is listed twice');
    seen.add(impl.agencyId);
    if (impl.agencyId === scope.authorityId) {
      out.push({ ...impl, kind: 'authority' });
      continue;
    }
    const agency = await agencyById(app.deps.db, impl.agencyId);
    if (!agency) throw badRequest(`implementers.${i}.agencyId`, `no agency ${impl.agencyId}`);
    if (!agency.roles.includes('IMPLEMENTER')) throw badRequest(`implementers.${i}.agencyId`, `${agency.name} is not an IMPLEMENTER (实施机构)`);
    if (!agency.implementerKind) throw badRequest(`implementers.${i}.agencyId`, `${agency.name} has no implementer kind in the registry; an ADMIN sets it`);
    out.push({ ...impl, kind: agency.implementerKind });
  }
  return out;
}

function checkCommitment(raw: unknown, today: string): { materials: string; dueOn: string } | null {
  if (!raw) return null;
  const c = raw as { materials: string; dueOn: string };
  if (!parseIsoDate(c.dueOn)) throw badRequest('commitment.dueOn', 'is not a real calendar date (YYYY-MM-DD)');
  if (c.dueOn < today) throw badRequest('commitment.dueOn', `is in the past (today is ${today})`);
  return c;
}
