// The OpenTelemetry tracing both processes set up the same way: one tracer provider for the
// process (registered globally, so the Temporal interceptors and the API's request spans share
// it and its AsyncLocalStorage context), exporting where config.tracesExporter says: one JSON
// line per span on stdout (`console`), OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (`otlp`, the
// exporter reads the standard OTEL_EXPORTER_OTLP_* variables itself), or nowhere (`none`).
import { trace, type Tracer } from '@opentelemetry/api';
import { ExportResultCode, hrTimeToMicroseconds, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor, NoopSpanProcessor, SimpleSpanProcessor, type ReadableSpan, type SpanExporter, type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { TracesExporter } from './env';

export interface Tracing {
  /** Every span of the process ends here; the worker also hands it the workflows' spans (a sink). */
  spanProcessor: SpanProcessor;
  resource: Resource;
  tracer(name: string): Tracer;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

/** One span per line, as JSON: readable beside the JSON log lines, and greppable by traceId. */
export class JsonLineSpanExporter implements SpanExporter {
  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    for (const s of spans) {
      const ctx = s.spanContext();
      this.write(JSON.stringify({
        span: s.name, traceId: ctx.traceId, spanId: ctx.spanId, parentSpanId: s.parentSpanId,
        service: s.resource.attributes['service.name'], kind: s.kind, status: s.status.code,
        startUs: hrTimeToMicroseconds(s.startTime), durationUs: hrTimeToMicroseconds(s.duration), attributes: s.attributes,
      }));
    }
    done({ code: ExportResultCode.SUCCESS });
  }

  async shutdown(): Promise<void> {}
}

export function exporterFor(kind: TracesExporter): SpanExporter | null {
  if (kind === 'console') return new JsonLineSpanExporter();
  if (kind === 'otlp') return new OTLPTraceExporter();
  return null;
}

/**
 * Registers the process's tracer provider. With no exporter nothing is registered: the API's
 * and the interceptors' tracers stay OpenTelemetry's no-op ones and cost next to nothing.
 * `simple` exports each span as it ends (tests); otherwise spans are batched.
 */
export function startTracing(serviceName: string, exporter: SpanExporter | null, opts: { simple?: boolean } = {}): Tracing {
  const resource = Resource.default().merge(new Resource({ 'service.name': serviceName }));
  if (!exporter) {
    return { spanProcessor: new NoopSpanProcessor(), resource, tracer: (name) => trace.getTracer(name), shutdown: async () => {} };
  }
  const spanProcessor = opts.simple ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  return { spanProcessor, resource, tracer: (name) => provider.getTracer(name), shutdown: () => provider.shutdown() };
}
