// What the worker tells its operators (README, "Observability"):
// - its log, every line JSON (the SDK's own lines too), and one line per activity run: its name,
//   workflow id, run id, attempt, duration and outcome, with the trace id when traced;
// - the Temporal SDK's runtime metrics (task latencies, schedule-to-start, slots, the sticky
//   cache) on its own Prometheus endpoint, HOST:WORKER_METRICS_PORT: one scrape target per worker,
//   so a stopped worker shows as down and no other process relays its figures;
// - the OpenTelemetry interceptors that continue the API's trace into the workflow (its Update,
//   the activities it schedules) and into the activities, and the sink that exports the
//   workflow's spans, which are made inside the workflow sandbox, through the process's processor.
import { createRequire } from 'node:module';
import type { Context as ActivityContext } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import {
  makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor, type OpenTelemetrySinks,
} from '@temporalio/interceptors-opentelemetry';
import {
  DefaultLogger, Runtime,
  type ActivityExecuteInput, type ActivityInboundCallsInterceptor, type InjectedSinks, type LogEntry, type LogLevel, type Next, type WorkerInterceptors,
} from '@temporalio/worker';
import { Resource } from '@opentelemetry/resources';
import { NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * The workflow side of the trace, compiled into the bundle of a worker whose traces are exported
 * only (`tracedBundle`): measured with `npm run bench:memory`, they cost about 1.3 MiB per cached
 * workflow and double a replay's time (README, "Memory and caching"), for spans that otherwise end
 * in a no-op processor.
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [
  createRequire(import.meta.url).resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];

/** The prebuilt bundle with the workflow interceptors, beside the plain one (scripts/build.ts). */
export function tracedBundle(plainBundle: string): string {
  return plainBundle.replace(/\.js$/, '.traced.js');
}

/** The SDK's metadata that is noise in a log line (the task token is a long opaque base64 string). */
const DROPPED = new Set(['taskToken']);

function plain(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, ...(value.cause ? { cause: plain(value.cause) } : {}) };
  return typeof value === 'bigint' ? value.toString() : value;
}

/** One JSON line per entry: level by name, ISO time, message, then the entry's metadata. */
export function jsonLogLine(entry: LogEntry): string {
  const meta = Object.fromEntries(Object.entries(entry.meta ?? {}).filter(([k]) => !DROPPED.has(k)).map(([k, v]) => [k, plain(v)]));
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  return JSON.stringify({ level: entry.level.toLowerCase(), time, msg: entry.message, ...meta });
}

export function jsonLogger(level: string, write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): DefaultLogger {
  return new DefaultLogger(level.toUpperCase() as LogLevel, (entry) => write(jsonLogLine(entry)));
}

/**
 * The process's Temporal runtime: the JSON logger and, when a port is given, the SDK's metrics
 * in Prometheus's text format on host:port, named as Prometheus names them (durations in seconds
 * with `_seconds`, counters with `_total`). Once per process, before any connection.
 */
export function installRuntime(opts: { logLevel: string; metrics?: { host: string; port: number }; write?: (line: string) => void }): Runtime {
  return Runtime.install({
    logger: jsonLogger(opts.logLevel, opts.write),
    ...(opts.metrics ? {
      telemetryOptions: {
        metrics: {
          prometheus: {
            bindAddress: `${opts.metrics.host}:${opts.metrics.port}`, useSecondsForDurations: true, unitSuffix: true, countersTotalSuffix: true,
          },
        },
      },
    } : {}),
  });
}

/** One line when an activity run ends: completed (info), failed or cancelled (warn). */
export class ActivityLogInterceptor implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: ActivityContext) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const started = performance.now();
    // ctx.log adds the activity's name, id, attempt, workflow id and run id, and the trace id.
    const done = (outcome: string, extra: Record<string, unknown> = {}) => ({
      outcome, durationMs: Math.round((performance.now() - started) * 10) / 10, ...extra,
    });
    try {
      const result = await next(input);
      this.ctx.log.info('activity', done('completed'));
      return result;
    } catch (err) {
      const cancelled = err instanceof CancelledFailure;
      this.ctx.log.warn('activity', done(cancelled ? 'cancelled' : 'failed', { error: err instanceof Error ? err.message : String(err) }));
      throw err;
    }
  }
}

export interface WorkerTracing {
  spanProcessor: SpanProcessor;
  resource: Resource;
}

/** No exporter: the workflows' spans end here. */
export const UNTRACED: WorkerTracing = { spanProcessor: new NoopSpanProcessor(), resource: Resource.default() };

/**
 * The activity interceptors, outermost first: the activity's span, then (`logActivities`) its log
 * line inside it, so that the line carries the trace id.
 */
export function workerInterceptors(opts: { logActivities?: boolean } = {}): Required<Pick<WorkerInterceptors, 'activity'>> {
  return {
    activity: [
      (ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) }),
      ...(opts.logActivities ? [(ctx: ActivityContext) => ({ inbound: new ActivityLogInterceptor(ctx) })] : []),
    ],
  };
}

/** The sink the workflow interceptors export their spans through. */
export function workerSinks(tracing: WorkerTracing): InjectedSinks<OpenTelemetrySinks> {
  return { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) };
}
