// The settings of `npm run start:prod`, from the environment with defaults that work on a fresh
// clone: config/env.ts for what the API and the worker read, plus the topology's own (the
// engine's ports, databases and shards, the API instances). Every port comes with the variable
// that moves it, for the taken-port message.
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../../config/env';
import type { PortNeed } from '../port-check';

export const WORKERS = 2;
export const API_INSTANCES = 2;
/** Prometheus's own registry of exporter ports has 9464 for OpenTelemetry's Prometheus exporter. */
export const DEFAULT_WORKER_METRICS_PORT = 9464;

export interface ProdConfig {
  app: Config;
  /** DATA_DIR, or .data-prod beside npm start's .data. */
  dataDir: string;
  /** The API instances, on PORT+1 … PORT+API_INSTANCES behind the proxy on PORT. */
  apiPorts: number[];
  /** The workers' Prometheus endpoints (SDK metrics), WORKER_METRICS_PORT (9464) and the ports after it. */
  workerMetricsPorts: number[];
  /** Where the first ADMIN key is written, readable by its owner only (ADMIN_KEY_FILE). */
  adminKeyFile: string;
  temporal: {
    shards: number;
    db: string;
    visibilityDb: string;
    /** Every port of the server, all moved by TEMPORAL_PORT. */
    ports: Record<'frontend' | 'http' | 'history' | 'matching' | 'worker' | 'internalFrontend' | 'internalHttp', number>;
    membershipPorts: Record<'frontend' | 'history' | 'matching' | 'worker' | 'internalFrontend', number>;
    /** Where the launcher serves the engine's public key set (TEMPORAL_PORT+14, loopback). */
    jwksPort: number;
    /** Where the UI server itself listens (TEMPORAL_UI_PORT+1); the UI's address is its token-adding proxy's. */
    uiInnerPort: number;
  };
}

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(name, `must be an integer of at least ${min}, got "${raw}"`);
  return n;
}

export function loadProdConfig(env: NodeJS.ProcessEnv = process.env): ProdConfig {
  const app = loadConfig(env);
  const dataDir = env.DATA_DIR ? app.dataDir : resolve('.data-prod');
  const base = app.temporalPort;
  // The server's own defaults (7233–7239, 6933–6939, 7243), shifted together by TEMPORAL_PORT.
  const ports = { frontend: base, history: base + 1, matching: base + 2, internalFrontend: base + 3, worker: base + 6, http: base + 10, internalHttp: base + 13 };
  const membershipPorts = { frontend: base - 300, history: base - 299, matching: base - 298, internalFrontend: base - 297, worker: base - 294 };
  if (membershipPorts.frontend < 1024 || base + 14 > 65535) {
    throw new ConfigError('TEMPORAL_PORT', `must leave room for the server's other ports (1324–65521), got ${base}`);
  }
  if (app.temporalUiPort + 1 > 65535) throw new ConfigError('TEMPORAL_UI_PORT', 'must leave room for the UI server behind it (TEMPORAL_UI_PORT+1)');
  return {
    app: { ...app, dataDir },
    dataDir,
    apiPorts: Array.from({ length: API_INSTANCES }, (_, i) => app.port + 1 + i),
    workerMetricsPorts: Array.from({ length: WORKERS }, (_, i) => (app.workerMetricsPort ?? DEFAULT_WORKER_METRICS_PORT) + i),
    adminKeyFile: resolve(env.ADMIN_KEY_FILE || join(dataDir, 'admin-key')),
    temporal: {
      // ≥ 4: one shard per history host thread is the unit the server spreads its work over.
      shards: intSetting(env, 'TEMPORAL_HISTORY_SHARDS', 4, 1),
      db: env.TEMPORAL_DB || 'temporal',
      visibilityDb: env.TEMPORAL_VISIBILITY_DB || 'temporal_visibility',
      ports,
      membershipPorts,
      jwksPort: base + 14,
      uiInnerPort: app.temporalUiPort + 1,
    },
  };
}

/** Every port start:prod listens on, with the variable that moves it. */
export function portsOf(c: ProdConfig): PortNeed[] {
  const needs: PortNeed[] = [{ port: c.app.port, what: 'the API proxy', variable: 'PORT', host: c.app.host }];
  c.apiPorts.forEach((port, i) => needs.push({ port, what: `API instance ${i + 1} (PORT+${i + 1})`, variable: 'PORT' }));
  if (!c.app.databaseUrl) needs.push({ port: c.app.pgPort, what: 'the embedded PostgreSQL', variable: 'PG_PORT' });
  const t = c.temporal;
  needs.push({ port: t.ports.frontend, what: 'the Temporal frontend', variable: 'TEMPORAL_PORT' });
  for (const [service, port] of Object.entries(t.ports)) {
    if (service !== 'frontend') needs.push({ port, what: `the Temporal ${service} port (TEMPORAL_PORT+${port - t.ports.frontend})`, variable: 'TEMPORAL_PORT' });
  }
  for (const [service, port] of Object.entries(t.membershipPorts)) {
    needs.push({ port, what: `the Temporal ${service} membership port (TEMPORAL_PORT${port - t.ports.frontend})`, variable: 'TEMPORAL_PORT' });
  }
  needs.push({ port: t.jwksPort, what: "the engine's public key set (TEMPORAL_PORT+14)", variable: 'TEMPORAL_PORT' });
  needs.push({ port: c.app.temporalUiPort, what: 'the Temporal Web UI', variable: 'TEMPORAL_UI_PORT' });
  c.workerMetricsPorts.forEach((port, i) => needs.push({
    port, what: `worker ${i + 1}'s SDK metrics (WORKER_METRICS_PORT${i ? `+${i}` : ''})`, variable: 'WORKER_METRICS_PORT',
  }));
  needs.push({ port: t.uiInnerPort, what: 'the Temporal UI server behind its proxy (TEMPORAL_UI_PORT+1)', variable: 'TEMPORAL_UI_PORT' });
  return needs;
}
