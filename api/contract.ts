// The OpenAPI document as a contract (README, "API"): every operation gets its operationId and
// its success body from api/schemas/operations.ts, the error codes its shape can answer (one
// shared Error schema), `security: []` when it takes no key, and no path parameter that is not
// in its path. Applied as each route is declared, so a new route without metadata stops the app.
import type { FastifyInstance, RouteOptions } from 'fastify';
import { errorSchema } from './errors';
import { COMPONENTS, ref } from './schemas/components';
import { OPERATIONS } from './schemas/operations';

type Schema = Record<string, unknown>;

/**
 * A route whose success bodies are documented here answers exactly what its handler returns:
 * the schema documents the answer (Schemathesis checks it against the running stack) and never
 * drops or coerces a property of it as fast-json-stringify would.
 */
const asReturned = () => (data: unknown) => JSON.stringify(data);

/** The params schema restricted to the parameters the path has. */
function pathParams(params: Schema, url: string): Schema {
  const inPath = new Set([...url.matchAll(/:(\w+)/g)].map((m) => m[1]));
  const properties = Object.fromEntries(Object.entries((params.properties ?? {}) as Schema).filter(([k]) => inPath.has(k)));
  const required = ((params.required ?? []) as string[]).filter((k) => inPath.has(k));
  return { ...params, properties, required };
}

export function applyContract(route: RouteOptions): void {
  const schema = route.schema as Schema | undefined;
  if (!schema || schema.hide) return;
  const method = ([] as string[]).concat(route.method as string | string[]).find((m) => m !== 'HEAD');
  if (!method) return; // Fastify's own HEAD twin of a GET route (not in the document)
  const key = `${method} ${route.url}`;
  const meta = OPERATIONS[key];
  if (!meta) throw new Error(`no OpenAPI metadata for ${key}: add it to api/schemas/operations.ts`);
  const secured = Array.isArray(schema.security) && schema.security.length > 0;
  const response: Record<string, unknown> = {};
  for (const [code, s] of Object.entries((schema.response ?? {}) as Schema)) response[code] = s === errorSchema ? ref('Error') : s;
  if (meta.ok) {
    Object.assign(response, meta.ok);
    route.serializerCompiler = asReturned;
  }
  const errors = new Set(meta.errors ?? []);
  // A malformed value, or one holding U+0000 (api/app.ts), wherever the route takes input.
  if (schema.params || schema.querystring || schema.body || schema.headers || route.url.includes(':')) errors.add(400);
  if (route.url.includes(':')) errors.add(404);
  if (secured) [401, 403, 429].forEach((c) => errors.add(c));
  for (const code of errors) response[code] ??= ref('Error');
  route.schema = {
    ...schema,
    operationId: meta.id,
    response,
    ...(secured ? {} : { security: [] }),
    ...(schema.params ? { params: pathParams(schema.params as Schema, route.url) } : {}),
  };
}

/** The request bodies only the document shows (OperationMeta.requestBody), added to the finished document. */
export function documentRawBodies(doc: { paths?: Record<string, Record<string, Schema>> }): typeof doc {
  for (const [key, meta] of Object.entries(OPERATIONS)) {
    if (!meta.requestBody) continue;
    const [method, url] = key.split(' ');
    const op = doc.paths?.[url.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];
    if (op) op.requestBody = meta.requestBody;
  }
  return doc;
}

/** Before any route: the shared schemas, then the contract of each route as it is declared. */
export function registerContract(app: FastifyInstance): void {
  for (const s of COMPONENTS) app.addSchema(s);
  app.addHook('onRoute', applyContract);
}
