// The workbench at `/`: static files, no build step (index.html, style.css and the ES modules of
// js/). The page asks for an agency key and calls the API with it; what it shows and offers is
// what the key's roles may read and do. Only the files present when the app starts are served.
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ROLES } from '../../domain/roles';
import { VOCABULARY } from '../../domain/vocabulary';
import { bearerSecurity, requireRoles } from '../auth';
import { errorSchema, notFound } from '../errors';

const ROOT = fileURLToPath(new URL('../dashboard/', import.meta.url));
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml' };

function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (TYPES[extname(entry.name)]) yield path;
  }
}

/** 'js/views/tasks.js' → its type and bytes, read once. */
const FILES = new Map([...filesUnder(ROOT)].map((f) => [relative(ROOT, f).split('\\').join('/'), { type: TYPES[extname(f)], body: readFileSync(f) }]));

// The page loads only its own scripts and styles (no inline script or style, no eval) and talks only to this API.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' blob:; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  const send = (name: string, reply: FastifyReply) => {
    const file = FILES.get(name);
    if (!file) throw notFound('path', `no file ${name} in the workbench`);
    return reply.type(file.type).header('content-security-policy', CSP).header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-cache').send(file.body);
  };
  app.get('/', { schema: { hide: true } }, async (_req, reply) => send('index.html', reply.header('x-frame-options', 'DENY')));
  app.get<{ Params: { '*': string } }>('/dashboard/*', { schema: { hide: true } }, async (request, reply) => send(request.params['*'], reply));

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
