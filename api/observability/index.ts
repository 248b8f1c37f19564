// What the API tells its operators (README, "Observability"): GET /metrics, a span per request
// carried into the workflows, one JSON log line per request. Registered on the root app before
// the routes, so its hooks see every request.
import { trace } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/client';
import { metricsRoute } from './metrics';
import { observeRequests } from './requests';

export { apiClientInterceptors, loggingOptions } from './requests';

/** The domain gauges are read at most this often (two API instances, several scrapers). */
export const DOMAIN_METRICS_TTL_MS = 5000;

export function registerObservability(app: FastifyInstance, db: Db, opts: { domainMetricsTtlMs?: number } = {}): void {
  const metrics = metricsRoute(app, db, { domainTtlMs: opts.domainMetricsTtlMs ?? DOMAIN_METRICS_TTL_MS });
  // The process's tracer provider (config/tracing.ts), or OpenTelemetry's no-op one when none is set up.
  observeRequests(app, trace.getTracer('joint-discipline-api'), metrics);
}
