// GET /metrics for Prometheus: the API's requests, latency and errors by route, the Node
// process, and the domain's gauges (open and overdue steps by rule, kind and agency; the webhook
// outbox), these read from PostgreSQL when scraped, one query each, at most once per
// `domainTtlMs` however many scrape. Labels are routes' templates, rules, step kinds and agency
// ids: bounded sets. No target, case or request id is ever a label.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../../db/client';
import { openStepCounts, outboxCounts, type OpenStepCount, type OutboxCount } from '../../db/queries/metrics';

export interface HttpMetrics {
  observe(method: string, route: string, statusCode: number, seconds: number): void;
}

/** A step owed by a role rather than one agency (the R1 list reviews: CREDIT and LEGAL). */
export const ROLE_OWED = '(reviewers)';

function httpMetrics(registry: Registry): HttpMetrics {
  const requests = new Counter({
    name: 'jd_http_requests_total', help: 'HTTP requests answered, by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'], registers: [registry],
  });
  const errors = new Counter({
    name: 'jd_http_server_errors_total', help: 'HTTP requests answered with a 5xx, by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'], registers: [registry],
  });
  const duration = new Histogram({
    name: 'jd_http_request_duration_seconds', help: 'Time from the request to the end of the answer, by method, route template and status class',
    labelNames: ['method', 'route', 'status_class'], registers: [registry],
    // The engine's deadline is 8 s (ENGINE_DEADLINE_MS): the last buckets tell a 503 at the deadline apart.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 8, 10],
  });
  return {
    observe(method, route, statusCode, seconds) {
      const code = String(statusCode);
      requests.inc({ method, route, status_code: code });
      if (statusCode >= 500) errors.inc({ method, route, status_code: code });
      duration.observe({ method, route, status_class: `${code[0]}xx` }, seconds);
    },
  };
}

/** A scrape waits no longer than this for PostgreSQL: the gauges then say nothing and _up says 0. */
const READ_TIMEOUT_MS = 5000;

/**
 * One read shared by every gauge of a scrape (they are collected together) and by the scrapes
 * within `ttlMs` of its end, a failed read too: a database that does not answer is asked again
 * once per TTL, not once per gauge.
 */
function cached<T>(ttlMs: number, read: () => Promise<T>): () => Promise<T> {
  let last: { settledAt: number | null; value: Promise<T> } | undefined;
  return () => {
    if (!last || (last.settledAt !== null && performance.now() - last.settledAt >= ttlMs)) {
      let timer: NodeJS.Timeout | undefined;
      const value = Promise.race([read(), new Promise<T>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${READ_TIMEOUT_MS} ms`)), READ_TIMEOUT_MS).unref();
      })]);
      const entry: { settledAt: number | null; value: Promise<T> } = { settledAt: null, value };
      const settle = () => { clearTimeout(timer); entry.settledAt = performance.now(); };
      value.then(settle, settle);
      last = entry;
    }
    return last.value;
  };
}

function domainGauges(registry: Registry, db: Db, ttlMs: number, log: FastifyBaseLogger): void {
  const reads = { steps: cached(ttlMs, () => openStepCounts(db)), outbox: cached(ttlMs, () => outboxCounts(db)) };
  const { steps, outbox } = reads;
  new Gauge({
    name: 'jd_domain_metrics_up', help: '1 when the last read of the domain gauges from PostgreSQL succeeded, by source',
    labelNames: ['source'], registers: [registry],
    async collect() {
      for (const [source, read] of Object.entries(reads)) {
        const ok = await read().then(() => true, (err: unknown) => {
          log.warn({ err, source }, 'domain metrics not read');
          return false;
        });
        this.set({ source }, ok ? 1 : 0);
      }
    },
  });
  /** The gauge's series from a read; on failure none, rather than stale ones (_up says why). */
  const read = async <T>(get: () => Promise<T[]>, gauge: Gauge, set: (row: T) => void) => {
    gauge.reset();
    for (const row of await get().catch((): T[] => [])) set(row);
  };
  const stepLabels = (r: OpenStepCount) => ({ rule: r.rule, kind: r.kind, agency: r.agencyId ?? ROLE_OWED });
  new Gauge({
    name: 'jd_steps_open', help: 'Steps owed and not done (R14), by rule, step kind and responsible agency',
    labelNames: ['rule', 'kind', 'agency'], registers: [registry],
    async collect() { await read(steps, this, (r: OpenStepCount) => this.set(stepLabels(r), r.open)); },
  });
  new Gauge({
    name: 'jd_steps_overdue', help: 'Steps owed, not done and past their deadline (R14), by rule, step kind and responsible agency',
    labelNames: ['rule', 'kind', 'agency'], registers: [registry],
    async collect() { await read(steps, this, (r: OpenStepCount) => { if (r.overdue > 0) this.set(stepLabels(r), r.overdue); }); },
  });
  new Gauge({
    name: 'jd_outbox_waiting', help: 'Notices waiting for a webhook attempt (not delivered, not parked), by agency',
    labelNames: ['agency'], registers: [registry],
    async collect() { await read(outbox, this, (r: OutboxCount) => { if (r.waiting > 0) this.set({ agency: r.agencyId }, r.waiting); }); },
  });
  new Gauge({
    name: 'jd_outbox_parked', help: 'Notices whose webhook attempts ran out, waiting for an ADMIN retry, by agency',
    labelNames: ['agency'], registers: [registry],
    async collect() { await read(outbox, this, (r: OutboxCount) => { if (r.parked > 0) this.set({ agency: r.agencyId }, r.parked); }); },
  });
  new Gauge({
    name: 'jd_outbox_oldest_waiting_seconds', help: 'Age of the oldest notice waiting for a webhook attempt, by agency',
    labelNames: ['agency'], registers: [registry],
    async collect() { await read(outbox, this, (r: OutboxCount) => { if (r.waiting > 0) this.set({ agency: r.agencyId }, r.oldestWaitingSeconds); }); },
  });
}

/** The app's registry (one per app, never prom-client's global one) and GET /metrics. */
export function metricsRoute(app: FastifyInstance, db: Db, opts: { domainTtlMs: number }): HttpMetrics {
  const registry = new Registry();
  const http = httpMetrics(registry);
  domainGauges(registry, db, opts.domainTtlMs, app.log);
  let processMetrics = false;
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    // The process's own figures (CPU, heap, event loop lag), from the first scrape on.
    if (!processMetrics) collectDefaultMetrics({ register: registry });
    processMetrics = true;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return http;
}
