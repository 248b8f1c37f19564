// Where the figures are scraped in the production topology (README, "Observability"): each
// API instance and each worker is its own Prometheus target, in start:prod and in compose alike;
// the proxy, the public side, does not pass /metrics on.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_WORKER_METRICS_PORT, loadProdConfig, portsOf } from '../../scripts/prod/config';
import { withoutAppTelemetry } from '../../scripts/prod/engine-env';
import { partsOf } from '../../scripts/prod/parts';
import { startProxy, parseUpstreams } from '../../scripts/prod/proxy';
import { freePort } from '../support/ports';

const compose = parse(readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8'), { merge: true });
const servers: Server[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

const prodParts = (env: Record<string, string> = {}) => {
  const c = loadProdConfig({ DATA_DIR: tmpdir(), ...env });
  return { c, parts: partsOf(c, { databaseUrl: 'postgres://x', targetIdKey: 'k'.repeat(64), db: {} as never, engine: { temporalServer: 's', uiServer: 'u' }, auth: { jwks: '{}', appToken: 't', uiToken: 'u' } }) };
};

describe('the workers\' SDK metrics in the topology', () => {
  it('start:prod: worker-N on 127.0.0.1, WORKER_METRICS_PORT (9464) + N−1, each port checked before the start', () => {
    const { c, parts } = prodParts();
    const workers = parts.filter((p) => p.name.startsWith('worker-'));
    expect(workers.map((w) => [w.env.HOST, w.env.WORKER_METRICS_PORT, w.port])).toEqual([
      ['127.0.0.1', String(DEFAULT_WORKER_METRICS_PORT), DEFAULT_WORKER_METRICS_PORT],
      ['127.0.0.1', String(DEFAULT_WORKER_METRICS_PORT + 1), DEFAULT_WORKER_METRICS_PORT + 1],
    ]);
    expect(portsOf(c).filter((p) => p.variable === 'WORKER_METRICS_PORT').map((p) => p.port))
      .toEqual([DEFAULT_WORKER_METRICS_PORT, DEFAULT_WORKER_METRICS_PORT + 1]);
    const moved = prodParts({ WORKER_METRICS_PORT: '19000' }).parts.filter((p) => p.name.startsWith('worker-'));
    expect(moved.map((w) => w.env.WORKER_METRICS_PORT)).toEqual(['19000', '19001']);
  });

  it('compose: every worker on 0.0.0.0:9464 of its own container, published nowhere', () => {
    for (const name of ['worker-1', 'worker-2']) {
      const worker = compose.services[name];
      expect(worker.environment).toMatchObject({ HOST: '0.0.0.0', WORKER_METRICS_PORT: String(DEFAULT_WORKER_METRICS_PORT) });
      expect(worker.ports, name).toBeUndefined();
    }
  });

  it('traces are off unless the operator sets them, in both', () => {
    const { parts } = prodParts();
    for (const p of parts.filter((p) => /^(api|worker)-/.test(p.name))) {
      expect(p.env, p.name).toMatchObject({ OTEL_TRACES_EXPORTER: '', OTEL_EXPORTER_OTLP_ENDPOINT: '' });
    }
    expect(compose.services['api-1'].environment.OTEL_TRACES_EXPORTER).toBe('${OTEL_TRACES_EXPORTER:-}');
  });

  it('the engine is started without the shell\'s OTEL_* variables (the Temporal server refuses OTEL_TRACES_EXPORTER=console)', () => {
    expect(withoutAppTelemetry({ OTEL_TRACES_EXPORTER: 'console', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', PATH: '/bin', TEMPORAL_PORT: '7233' }))
      .toEqual({ OTEL_TRACES_EXPORTER: undefined, OTEL_EXPORTER_OTLP_ENDPOINT: undefined });
    expect(compose.services['temporal-server'].environment).not.toHaveProperty('OTEL_TRACES_EXPORTER');
  });
});

describe('the proxy and /metrics', () => {
  it('answers 404 to /metrics without passing it on; other paths still reach an instance', async () => {
    const received: string[] = [];
    const upstream = await freePort();
    const instance = createServer((req, res) => {
      received.push(req.url ?? '');
      res.writeHead(200).end('from the instance');
    });
    servers.push(instance);
    await new Promise<void>((resolve) => instance.listen(upstream, '127.0.0.1', resolve));
    const port = await freePort();
    const proxy = startProxy({ port, host: '127.0.0.1', upstreams: parseUpstreams(`127.0.0.1:${upstream}`), log: () => {} });
    servers.push(proxy);
    await new Promise((r) => proxy.once('listening', r));

    for (const path of ['/metrics', '/metrics?name[]=jd_steps_open', '/metrics/']) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { message: string }).message).toMatch(/each API instance directly/);
    }
    const other = await fetch(`http://127.0.0.1:${port}/metricsfoo`);
    expect(await other.text()).toBe('from the instance');
    expect(received).toEqual(['/metricsfoo']);
  });
});
