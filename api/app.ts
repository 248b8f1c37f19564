// Builds the Fastify app as a plugin tree; never listens (api/server.ts does).
import AjvCompiler from '@fastify/ajv-compiler';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import type postgres from 'postgres';
import type { Db } from '../db/client';
import type { WorkingCalendar } from '../domain/working-days';
import type { NotifyPolicy } from '../worker/outbox/url-policy';
import { registerKeyThrottle } from './auth';
import { documentRawBodies, registerContract } from './contract';
import { badRequest, registerErrorHandler } from './errors';
import type { TemporalUi } from './history';
import { DOMAIN_METRICS_TTL_MS, registerObservability } from './observability';
import { agencyRoutes } from './routes/agencies';
import { auditRoutes } from './routes/audit';
import { keyRoutes } from './routes/keys';
import { calendarRoutes } from './routes/calendar';
import { calendarYearRoutes } from './routes/calendar-years';
import { dashboardRoutes } from './routes/dashboard';
import { letterRoutes } from './routes/letters';
import { publicRoutes } from './routes/public';
import { publicityRoutes } from './routes/publicity';
import { deadlineSettingRoutes } from './routes/deadline-settings';
import { actionRoutes } from './routes/actions';
import { importRoutes } from './routes/imports';
import { intakeRoutes } from './routes/intake';
import { healthRoutes } from './routes/health';
import { inboxRoutes } from './routes/inbox';
import { measureRoutes } from './routes/measures';
import { noticeRoutes } from './routes/notices';
import { reportRoutes } from './routes/reports';
import { scoringPolicyRoutes } from './routes/scoring-policies';
import { scoringRoutes } from './routes/scoring';
import { statsRoutes } from './routes/stats';
import { targetRoutes } from './routes/targets';
import { taskRoutes } from './routes/tasks';

export interface AppDeps {
  db: Db;
  sql: postgres.Sql;
  temporal: Client;
  calendar: () => Promise<WorkingCalendar>;
  targetIdKey: string;
  /** The clock of the API (requests are stamped with it before they enter history). */
  now?: () => Date;
  /** Where the supervisors' timeline links to the engine's events. */
  temporalUi?: TemporalUi;
  /** How long a request waits for the engine before answering 503 (an action never hangs). */
  engineDeadlineMs?: number;
  /** Which notification URLs an ADMIN allowed beyond public https (config `notify`). */
  notify?: NotifyPolicy;
  /** How long GET /metrics reuses its read of the domain gauges (README, "Observability"). */
  domainMetricsTtlMs?: number;
  /** Wrong keys an address may present per window before 429 (config `authFailures`). */
  authFailures?: { max: number; windowMs: number };
}

/** 10 wrong keys a minute from one address, then 429 until the minute is over. */
export const AUTH_FAILURES = { max: 10, windowMs: 60_000 };

/** Under 10 s for the whole answer, with room for the database around the engine call. */
export const ENGINE_DEADLINE_MS = 8000;

declare module 'fastify' {
  interface FastifyInstance {
    deps: Required<AppDeps>;
  }
}

/** The path of the first string holding U+0000 (`a.b[2]`), '' for the value itself, or null. */
function nulAt(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  // An uploaded file (POST /imports) is bytes, read by its own parser.
  if (Buffer.isBuffer(value)) return null;
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  for (const [key, v] of Object.entries(value)) {
    if (key.includes('\u0000')) return path ? `${path}.${key}` : key;
    const found = nulAt(v, Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

const validators = AjvCompiler();

/** Fastify's Ajv compilers: coercing for the query string, path and headers, none for a JSON body. */
function bodyAsSent(externalSchemas: unknown, options: { customOptions?: object }) {
  const build = validators as (schemas: unknown, opts: object) => (route: { httpPart?: string }) => unknown;
  const text = build(externalSchemas, options);
  const json = build(externalSchemas, { ...options, customOptions: { ...options.customOptions, coerceTypes: false } });
  return (route: { httpPart?: string }) => (route.httpPart === 'body' ? json(route) : text(route));
}

export async function buildApp(deps: AppDeps, opts: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: 256 * 1024,
    // Long path parameters reach their schema (400 naming the parameter), not the router's bare 414.
    routerOptions: { maxParamLength: 1000 },
    // A request Node cannot even parse (e.g. raw, unencoded UTF-8 in the URL) gets the same
    // error shape as every other refusal, naming what to fix.
    clientErrorHandler(err, socket) {
      if (!socket.writable) return;
      const body = JSON.stringify({
        error: 'bad_request', field: 'url',
        message: `the request could not be parsed as HTTP (${(err as { code?: string }).code ?? err.message}); percent-encode non-ASCII characters in the URL`,
      });
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    },
    ajv: { customOptions: { allErrors: false, removeAdditional: false, coerceTypes: 'array' } },
    // The query string, path and headers are text, read as the types their schemas say; a JSON body
    // is taken as sent: 12 is not the string "12" nor "true" a boolean (the document is the contract).
    schemaController: { compilersFactory: { buildValidator: bodyAsSent as never } },
    ...opts,
  });
  app.decorate('deps', {
    ...deps,
    now: deps.now ?? (() => new Date()),
    temporalUi: deps.temporalUi ?? { url: 'http://127.0.0.1:8233', namespace: 'default' },
    engineDeadlineMs: deps.engineDeadlineMs ?? ENGINE_DEADLINE_MS,
    notify: deps.notify ?? { allowedHttpHosts: [], allowedPrivateHosts: [] },
    domainMetricsTtlMs: deps.domainMetricsTtlMs ?? DOMAIN_METRICS_TTL_MS,
    authFailures: deps.authFailures ?? AUTH_FAILURES,
  });
  app.decorateRequest('agency', null);
  app.decorateRequest('keyId', null);
  registerObservability(app, deps.db, { domainMetricsTtlMs: app.deps.domainMetricsTtlMs });
  registerErrorHandler(app);
  await registerKeyThrottle(app, app.deps.authFailures);
  // PostgreSQL cannot store U+0000 in text: refuse it up front, naming where it was found,
  // rather than failing deep inside a query.
  app.addHook('preHandler', async (request) => {
    for (const [part, value] of [['query', request.query], ['params', request.params], ['body', request.body]] as const) {
      const at = nulAt(value, '');
      if (at !== null) throw badRequest(at || part, 'must not contain the NUL character (U+0000)');
    }
  });

  // Security headers on every answer, /docs included: a Content-Security-Policy that lets a page
  // load only this origin's scripts (Swagger UI has no inline script), no framing, no sniffing.
  // The dashboard sets a stricter policy of its own (routes/dashboard.ts).
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"], scriptSrc: ["'self'"], scriptSrcAttr: ["'none'"], styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'], fontSrc: ["'self'", 'data:'], connectSrc: ["'self'"], objectSrc: ["'none'"],
        baseUri: ["'none'"], formAction: ["'self'"], frameAncestors: ["'none'"],
      },
    },
  });
  registerContract(app);
  await app.register(swagger, {
    // The shared schemas (api/schemas/components.ts) by their own names under #/components/schemas.
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
    transformObject: (doc) => documentRawBodies((doc as { openapiObject: object }).openapiObject) as never,
    openapi: {
      security: [{ bearerAuth: [] }],
      info: {
        title: 'Joint discipline closed loop (失信联合惩戒闭环)',
        description: 'Agencies push, receive, implement, report on and release disciplinary measures. Rule ids (R1–R16) refer to DOMAIN.md.',
        version: '0.1.0',
      },
      tags: [
        { name: 'system', description: 'Health and documentation' },
        { name: 'cases', description: 'Intake and the steps of a case' },
        { name: 'imports', description: 'Bulk import of cases already in force (CSV, XLSX, JSON lines): GET /imports/columns lists the columns' },
        { name: 'targets', description: 'Disciplinary targets and where each step stands' },
        { name: 'calendar', description: 'R16 working days: the State Council holiday schedule as data' },
        { name: 'measures', description: 'R1 the two lists, their reviewed changes, R3 matching' },
        { name: 'scoring', description: 'R15 tiered lists by score: reviewed scoring policies, acts, scores' },
        { name: 'inbox', description: 'What each agency has been told' },
        { name: 'notices', description: 'The webhook outbox: parked notices and their retry' },
        { name: 'agencies', description: 'The agency registry and API keys' },
        { name: 'publicity', description: 'R8 publicity: the platforms\' orders and confirmations, 004\'s rules, the public query' },
        { name: 'letters', description: 'R17 the letters to the party and their delivery' },
      ],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An agency API key: Authorization: Bearer <key>' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes);
  await app.register(intakeRoutes);
  await app.register(importRoutes);
  await app.register(actionRoutes);
  await app.register(targetRoutes);
  await app.register(taskRoutes);
  await app.register(calendarRoutes);
  await app.register(calendarYearRoutes);
  await app.register(deadlineSettingRoutes);
  await app.register(measureRoutes);
  await app.register(scoringPolicyRoutes);
  await app.register(scoringRoutes);
  await app.register(inboxRoutes);
  await app.register(noticeRoutes);
  await app.register(agencyRoutes);
  await app.register(reportRoutes);
  await app.register(publicityRoutes);
  await app.register(letterRoutes);
  await app.register(publicRoutes);
  await app.register(keyRoutes);
  await app.register(auditRoutes);
  await app.register(statsRoutes);
  await app.register(dashboardRoutes);
  return app;
}
