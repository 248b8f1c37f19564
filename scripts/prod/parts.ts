// The long-running parts of the production topology, as start:prod runs them: name, program,
// arguments and environment. docker-compose.yml has a service of the same name for each, with the
// same variables (test/compose.test.ts compares them), the container network's addresses in
// place of 127.0.0.1, and the compiled entry points at the same paths under /app.
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, WORKFLOW_BUNDLE } from '../build';
import type { ProdConfig } from './config';
import { WORKERS } from './config';
import { serverArgs, serverEnv, uiArgs, uiEnv, type EngineDb } from './engine-env';
import type { ChildSpec } from './supervisor';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The compiled entry points, as paths relative to the repository (and to /app in the image). */
export const PROGRAMS = {
  worker: 'dist/worker/main.js',
  api: 'dist/api/server.js',
  proxy: 'dist/scripts/prod/proxy.js',
  setup: 'dist/scripts/prod/setup.js',
  engineAuth: 'dist/scripts/prod/engine-auth.js',
} as const;

// DIST is where scripts/build.ts writes; PROGRAMS must name files under it.
if (relative(ROOT, DIST) !== 'dist') throw new Error(`scripts/build.ts writes to ${DIST}, not dist/`);

export interface EnginePaths {
  temporalServer: string;
  uiServer: string;
}

/** What the engine's authentication hands the parts: its public key set and the tokens (scripts/prod/engine-auth.ts). */
export interface EngineAuth {
  jwks: string;
  appToken: string;
  uiToken: string;
}

/** The app's own variables, shared by the workers and the API instances. */
export function appEnv(c: ProdConfig, databaseUrl: string, targetIdKey: string, appToken: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    // The bearer token the Temporal server requires (default:write on the namespace).
    TEMPORAL_AUTH_TOKEN: appToken,
    TEMPORAL_ADDRESS: c.app.temporalAddress,
    TEMPORAL_NAMESPACE: c.app.temporalNamespace,
    TEMPORAL_UI_URL: c.app.temporalUiUrl,
    TARGET_ID_KEY: targetIdKey,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // The hosts an ADMIN allows webhooks to reach over http or at private addresses (README, "Notifications").
    NOTIFY_ALLOWED_HTTP_HOSTS: process.env.NOTIFY_ALLOWED_HTTP_HOSTS ?? '',
    NOTIFY_ALLOWED_PRIVATE_HOSTS: process.env.NOTIFY_ALLOWED_PRIVATE_HOSTS ?? '',
    // Traces (README, "Observability"): none unless one of these is set.
    OTEL_TRACES_EXPORTER: process.env.OTEL_TRACES_EXPORTER ?? '',
    OTEL_EXPORTER_OTLP_ENDPOINT: process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? '',
  };
}

/** Every part, in the order start:prod starts them after the setup. */
export function partsOf(c: ProdConfig, opts: { databaseUrl: string; targetIdKey: string; db: EngineDb; engine: EnginePaths; auth: EngineAuth }): ChildSpec[] {
  const node = process.execPath;
  const app = appEnv(c, opts.databaseUrl, opts.targetIdKey, opts.auth.appToken);
  const upstreams = c.apiPorts.map((port) => `127.0.0.1:${port}`).join(',');
  return [
    // The engine's public key set, for the server's JWT claim mapper; started before the server.
    {
      name: 'temporal-jwks', cmd: node, args: [join(ROOT, PROGRAMS.engineAuth), 'serve'],
      env: { TEMPORAL_JWKS: opts.auth.jwks, HOST: '127.0.0.1', PORT: String(c.temporal.jwksPort) }, restart: true, port: c.temporal.jwksPort,
    },
    { name: 'temporal-server', cmd: opts.engine.temporalServer, args: serverArgs(), env: serverEnv(c, opts.db), restart: false, toFile: true },
    { name: 'temporal-ui', cmd: opts.engine.uiServer, args: uiArgs(), env: uiEnv(c), restart: true, toFile: true, port: c.temporal.uiInnerPort },
    // The UI's address: every request to the UI server gets the read-only token (temporal-system:read).
    {
      name: 'temporal-ui-proxy', cmd: node, args: [join(ROOT, PROGRAMS.proxy)], restart: true, port: c.app.temporalUiPort,
      env: { PORT: String(c.app.temporalUiPort), HOST: '127.0.0.1', UPSTREAMS: `127.0.0.1:${c.temporal.uiInnerPort}`, UPSTREAM_AUTHORIZATION: `Bearer ${opts.auth.uiToken}` },
    },
    ...Array.from({ length: WORKERS }, (_, i): ChildSpec => ({
      name: `worker-${i + 1}`, cmd: node, args: [join(ROOT, PROGRAMS.worker)], restart: true, port: c.workerMetricsPorts[i],
      // Each worker is its own Prometheus target for the SDK's metrics (worker/telemetry.ts).
      env: { ...app, WORKFLOW_BUNDLE, HOST: '127.0.0.1', WORKER_METRICS_PORT: String(c.workerMetricsPorts[i]) },
    })),
    ...c.apiPorts.map((port, i): ChildSpec => ({
      // The proxy names the client in X-Forwarded-For; only its address is believed (wrong-key throttling).
      name: `api-${i + 1}`, cmd: node, args: [join(ROOT, PROGRAMS.api)], env: { ...app, HOST: '127.0.0.1', PORT: String(port), TRUST_PROXY: '127.0.0.1' }, restart: true, port,
    })),
    {
      name: 'proxy', cmd: node, args: [join(ROOT, PROGRAMS.proxy)],
      env: { PORT: String(c.app.port), HOST: c.app.host, UPSTREAMS: upstreams }, restart: true, port: c.app.port,
    },
  ];
}
