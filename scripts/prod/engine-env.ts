// The environment of each engine part of `npm run start:prod`: temporal-schema.sh, the Temporal
// server (its config template scripts/prod/temporal-server/production.yaml reads these) and the
// UI server (scripts/prod/temporal-ui/production.yaml). docker-compose.yml gives its services the
// same variables with the container network's values; test/compose.test.ts holds them together.
import { fileURLToPath } from 'node:url';
import type { ProdConfig } from './config';
import { JWKS_PATH } from './engine-auth';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
export const SERVER_CONFIG_DIR = here('./temporal-server');
export const UI_CONFIG_DIR = here('./temporal-ui');
export const SCHEMA_SCRIPT = here('./temporal-schema.sh');
export const DYNAMIC_CONFIG = here('./temporal-server/dynamicconfig.yaml');

/**
 * The OpenTelemetry variables of the shell, unset: they configure the app's traces (README,
 * "Observability"), and the Temporal server reads the same names for its own, refusing to start
 * on OTEL_TRACES_EXPORTER=console. Spread over an engine's environment.
 */
export function withoutAppTelemetry(env: NodeJS.ProcessEnv = process.env): Record<string, undefined> {
  return Object.fromEntries(Object.keys(env).filter((k) => k.startsWith('OTEL_')).map((k) => [k, undefined]));
}

/** Where Temporal's databases are: the app's PostgreSQL server, with its credentials. */
export interface EngineDb {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** The server's part of a PostgreSQL URL. */
export function engineDbOf(databaseUrl: string, env: NodeJS.ProcessEnv = process.env): EngineDb {
  const url = new URL(databaseUrl);
  return {
    host: env.TEMPORAL_DB_HOST || url.hostname,
    port: Number(env.TEMPORAL_DB_PORT || url.port || 5432),
    user: env.TEMPORAL_DB_USER || decodeURIComponent(url.username),
    password: env.TEMPORAL_DB_PASSWORD ?? decodeURIComponent(url.password),
  };
}

function dbEnv(c: ProdConfig, db: EngineDb): Record<string, string> {
  return {
    TEMPORAL_DB_HOST: db.host,
    TEMPORAL_DB_PORT: String(db.port),
    TEMPORAL_DB_USER: db.user,
    TEMPORAL_DB_PASSWORD: db.password,
    TEMPORAL_DB: c.temporal.db,
    TEMPORAL_VISIBILITY_DB: c.temporal.visibilityDb,
  };
}

export function schemaEnv(c: ProdConfig, db: EngineDb, tools: { sqlTool: string; schemaDir: string }): Record<string, string> {
  return { ...dbEnv(c, db), TEMPORAL_SQL_TOOL: tools.sqlTool, TEMPORAL_SCHEMA_DIR: tools.schemaDir };
}

/**
 * What start:prod alone sets: every port, shifted together by TEMPORAL_PORT (a container has the
 * template's defaults to itself), and the address to announce (a container looks its own up).
 */
export const LOCAL_ONLY_SERVER_VARIABLES = [
  'TEMPORAL_PORT', 'TEMPORAL_HTTP_PORT', 'TEMPORAL_HISTORY_PORT', 'TEMPORAL_MATCHING_PORT',
  'TEMPORAL_WORKER_PORT', 'TEMPORAL_FRONTEND_MEMBERSHIP_PORT', 'TEMPORAL_HISTORY_MEMBERSHIP_PORT',
  'TEMPORAL_MATCHING_MEMBERSHIP_PORT', 'TEMPORAL_WORKER_MEMBERSHIP_PORT', 'TEMPORAL_INTERNAL_FRONTEND_PORT',
  'TEMPORAL_INTERNAL_FRONTEND_HTTP_PORT', 'TEMPORAL_INTERNAL_FRONTEND_MEMBERSHIP_PORT',
];

export function serverEnv(c: ProdConfig, db: EngineDb): Record<string, string> {
  const t = c.temporal;
  return {
    ...dbEnv(c, db),
    TEMPORAL_HISTORY_SHARDS: String(t.shards),
    TEMPORAL_BIND_IP: '127.0.0.1',
    // The internal services (history, matching, worker, internal-frontend) only ever on loopback.
    TEMPORAL_INTERNAL_BIND_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    TEMPORAL_PORT: String(t.ports.frontend),
    TEMPORAL_HTTP_PORT: String(t.ports.http),
    TEMPORAL_HISTORY_PORT: String(t.ports.history),
    TEMPORAL_MATCHING_PORT: String(t.ports.matching),
    TEMPORAL_WORKER_PORT: String(t.ports.worker),
    TEMPORAL_FRONTEND_MEMBERSHIP_PORT: String(t.membershipPorts.frontend),
    TEMPORAL_HISTORY_MEMBERSHIP_PORT: String(t.membershipPorts.history),
    TEMPORAL_MATCHING_MEMBERSHIP_PORT: String(t.membershipPorts.matching),
    TEMPORAL_WORKER_MEMBERSHIP_PORT: String(t.membershipPorts.worker),
    TEMPORAL_INTERNAL_FRONTEND_PORT: String(t.ports.internalFrontend),
    TEMPORAL_INTERNAL_FRONTEND_HTTP_PORT: String(t.ports.internalHttp),
    TEMPORAL_INTERNAL_FRONTEND_MEMBERSHIP_PORT: String(t.membershipPorts.internalFrontend),
    TEMPORAL_LOG_LEVEL: process.env.TEMPORAL_LOG_LEVEL || 'warn',
    TEMPORAL_DYNAMIC_CONFIG: DYNAMIC_CONFIG,
    // The engine's public key set, served by the temporal-jwks part.
    TEMPORAL_JWKS_URL: `http://127.0.0.1:${t.jwksPort}${JWKS_PATH}`,
  };
}

/** The UI server listens behind its proxy (temporal-ui-proxy), which adds the read-only token. */
export function uiEnv(c: ProdConfig): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: c.app.temporalAddress,
    TEMPORAL_UI_HOST: '127.0.0.1',
    TEMPORAL_UI_PORT: String(c.temporal.uiInnerPort),
    TEMPORAL_NAMESPACE: c.app.temporalNamespace,
    TEMPORAL_UI_URL: c.app.temporalUiUrl,
  };
}

/** Every service of the server, in one process (the internal frontend serves its own system workers). */
export const SERVER_SERVICES = ['frontend', 'internal-frontend', 'history', 'matching', 'worker'];

/** The server's command line: every service in one process, the config rendered from the environment. */
export function serverArgs(): string[] {
  // --root / with an absolute --config: the server joins the two for `start`.
  // No --allow-no-auth: the template configures the default authorizer and claim mapper. The
  // internal frontend is not among the server's default services: it is named with the others.
  return ['--root', '/', '--config', SERVER_CONFIG_DIR, '--env', 'production', 'start', ...SERVER_SERVICES.flatMap((s) => ['--service', s])];
}

export function uiArgs(): string[] {
  return ['--root', '/', '--config', UI_CONFIG_DIR, '--env', 'production', 'start'];
}
