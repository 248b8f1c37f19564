// One span, one log line and the request metrics for every request; and which workflow it
// reached. A Fastify onRequest hook opens the request's span and its engine-call record and
// makes both current (AsyncLocalStorage) for the rest of the request; the Temporal client
// interceptors below read them: OpenTelemetry's carries the span into the workflow's Update and
// its activities, ours notes the workflow id and run id the call reached, for the log line.
import { randomUUID } from 'node:crypto';
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { context, INVALID_SPAN_CONTEXT, propagation, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { Next, WorkflowClientInterceptor, WorkflowStartUpdateInput, WorkflowStartUpdateWithStartInput, WorkflowQueryInput, WorkflowSignalInput } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { LogController, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { HttpMetrics } from './metrics';

/** The workflow a request reached (the last one, when it reached several). */
export interface EngineCall {
  workflowId?: string;
  runId?: string;
}

const engineCalls = new AsyncLocalStorage<EngineCall>();

function noted(workflowId: string | undefined, runId: string | undefined): void {
  const call = engineCalls.getStore();
  if (!call || !workflowId) return;
  call.workflowId = workflowId;
  if (runId) call.runId = runId;
  else if (call.workflowId !== workflowId) delete call.runId;
}

/** Notes the workflow id and run id of every call a request makes to the engine. */
export class EngineCallRecorder implements WorkflowClientInterceptor {
  async startUpdate(input: WorkflowStartUpdateInput, next: Next<WorkflowClientInterceptor, 'startUpdate'>) {
    noted(input.workflowExecution.workflowId, input.workflowExecution.runId);
    const out = await next(input);
    noted(input.workflowExecution.workflowId, out.workflowRunId);
    return out;
  }

  async startUpdateWithStart(input: WorkflowStartUpdateWithStartInput, next: Next<WorkflowClientInterceptor, 'startUpdateWithStart'>) {
    noted(input.workflowStartOptions.workflowId, undefined);
    const out = await next(input);
    noted(out.workflowExecution.workflowId ?? undefined, out.workflowExecution.runId ?? undefined);
    return out;
  }

  async query(input: WorkflowQueryInput, next: Next<WorkflowClientInterceptor, 'query'>) {
    noted(input.workflowExecution.workflowId, input.workflowExecution.runId);
    return next(input);
  }

  async signal(input: WorkflowSignalInput, next: Next<WorkflowClientInterceptor, 'signal'>) {
    noted(input.workflowExecution.workflowId, input.workflowExecution.runId);
    return next(input);
  }
}

/** The interceptors of the API's Temporal client: the trace into the workflow, the ids for the log. */
export function apiClientInterceptors(): WorkflowClientInterceptor[] {
  return [new OpenTelemetryWorkflowClientInterceptor(), new EngineCallRecorder()];
}

const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * The Fastify options of a process that logs: one JSON line per request (ours, in onResponse,
 * instead of Fastify's two; a 5xx also has the error handler's line with the error), levels by
 * name and ISO times as the worker writes them, and a request id that is the caller's X-Request-Id
 * when it is a sane one (a proxy's or a client's, to follow a request across them), else a UUID.
 */
export function loggingOptions(level: string, stream?: { write(line: string): void }): FastifyServerOptions {
  return {
    logger: {
      level, formatters: { level: (label: string) => ({ level: label }) }, timestamp: () => `,"time":"${new Date().toISOString()}"`,
      ...(stream ? { stream } : {}),
    },
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  };
}

interface Observed {
  span: Span;
  call: EngineCall;
  scope: AsyncResource;
  started: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    observed: Observed | null;
  }
}

/** The route's template (never the raw URL: no ids or search terms in a label); '(unmatched)' for a 404. */
export const routeOf = (request: FastifyRequest) => request.routeOptions.url ?? '(unmatched)';

const UNTRACED_ROUTES = new Set(['/health', '/health/ready', '/metrics']);

export function observeRequests(app: FastifyInstance, tracer: Tracer, metrics: HttpMetrics): void {
  app.decorateRequest('observed', null);
  app.addHook('onRequest', (request, reply, done) => {
    const route = routeOf(request);
    const parent = propagation.extract(context.active(), request.headers);
    // Probes and scrapes (every few seconds, per instance) are counted and logged, not traced.
    const span = UNTRACED_ROUTES.has(route) ? trace.wrapSpanContext(INVALID_SPAN_CONTEXT) : tracer.startSpan(`${request.method} ${route}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'http.route': route, 'url.path': request.url.split('?')[0], 'http.request_id': request.id },
    }, parent);
    reply.header('x-request-id', request.id);
    const call: EngineCall = {};
    context.with(trace.setSpan(parent, span), () => engineCalls.run(call, () => {
      // Reading the body leaves this async context (the socket's events): preValidation re-enters it.
      request.observed = { span, call, scope: new AsyncResource('jd-request'), started: performance.now() };
      done();
    }));
  });
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.observed) request.observed.scope.runInAsyncScope(done);
    else done();
  });
  app.addHook('onError', async (request, _reply, error) => {
    request.observed?.span.recordException(error);
  });
  app.addHook('onResponse', async (request, reply) => {
    const o = request.observed;
    if (!o) return;
    const seconds = (performance.now() - o.started) / 1000;
    const route = routeOf(request);
    metrics.observe(request.method, route, reply.statusCode, seconds);
    o.span.setAttribute('http.response.status_code', reply.statusCode);
    if (o.call.workflowId) o.span.setAttributes({ 'temporal.workflow_id': o.call.workflowId, ...(o.call.runId ? { 'temporal.run_id': o.call.runId } : {}) });
    if (reply.statusCode >= 500) o.span.setStatus({ code: SpanStatusCode.ERROR });
    o.span.end();
    const traceId = o.span.spanContext().traceId;
    request.log.info({
      method: request.method, route, path: request.url.split('?')[0], statusCode: reply.statusCode,
      durationMs: Math.round(seconds * 10_000) / 10, agencyId: (request as { agency?: { id?: string } | null }).agency?.id,
      workflowId: o.call.workflowId, runId: o.call.runId, traceId: trace.isSpanContextValid(o.span.spanContext()) ? traceId : undefined,
    }, 'request');
  });
  app.addHook('onRequestAbort', async (request) => {
    const o = request.observed;
    if (!o) return;
    o.span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client went away' });
    o.span.end();
  });
}
