// The agency registry: ADMIN registers agencies with their roles and notification endpoint,
// issues keys (shown once, stored hashed) and revokes them, changes an endpoint and issues its
// signing secret (Standard Webhooks, `whsec_…`, shown once). An endpoint URL is checked when
// it is set (worker/outbox/url-policy.ts) and again by the outbox at every attempt.
import type { FastifyInstance } from 'fastify';
import {
  agencyById, allAgencies, issueKey, keyOfAgency, keysOf, newNotifySecret, notifySecretRefusal, registerAgency, replaceNotifySecret,
  revokeKey, setNotifyUrl, setPlace, type Agency,
} from '../../db/agencies';
import { ROLES, type Role } from '../../db/schema';
import { toShanghaiIso } from '../../domain/dates';
import { LEVELS, parentRefusal, type Level } from '../../domain/roles';
import { notifyUrlRefusal } from '../../worker/outbox/url-policy';
import { bearerSecurity, requireRoles } from '../auth';
import { badRequest, errorSchema, notFound } from '../errors';

const IMPLEMENTER_KINDS = ['approval_agency', 'other_department', 'industry_association', 'market_entity'] as const;

interface AgencyBody {
  name: string;
  level: Level;
  /** R4: the AUTHORITY at the level above, which its upward reports go to. */
  parentId?: string;
  field?: string;
  roles: Role[];
  implementerKind?: (typeof IMPLEMENTER_KINDS)[number];
  notifyUrl?: string;
  notifySecret?: string;
}

/** Never the signing secret: only whether there is one. */
function present(a: Agency) {
  return {
    id: a.id, name: a.name, level: a.level, parentId: a.parentId, field: a.field, roles: a.roles, implementerKind: a.implementerKind,
    notifyUrl: a.notifyUrl, hasNotifySecret: Boolean(a.notifySecret), notifyLegacySignature: a.notifyLegacySignature,
    createdAt: a.createdAt,
  };
}

const notifyUrlSchema = { type: 'string', maxLength: 500 } as const;

export async function agencyRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: AgencyBody }>('/agencies', {
    onRequest: requireRoles('ADMIN'),
    schema: {
      tags: ['agencies'], summary: 'Register an agency; its first API key is in the answer, and only there', security: bearerSecurity,
      body: {
        type: 'object', additionalProperties: false, required: ['name', 'level', 'roles'],
        properties: {
          name: { type: 'string', minLength: 2, maxLength: 200 },
          level: { type: 'string', enum: [...LEVELS], description: 'R4: district 区县, city 市, province 省 or national 国家' },
          parentId: { type: 'string', maxLength: 100, description: 'R4: the AUTHORITY at the level above (upward reports go there)' },
          field: { type: 'string', maxLength: 100 },
          roles: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...ROLES] } },
          implementerKind: { type: 'string', enum: [...IMPLEMENTER_KINDS] },
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
    const urlRefusal = b.notifyUrl === undefined ? null : notifyUrlRefusal(b.notifyUrl, app.deps.notify);
    if (urlRefusal) throw badRequest('notifyUrl', urlRefusal);
    const secretRefusal = b.notifySecret === undefined ? null : notifySecretRefusal(b.notifySecret);
    if (secretRefusal) throw badRequest('notifySecret', secretRefusal);
    await checkParent(b.parentId, { level: b.level });
    // Webhooks are signed: an endpoint without a secret of the ADMIN's gets one issued, shown once.
    const issued = b.notifyUrl && !b.notifySecret ? newNotifySecret() : undefined;
    const row = await registerAgency(app.deps.db, {
      name: b.name, level: b.level, parentId: b.parentId ?? null, field: b.field ?? null, roles: b.roles, implementerKind: b.implementerKind ?? null,
      notifyUrl: b.notifyUrl ?? null, notifySecret: b.notifySecret ?? issued ?? null,
    });
    const key = await issueKey(app.deps.db, row.id);
    return reply.status(201).send({ agency: present(row), keyId: key.keyId, apiKey: key.apiKey, ...(issued && { notifySecret: issued }) });
  });

  app.patch<{ Params: { agencyId: string }; Body: { notifyUrl?: string | null; level?: Level; parentId?: string | null } }>('/agencies/:agencyId', {
    onRequest: requireRoles('ADMIN'),
    schema: {
      tags: ['agencies'],
      summary: "Set or clear an agency's notification endpoint (a secret is issued with the first one, shown once), or its level and the AUTHORITY above it (R4)",
      security: bearerSecurity,
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: {
          notifyUrl: { type: ['string', 'null'], maxLength: 500 },
          level: { type: 'string', enum: [...LEVELS] },
          parentId: { type: ['string', 'null'], maxLength: 100 },
        },
      },
      response: { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema },
    },
  }, async (request) => {
    const { notifyUrl, level, parentId } = request.body;
    const agency = await agencyById(app.deps.db, request.params.agencyId);
    if (!agency) throw notFound('agencyId', `no agency ${request.params.agencyId}`);
    let row = agency;
    let issued: string | undefined;
    if (level !== undefined || parentId !== undefined) {
      const place = { level: level ?? agency.level, parentId: parentId === undefined ? agency.parentId : parentId };
      await checkParent(place.parentId ?? undefined, { id: agency.id, level: place.level });
      row = await setPlace(app.deps.db, agency.id, place);
    }
    if (notifyUrl !== undefined) {
      const urlRefusal = notifyUrl === null ? null : notifyUrlRefusal(notifyUrl, app.deps.notify);
      if (urlRefusal) throw badRequest('notifyUrl', urlRefusal);
      issued = notifyUrl && !agency.notifySecret ? newNotifySecret() : undefined;
      row = await setNotifyUrl(app.deps.db, agency.id, notifyUrl, issued);
    }
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
    const row = await replaceNotifySecret(app.deps.db, request.params.agencyId, notifySecret);
    if (!row) throw notFound('agencyId', `no agency ${request.params.agencyId}`);
    return reply.status(201).send({ agency: present(row), notifySecret });
  });

  app.get('/agencies', {
    onRequest: requireRoles('ADMIN', 'SUPERVISOR', 'CREDIT'),
    schema: { tags: ['agencies'], summary: 'Every registered agency and its roles', security: bearerSecurity },
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

  app.post<{ Params: { agencyId: string } }>('/agencies/:agencyId/keys', {
    onRequest: requireRoles('ADMIN'),
    schema: { tags: ['agencies'], summary: 'Issue another key (shown once)', security: bearerSecurity, response: { 404: errorSchema } },
  }, async (request, reply) => {
    const agency = await agencyById(app.deps.db, request.params.agencyId);
    if (!agency) throw notFound('agencyId', `no agency ${request.params.agencyId}`);
    return reply.status(201).send(await issueKey(app.deps.db, agency.id));
  });

  app.delete<{ Params: { agencyId: string; keyId: string } }>('/agencies/:agencyId/keys/:keyId', {
    onRequest: requireRoles('ADMIN'),
    schema: { tags: ['agencies'], summary: 'Revoke a key; it stops working at once', security: bearerSecurity, response: { 404: errorSchema } },
  }, async (request) => {
    const key = await keyOfAgency(app.deps.db, request.params.agencyId, request.params.keyId);
    if (!key) throw notFound('keyId', `no key ${request.params.keyId} of agency ${request.params.agencyId}`);
    await revokeKey(app.deps.db, key.id, app.deps.now());
    return { keyId: key.id, revoked: true };
  });
}
