// R8 The public's query (002 篇四 第十七条: 社会公众可通过信用网站查询): what is published now about
// an enterprise, by its unified social credit code, with no key. Only records a platform
// confirmed and has not withdrawn; never a person (R13: persons are not looked up by the public);
// the same answer whether the enterprise is unknown or has nothing published, so the query tells
// nothing more than the platforms show. Throttled per client address (429 with Retry-After).
import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { publishedAbout } from '../../db/queries/publicity';
import { creditCodeProblem } from '../../domain/identifiers';
import { badRequest, errorSchema } from '../errors';

/** Queries an address may make per minute. */
export const PUBLIC_QUERIES_PER_MINUTE = 30;

const FILES: Record<string, { type: string; body: Buffer }> = Object.fromEntries(
  [['index.html', 'text/html; charset=utf-8'], ['query.js', 'text/javascript; charset=utf-8']]
    .map(([name, type]) => [name, { type, body: readFileSync(new URL(`../public/${name}`, import.meta.url)) }]),
);
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export async function publicRoutes(app: FastifyInstance, opts: { perMinute?: number } = {}): Promise<void> {
  const send = (name: string) => async (_req: unknown, reply: FastifyReply) => {
    const file = FILES[name];
    return reply.type(file.type).header('content-security-policy', CSP).header('cache-control', 'no-cache').send(file.body);
  };
  app.get('/public', { schema: { hide: true } }, send('index.html'));
  app.get('/public/query.js', { schema: { hide: true } }, send('query.js'));

  app.get<{ Querystring: { creditCode: string } }>('/public/credit', {
    config: { rateLimit: { max: opts.perMinute ?? PUBLIC_QUERIES_PER_MINUTE, timeWindow: 60_000 } },
    schema: {
      tags: ['publicity'],
      summary: 'R8: what is published now about an enterprise, by its credit code (public, no key; throttled per address)',
      querystring: { type: 'object', additionalProperties: false, required: ['creditCode'], properties: { creditCode: { type: 'string', minLength: 1, maxLength: 40 } } },
      response: {
        200: {
          type: 'object',
          properties: {
            creditCode: { type: 'string' }, name: { type: ['string', 'null'] },
            records: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  measure: { type: 'string' }, category: { type: 'string' }, from: { type: 'string' }, until: { type: ['string', 'null'] },
                  determinedOn: { type: 'string' }, documentNumber: { type: 'string' }, issuer: { type: 'string' }, penalty: { type: ['string', 'null'] },
                  producer: { type: 'string' }, channel: { type: 'string' }, platform: { type: ['string', 'null'] }, publishedOn: { type: ['string', 'null'] },
                  underObjection: { type: 'boolean', description: '异议标注' },
                },
              },
            },
          },
        },
        400: errorSchema, 429: errorSchema,
      },
    },
  }, async (request, reply) => {
    const code = request.query.creditCode.trim().toUpperCase();
    const problem = creditCodeProblem(code);
    if (problem) throw badRequest('creditCode', problem);
    const found = await publishedAbout(app.deps.db, code);
    reply.header('cache-control', 'no-store');
    if (!found || found.records.length === 0) return { creditCode: code, name: null, records: [] };
    return found;
  });
}
