// The supervisors' dashboard at `/`: three static files, no build step. The page asks for an
// agency key and calls the API with it; what it shows is what the key's roles may read.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { ROLES } from '../../domain/roles';
import { VOCABULARY } from '../../domain/vocabulary';
import { bearerSecurity, requireRoles } from '../auth';
import { errorSchema } from '../errors';

const FILES: Record<string, { type: string; body: Buffer }> = Object.fromEntries(
  [['index.html', 'text/html; charset=utf-8'], ['app.js', 'text/javascript; charset=utf-8'], ['style.css', 'text/css; charset=utf-8']]
    .map(([name, type]) => [name, { type, body: readFileSync(new URL(`../dashboard/${name}`, import.meta.url)) }]),
);

// The page loads only its own script and style and talks only to this API.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' blob:; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  const send = (name: string) => async (_req: unknown, reply: import('fastify').FastifyReply) => {
    const file = FILES[name];
    return reply.type(file.type).header('content-security-policy', CSP).header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-cache').send(file.body);
  };
  app.get('/', { schema: { hide: true } }, send('index.html'));
  for (const name of ['app.js', 'style.css']) app.get(`/dashboard/${name}`, { schema: { hide: true } }, send(name));

  app.get('/me', {
    onRequest: requireRoles(...ROLES),
    schema: {
      security: bearerSecurity,
      tags: ['agencies'],
      summary: 'The agency the key belongs to, with its roles and what it reads (its region, national scope)',
      response: {
        200: {
          type: 'object',
          properties: {
            id: { type: 'string' }, name: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } }, field: { type: ['string', 'null'] },
            region: { type: ['string', 'null'] }, nationalScope: { type: 'boolean' },
          },
        },
        401: errorSchema,
      },
    },
  }, async (request) => {
    const a = request.agency!;
    return { id: a.id, name: a.name, roles: a.roles, field: a.field, region: a.region, nationalScope: a.nationalScope };
  });

  app.get('/vocabulary', {
    schema: {
      tags: ['system'],
      summary: 'Every label the product shows (roles, steps, journal kinds, statuses, lists, document kinds), from its registry',
      response: { 200: { type: 'object', additionalProperties: true } },
    },
  }, async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(VOCABULARY));
}
