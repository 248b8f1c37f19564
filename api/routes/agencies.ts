// The agency registry: ADMIN registers agencies with their roles, region and notification
// endpoint, changes them, issues a signing secret (Standard Webhooks, `whsec_…`, shown once) and
// revokes keys; a key for an existing agency takes a second ADMIN (api/routes/keys.ts). Every
// change is on the audit trail (who, when, with which key), in the transaction that makes it. An
// endpoint URL is checked when it is set (worker/outbox/url-policy.ts) and again by the outbox.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { agenciesWithRoles, notify } from '../../activities/notices';
import {
  agencyById, allAgencies, changeAgency, issueKey, keyOfAgency, keysOf, newNotifySecret, notifySecretRefusal, registerAgency, replaceNotifySecret,
  revokeKey, type Agency,
} from '../../db/agencies';
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/client';
import { ROLES, type Role } from '../../db/schema';
import { toShanghaiIso } from '../../domain/dates';
import { REGIONAL_READERS, regionProblem } from '../../domain/regions';
import { CHANNEL_IDS, type Channel } from '../../domain/publicity';
import { LEVELS, parentRefusal, type Level } from '../../domain/roles';
import { notifyUrlRefusal } from '../../worker/outbox/url-policy';
import { auditEntry } from '../audit';
import { bearerSecurity, requireRoles } from '../auth';
import { badRequest, errorSchema, notFound } from '../errors';

const IMPLEMENTER_KINDS = ['approval_agency', 'other_department', 'industry_association', 'market_entity'] as const;

interface AgencyBody {
  name: string;
  level: Level;
  /** R4: the AUTHORITY at the level above, which its upward reports go to. */
  parentId?: string;
  region: string;
  nationalScope?: boolean;
  field?: string;
  roles: Role[];
  implementerKind?: (typeof IMPLEMENTER_KINDS)[number];
  /** R8: the platform a PUBLISHER runs. */
  publisherChannel?: Channel;
  notifyUrl?: string;
  notifySecret?: string;
}

interface AgencyChange {
  notifyUrl?: string | null;
  level?: Level;
  parentId?: string | null;
  region?: string;
  nationalScope?: boolean;
}

/** Never the signing secret: only whether there is one. */
function present(a: Agency) {
  return {
    id: a.id, name: a.name, level: a.level, parentId: a.parentId, region: a.region, nationalScope: a.nationalScope, field: a.field, roles: a.roles,
    implementerKind: a.implementerKind, publisherChannel: a.publisherChannel, notifyUrl: a.notifyUrl, hasNotifySecret: Boolean(a.notifySecret),
    notifyLegacySignature: a.notifyLegacySignature, createdAt: a.createdAt,
  };
}

const notifyUrlSchema = { type: 'string', maxLength: 500 } as const;
const regionSchema = { type: 'string', pattern: '^[0-9]{6}$', description: '行政区划代码 (GB/T 2260): 330000 a province, 330100 a city, 330106 a district' } as const;

function checkRegion(region: string | undefined): void {
  const problem = region === undefined ? null : regionProblem(region);
  if (problem) throw badRequest('region', problem);
}

/** National scope is a reading scope: only for a role that reads by region. */
function checkNationalScope(nationalScope: boolean | undefined, roles: readonly Role[]): void {
  if (nationalScope && !roles.some((r) => REGIONAL_READERS.includes(r))) {
    throw badRequest('nationalScope', `only ${REGIONAL_READERS.join(', ')} read by region; national scope does not apply to ${roles.join(', ')}`);
  }
}

/** R14: a new ADMIN agency is told to the supervisors and the other ADMINs at once (README, "Security"). */
async function tellOfNewAdmin(tx: Db, request: FastifyRequest, row: Agency): Promise<void> {
  const agencyIds = (await agenciesWithRoles(tx, ['SUPERVISOR', 'ADMIN'])).filter((id) => id !== row.id && id !== request.agency!.id);
  await notify(tx, {
    eventKey: `admin-registered/${row.id}`, agencyIds, kind: 'admin_registered', rule: 'R14',
    subject: `${request.agency!.name} 新登记了系统管理员机构「${row.name}」`,
    detail: { agencyId: row.id, by: request.agency!.id, byKey: request.keyId }, at: request.server.deps.now().toISOString(),
  });
}

export async function agencyRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: AgencyBody }>('/agencies', {
    onRequest: requireRoles('ADMIN'),
    schema: {
      tags: ['agencies'], summary: 'Register an agency; its first API key is in the answer, and only there', security: bearerSecurity,
      description: 'Recorded on the audit trail with the ADMIN agency and key that registered it; a new ADMIN agency is told to the supervisors.',
      body: {
        type: 'object', additionalProperties: false, required: ['name', 'level', 'region', 'roles'],
        properties: {
          name: { type: 'string', minLength: 2, maxLength: 200 },
          level: { type: 'string', enum: [...LEVELS], description: 'R4: district 区县, city 市, province 省 or national 国家' },
          parentId: { type: 'string', maxLength: 100, description: 'R4: the AUTHORITY at the level above (upward reports go there)' },
          region: regionSchema,
          nationalScope: { type: 'boolean', description: 'reads every region (ENFORCEMENT, CREDIT, LEGAL, SUPERVISOR); granted explicitly' },
          field: { type: 'string', maxLength: 100 },
          roles: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...ROLES] } },
          implementerKind: { type: 'string', enum: [...IMPLEMENTER_KINDS] },
          publisherChannel: { type: 'string', enum: [...CHANNEL_IDS], description: 'R8: the platform a PUBLISHER runs: gsxt 国家企业信用信息公示系统, creditchina 信用中国' },
          notifyUrl: notifyUrlSchema,
          notifySecret: { type: 'string', maxLength: 200, description: 'whsec_ + base64 of 24–64 bytes; left out, one is issued' },
        },
      },
      response: { 201: { type: 'object', additionalProperties: true }, 400: errorSchema, 401: errorSchema, 403: errorSchema },
    },
  }, async (request, reply) => {
    const b = request.body;
    if (b.roles.includes('IMPLEMENTER') && !b.implementerKind) throw badRequest('implementerKind', 'is required for an IMPLEMENTER');
    if (!b.roles.includes('IMPLEMENTER') && b.implementerKind) throw badRequest('implementerKind', 'only an IMPLEMENTER has one');
    if (b.roles.includes('PUBLISHER') && !b.publisherChannel) throw badRequest('publisherChannel', 'is required for a PUBLISHER (公示平台): the platform it runs');
    if (!b.roles.includes('PUBLISHER') && b.publisherChannel) throw badRequest('publisherChannel', 'only a PUBLISHER runs a platform');
    checkRegion(b.region);
    checkNationalScope(b.nationalScope, b.roles);
    const urlRefusal = b.notifyUrl === undefined ? null : notifyUrlRefusal(b.notifyUrl, app.deps.notify);
    if (urlRefusal) throw badRequest('notifyUrl', urlRefusal);
    const secretRefusal = b.notifySecret === undefined ? null : notifySecretRefusal(b.notifySecret);
    if (secretRefusal) throw badRequest('notifySecret', secretRefusal);
    await checkParent(b.parentId, { level: b.level });
    // Webhooks are signed: an endpoint without a secret of the ADMIN's gets one issued, shown once.
    const issued = b.notifyUrl && !b.notifySecret ? newNotifySecret() : undefined;
    const { row, key } = await app.deps.db.transaction(async (tx) => {
      const db = tx as unknown as Db;
      const row = await registerAgency(db, {
        name: b.name, level: b.level, parentId: b.parentId ?? null, region: b.region, nationalScope: b.nationalScope ?? false, field: b.field ?? null, roles: b.roles,
        implementerKind: b.implementerKind ?? null, publisherChannel: b.publisherChannel ?? null, notifyUrl: b.notifyUrl ?? null, notifySecret: b.notifySecret ?? issued ?? null,
      });
      const key = await issueKey(db, row.id);
      await appendAudit(tx, [
        auditEntry(request, 'agency.registered', { subjectAgencyId: row.id, detail: { name: row.name, roles: row.roles, region: row.region, nationalScope: row.nationalScope } }),
        auditEntry(request, 'key.issued', { subjectAgencyId: row.id, detail: { keyId: key.keyId, via: 'registration' } }),
      ]);
      if (b.roles.includes('ADMIN')) await tellOfNewAdmin(db, request, row);
      return { row, key };
    });
    return reply.status(201).send({ agency: present(row), keyId: key.keyId, apiKey: key.apiKey, ...(issued && { notifySecret: issued }) });
  });

  app.patch<{ Params: { agencyId: string }; Body: AgencyChange }>('/agencies/:agencyId', {
    onRequest: requireRoles('ADMIN'),
    schema: {
      tags: ['agencies'], security: bearerSecurity,
      summary: "Change an agency's notification endpoint (a secret is issued with the first one, shown once), region, national scope, or its level and the AUTHORITY above it (R4)",
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: {
          notifyUrl: { type: ['string', 'null'], maxLength: 500 }, region: regionSchema, nationalScope: { type: 'boolean' },
          level: { type: 'string', enum: [...LEVELS] }, parentId: { type: ['string', 'null'], maxLength: 100 },
        },
      },
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (request) => {
    const change = request.body;
    const urlRefusal = change.notifyUrl === undefined || change.notifyUrl === null ? null : notifyUrlRefusal(change.notifyUrl, app.deps.notify);
    if (urlRefusal) throw badRequest('notifyUrl', urlRefusal);
    checkRegion(change.region);
    const agency = await agencyById(app.deps.db, request.params.agencyId);
    if (!agency) throw notFound('agencyId', `no agency ${request.params.agencyId}`);
    checkNationalScope(change.nationalScope, agency.roles);
    if (change.level !== undefined || change.parentId !== undefined) {
      const parentId = change.parentId === undefined ? agency.parentId : change.parentId;
      await checkParent(parentId ?? undefined, { id: agency.id, level: change.level ?? agency.level });
    }
    const issued = change.notifyUrl && !agency.notifySecret ? newNotifySecret() : undefined;
    const row = await app.deps.db.transaction(async (tx) => {
      const changed = (await changeAgency(tx as unknown as Db, agency.id, { ...change, issuedSecret: issued }))!;
      const before = Object.fromEntries(Object.keys(change).map((k) => [k, agency[k as keyof AgencyChange]]));
      await appendAudit(tx, auditEntry(request, 'agency.changed', { subjectAgencyId: agency.id, detail: { before, after: change, secretIssued: Boolean(issued) } }));
      return changed;
    });
    return { agency: present(row), ...(issued && { notifySecret: issued }) };
  });

  /** R4: the parent named is an AUTHORITY at a level above. */
  async function checkParent(parentId: string | undefined, child: { id?: string; level: string }): Promise<void> {
    if (!parentId) return;
    const parent = await agencyById(app.deps.db, parentId);
    if (!parent) throw badRequest('parentId', `no agency ${parentId}`);
    const refusal = parentRefusal(child, parent);
    if (refusal) throw badRequest('parentId', refusal);
  }

  app.post<{ Params: { agencyId: string } }>('/agencies/:agencyId/notify-secret', {
    onRequest: requireRoles('ADMIN'),
    schema: {
      tags: ['agencies'], summary: 'Issue a new webhook signing secret (shown once); the old one and the pre-standard headers stop at once',
      security: bearerSecurity, response: { 401: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (request, reply) => {
    const notifySecret = newNotifySecret();
    const row = await app.deps.db.transaction(async (tx) => {
      const replaced = await replaceNotifySecret(tx as unknown as Db, request.params.agencyId, notifySecret);
      if (replaced) await appendAudit(tx, auditEntry(request, 'agency.notify_secret_issued', { subjectAgencyId: replaced.id }));
      return replaced;
    });
    if (!row) throw notFound('agencyId', `no agency ${request.params.agencyId}`);
    return reply.status(201).send({ agency: present(row), notifySecret });
  });

  app.get('/agencies', {
    onRequest: requireRoles('ADMIN', 'SUPERVISOR', 'CREDIT'),
    schema: { tags: ['agencies'], summary: 'Every registered agency, its roles and region', security: bearerSecurity },
  }, async () => ({ items: (await allAgencies(app.deps.db)).map(present) }));

  // The clerks' pickers (the receiving AUTHORITY, implementers by kind, LEGAL for a review): who
  // each agency is and where it sits, never its endpoint or secrets.
  app.get('/agencies/directory', {
    onRequest: requireRoles(...ROLES),
    schema: {
      tags: ['agencies'], security: bearerSecurity,
      summary: 'The agency directory any agency reads: id, name, roles, level, the AUTHORITY above, field, implementer kind',
      response: {
        200: {
          type: 'object',
          properties: {
            items: {
              type: 'array',
              items: {
                type: 'object', additionalProperties: false,
                properties: {
                  id: { type: 'string' }, name: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } },
                  level: { type: 'string' }, parentId: { type: ['string', 'null'] }, field: { type: ['string', 'null'] },
                  implementerKind: { type: ['string', 'null'] },
                },
              },
            },
          },
        },
        401: errorSchema,
      },
    },
  }, async () => ({
    items: (await allAgencies(app.deps.db)).map((a) => ({
      id: a.id, name: a.name, roles: a.roles, level: a.level, parentId: a.parentId, field: a.field, implementerKind: a.implementerKind,
    })),
  }));

  app.get<{ Params: { agencyId: string } }>('/agencies/:agencyId/keys', {
    onRequest: requireRoles('ADMIN'),
    schema: {
      tags: ['agencies'], summary: "An agency's keys: ids and dates, never the keys themselves", security: bearerSecurity,
      response: {
        200: { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: { keyId: { type: 'string' }, createdAt: { type: 'string' }, revokedAt: { type: ['string', 'null'] } } } } } },
        401: errorSchema, 403: errorSchema, 404: errorSchema,
      },
    },
  }, async (request) => {
    const agency = await agencyById(app.deps.db, request.params.agencyId);
    if (!agency) throw notFound('agencyId', `no agency ${request.params.agencyId}`);
    const keys = await keysOf(app.deps.db, agency.id);
    return { items: keys.map((k) => ({ keyId: k.keyId, createdAt: toShanghaiIso(k.createdAt), revokedAt: k.revokedAt ? toShanghaiIso(k.revokedAt) : null })) };
  });

  app.delete<{ Params: { agencyId: string; keyId: string } }>('/agencies/:agencyId/keys/:keyId', {
    onRequest: requireRoles('ADMIN'),
    schema: { tags: ['agencies'], summary: 'Revoke a key; it stops working at once (on the audit trail)', security: bearerSecurity, response: { 404: errorSchema } },
  }, async (request) => {
    const key = await keyOfAgency(app.deps.db, request.params.agencyId, request.params.keyId);
    if (!key) throw notFound('keyId', `no key ${request.params.keyId} of agency ${request.params.agencyId}`);
    await app.deps.db.transaction(async (tx) => {
      const revoked = await revokeKey(tx as unknown as Db, key.id, app.deps.now());
      if (revoked) await appendAudit(tx, auditEntry(request, 'key.revoked', { subjectAgencyId: key.agencyId, detail: { keyId: key.id } }));
    });
    return { keyId: key.id, revoked: true };
  });
}
