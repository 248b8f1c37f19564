// R8 Publicity over HTTP: a platform (PUBLISHER) reads its feed of orders and confirms each through
// the case's action route (api/routes/action-table.ts); an agency that sees a case reads its
// records and orders; ADMIN sets 004's rules, which intake reads when a case is filed. The
// public's own query is api/routes/public.ts.
import type { FastifyInstance } from 'fastify';
import { publicityRules, setPublicityRules } from '../../db/publicity-rules';
import { feedOf, recordsOfCase } from '../../db/queries/publicity';
import { PENALTY_FIELD_IDS, PUBLICITY_RULE_SOURCES, publicityRulesProblem, type PublicityRules } from '../../domain/publicity';
import { audit } from '../audit';
import { bearerSecurity, requireRoles } from '../auth';
import { badRequest, errorSchema } from '../errors';
import { visibleCase } from './case-read';

const recordSchema = {
  type: 'object',
  description: 'The publicity record as a platform publishes it (README, "Publicity"). A person\'s identity number never leaves the system.',
  properties: {
    recordId: { type: 'string' }, channel: { type: 'string', enum: ['gsxt', 'creditchina'] }, channelName: { type: 'string' },
    subject: { type: 'object', properties: { kind: { type: 'string' }, name: { type: 'string' }, creditCode: { type: ['string', 'null'] } } },
    determinedOn: { type: 'string', format: 'date' },
    cause: {
      type: 'object',
      properties: {
        source: { type: 'string' }, documentNumber: { type: 'string' }, issuer: { type: 'string' }, issuedOn: { type: 'string' },
        penaltyType: { type: ['string', 'null'] }, penaltyTypeLabel: { type: ['string', 'null'] }, field: { type: ['string', 'null'] },
      },
    },
    measure: {
      type: 'object',
      properties: { code: { type: 'string' }, name: { type: 'string' }, category: { type: 'string' }, from: { type: 'string' }, until: { type: ['string', 'null'] } },
    },
    producer: { type: 'object', properties: { agencyId: { type: 'string' }, name: { type: 'string' } } },
    underObjection: { type: 'boolean', description: '异议标注: an objection or complaint is being handled' },
  },
  example: {
    recordId: 'C1a2b3c4d5e6.DM-R8-PUBLICITY-ADVERSE.gsxt.1', channel: 'gsxt', channelName: '国家企业信用信息公示系统',
    subject: { kind: 'enterprise', name: '杭州示例食品有限公司', creditCode: '91330106MA2XXXXX0Q' },
    determinedOn: '2026-11-02',
    cause: { source: 'penalty_decision', documentNumber: '杭市监罚〔2026〕12号', issuer: '杭州市市场监督管理局', issuedOn: '2026-11-02', penaltyType: 'fine', penaltyTypeLabel: '罚款', field: 'food' },
    measure: { code: 'DM-R8-PUBLICITY-ADVERSE', name: '公示不良信用信息', category: 'publicity', from: '2026-11-05', until: null },
    producer: { agencyId: 'demo-enforcement', name: '杭州市市场监督管理局执法稽查处' }, underObjection: false,
  },
} as const;

const orderSchema = {
  type: 'object',
  properties: {
    seq: { type: 'integer', description: 'the feed cursor: pass the last one as `after`' },
    orderId: { type: 'string' }, order: { type: 'string', enum: ['publish', 'mark', 'unmark', 'withdraw'] }, recordId: { type: 'string' },
    caseId: { type: 'string' }, record: recordSchema, dueAt: { type: 'string', format: 'date-time' }, sentAt: { type: 'string', format: 'date-time' },
    confirmedAt: { type: ['string', 'null'] }, reference: { type: ['string', 'null'] },
  },
} as const;

const rulesProperties = {
  smallFineBelow: { type: ['number', 'null'], minimum: 0, description: '004 §二(三)8: a fine below this (yuan) is a 较低数额罚款, published for minorPublicityMonths only; null: none is' },
  minorPublicityMonths: { type: 'integer', minimum: 1, maximum: 36, description: '004 §二(三)8: publicity of 通报批评 or a small fine, in months' },
  repairAfterMonths: { type: 'integer', minimum: 0, maximum: 60, description: '004 §二(三)8: months of publicity before a repair may be applied for' },
  noEarlyRepairFields: { type: 'array', uniqueItems: true, items: { type: 'string', enum: PENALTY_FIELD_IDS }, description: '004 §二(三)8: fields whose publicity runs its course' },
} as const;

export async function publicityRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { after?: number; limit?: number } }>('/publicity/feed', {
    onRequest: requireRoles('PUBLISHER'),
    schema: {
      tags: ['publicity'], security: bearerSecurity,
      summary: 'R8: the orders sent to this platform, oldest first after the cursor; confirm each at POST /cases/{caseId}/publicity-orders/{orderId}/confirmation',
      description: 'Each order is also sent as a signed webhook (Standard Webhooks, kind `publicity_order`) when the platform has an endpoint; the feed is the same orders for a platform that polls.',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { after: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
      },
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: orderSchema }, next: { type: 'integer' } } }, 401: errorSchema, 403: errorSchema },
    },
  }, async (request) => {
    const after = request.query.after ?? 0;
    const items = await feedOf(app.deps.db, request.agency!.id, after, request.query.limit ?? 100);
    return { items, next: items.length ? items[items.length - 1].seq : after };
  });

  app.get<{ Params: { caseId: string } }>('/cases/:caseId/publicity', {
    onRequest: requireRoles('ENFORCEMENT', 'CREDIT', 'LEGAL', 'AUTHORITY', 'IMPLEMENTER', 'SUPERVISOR', 'PUBLISHER'),
    schema: {
      tags: ['publicity'], security: bearerSecurity,
      summary: "R8: the case's records on each platform, their status (due, published, withdrawn) and every order sent and confirmed",
      params: { type: 'object', required: ['caseId'], properties: { caseId: { type: 'string', maxLength: 64 } } },
      response: { 401: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (request) => {
    const found = await visibleCase(app, request, request.params.caseId);
    return { caseId: found.caseId, items: await recordsOfCase(app.deps.db, found.caseId) };
  });

  app.get('/publicity/rules', {
    schema: {
      tags: ['publicity'], summary: "004's publicity rules in force, each with the seed it follows (public)",
      response: { 200: { type: 'object', properties: { rules: { type: 'object', properties: rulesProperties }, sources: { type: 'object', additionalProperties: { type: 'string' } } } } },
    },
  }, async () => ({ rules: await publicityRules(app.deps.db), sources: PUBLICITY_RULE_SOURCES }));

  app.put<{ Body: PublicityRules }>('/publicity/rules', {
    onRequest: requireRoles('ADMIN'),
    schema: {
      tags: ['publicity'], security: bearerSecurity,
      summary: "Set 004's publicity rules (ADMIN); cases filed from now on are published under them, earlier ones keep theirs",
      body: { type: 'object', additionalProperties: false, required: Object.keys(rulesProperties), properties: rulesProperties },
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema },
    },
  }, async (request) => {
    const problem = publicityRulesProblem(request.body);
    if (problem) throw badRequest(problem.field, problem.reason);
    const agency = request.agency!;
    await setPublicityRules(app.deps.db, request.body, `${agency.id} (${agency.name})`, app.deps.now());
    await audit(request, 'policy.changed', { detail: { publicityRules: request.body } });
    return { rules: await publicityRules(app.deps.db), sources: PUBLICITY_RULE_SOURCES };
  });
}
