// One error shape for every refusal: 4xx name the failing field and the reason,
// 5xx say nothing of the internals (the request id lets an operator find the log line).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DATE_PATTERN, NOT_A_DATE } from './routes/schemas';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export class DomainError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly field: string | null,
    readonly reason: string,
    /** Headers the answer carries (e.g. Retry-After on a 503). */
    readonly headers: Record<string, string> = {},
  ) {
    super(field ? `${field}: ${reason}` : reason);
  }
}

export const badRequest = (field: string, reason: string) => new DomainError(400, 'bad_request', field, reason);
export const notFound = (field: string, reason: string) => new DomainError(404, 'not_found', field, reason);
export const forbidden = (field: string, reason: string) => new DomainError(403, 'forbidden', field, reason);
export const conflict = (field: string | null, reason: string) => new DomainError(409, 'conflict', field, reason);

export const errorSchema = {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string', description: 'machine-readable code' },
    field: { type: ['string', 'null'], description: 'the failing field, e.g. document.issuedOn' },
    message: { type: 'string' },
    requestId: { type: 'string' },
  },
} as const;

/** One JSON Schema error (Ajv's shape) as the field and the reason the answer names. */
export interface SchemaProblem {
  instancePath: string;
  keyword: string;
  params: unknown;
  message?: string;
}

/** '/document/issuedOn' + missing 'number' → 'document.number', with its reason; also the bulk import's (api/imports). */
export function schemaProblem(v: SchemaProblem, context: string | null): { field: string | null; reason: string } {
  const parts = v.instancePath.split('/').filter(Boolean);
  const params = v.params as Record<string, unknown>;
  if (typeof params.missingProperty === 'string') parts.push(params.missingProperty);
  if (typeof params.additionalProperty === 'string') parts.push(params.additionalProperty);
  const reason = v.keyword === 'required' ? 'is required'
    : (v.keyword === 'format' && params.format === 'date') || (v.keyword === 'pattern' && params.pattern === DATE_PATTERN) ? NOT_A_DATE
    : v.keyword === 'enum' && Array.isArray(params.allowedValues) ? `${v.message}: ${params.allowedValues.join(', ')}`
    : v.keyword === 'additionalProperties' ? 'is not an allowed property'
    : v.message ?? 'is invalid';
  return { field: parts.join('.') || context, reason };
}

/** A path the API has, asked with a method it does not take: 405 naming the ones it does (else null). */
function methodNotAllowed(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): FastifyReply | null {
  const path = request.url.split('?')[0];
  if (METHODS.includes(request.method as never) && app.findRoute({ method: request.method as never, url: path })) return null;
  // The methods of the most specific route only: PATCH /agencies/:agencyId does not make
  // /agencies/directory a resource that takes PATCH.
  const found = METHODS.flatMap((method) => {
    const route = app.findRoute({ method, url: path });
    return route ? [{ method, params: Object.keys(route.params ?? {}).length }] : [];
  });
  if (found.length === 0) return null;
  const fewest = Math.min(...found.map((f) => f.params));
  const allowed = found.filter((f) => f.params === fewest).map((f) => f.method);
  return reply.status(405).header('allow', allowed.join(', '))
    .send({ error: 'method_not_allowed', field: null, message: `${path} takes ${allowed.join(', ')}, not ${request.method}` });
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof DomainError) {
      return reply.status(err.statusCode).headers(err.headers).send({ error: err.code, field: err.field, message: err.message });
    }
    if (err.validation) {
      const { field, reason } = schemaProblem(err.validation[0], err.validationContext ?? null);
      return reply.status(400).send({
        error: 'bad_request', field, message: `${field ?? err.validationContext}: ${reason}`,
      });
    }
    const status = err.statusCode ?? 500;
    // A method without a route here that Fastify refused before routing (QUERY without a body type).
    if (status < 500 && !request.routeOptions.url) {
      const answered = methodNotAllowed(app, request, reply);
      if (answered) return answered;
    }
    if (status < 500) {
      // Fastify's own client errors (malformed JSON, body too large, wrong content type).
      return reply.status(status).send({ error: err.code ?? 'bad_request', field: 'body', message: err.message });
    }
    request.log.error({ err }, 'request failed');
    return reply.status(status).send({ error: 'internal', message: 'internal error', requestId: request.id });
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    return methodNotAllowed(app, request, reply)
      ?? reply.status(404).send({ error: 'not_found', field: null, message: `no route ${request.method} ${path}` });
  });
}
